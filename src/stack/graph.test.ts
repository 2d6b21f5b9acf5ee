import { describe, expect, it } from 'vitest';
import { findCycle, startWaves, withDependencies } from './graph.js';

describe('graph', () => {
  it('orders services in waves after their dependencies', () => {
    expect(startWaves({ web: ['api'], api: ['node'], node: [], wallet: ['node'], prom: [] })).toEqual([['node', 'prom'], ['api', 'wallet'], ['web']]);
  });

  it('names a cycle as a path back to its start', () => {
    expect(findCycle({ a: ['b'], b: ['c'], c: ['a'], d: [] })).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle({ a: ['a'] })).toEqual(['a', 'a']);
    expect(findCycle({ a: ['b'], b: [] })).toBeUndefined();
    expect(() => startWaves({ a: ['b'], b: ['a'] })).toThrow('a -> b -> a');
  });

  it('collects dependencies transitively', () => {
    expect([...withDependencies({ web: ['api'], api: ['node'], node: [], x: [] }, ['web'])].sort()).toEqual(['api', 'node', 'web']);
  });
});
