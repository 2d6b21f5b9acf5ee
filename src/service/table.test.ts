import { describe, expect, it } from 'vitest';
import type { ServiceState } from '../state/store.js';
import { TABLE, moveOn, mustMove, type ServiceEvent } from './table.js';

const states = Object.keys(TABLE) as ServiceState[];
const walk = (from: ServiceState, events: ServiceEvent[]) => events.reduce((s, e) => mustMove('api', s, e).to, from);

describe('the service table', () => {
  it('lives a service: start, spawn, ready, unhealthy, healthy, stop', () => {
    expect(walk('pending', ['start', 'spawned', 'ready', 'unhealthy', 'healthy', 'stop', 'stopped'])).toBe('stopped');
    expect(walk('stopped', ['start', 'spawned', 'completed'])).toBe('completed');
    expect(walk('failed', ['backoff', 'start', 'spawned', 'ready'])).toBe('ready');
  });

  it('pauses only a ready (or unhealthy) run, and a paused one is resumed, stopped or seen to die', () => {
    expect(walk('ready', ['pause', 'resume'])).toBe('ready');
    expect(walk('unhealthy', ['pause', 'resume', 'unhealthy'])).toBe('unhealthy');
    for (const s of ['starting', 'running', 'stopped', 'restarting'] as const) expect(moveOn(s, 'pause'), s).toBeUndefined();
    expect(mustMove('api', 'paused', 'stop')).toEqual({ to: 'stopping', does: 'abort-run' });
    expect(mustMove('api', 'paused', 'crash').to).toBe('failed');
    expect(moveOn('paused', 'unhealthy')).toBeUndefined();
  });

  it('refuses what makes no sense, naming the service, the state and the event', () => {
    expect(moveOn('stopped', 'ready')).toBeUndefined();
    expect(() => mustMove('api', 'pending', 'ready')).toThrow('service api: no move from pending on ready');
    expect(() => mustMove('api', 'ready', 'spawned')).toThrow(/no move from ready on spawned/);
  });

  it('every state can be left, and every one with a process can be stopped', () => {
    for (const s of states) expect(Object.values(TABLE[s]).some((m) => m!.to !== s), s).toBe(true);
    for (const s of ['starting', 'running', 'ready', 'unhealthy', 'paused'] as const) expect(mustMove('api', s, 'stop')).toEqual({ to: 'stopping', does: 'abort-run' });
    for (const s of ['pending', 'restarting'] as const) expect(mustMove('api', s, 'stop').to).toBe('stopped');
  });

  it("down's sweep takes every state: what ran is stopped, how a run ended is kept", () => {
    for (const s of states) expect(moveOn(s, 'swept'), s).toBeDefined();
    for (const s of ['exited', 'failed', 'completed', 'stopped'] as const) expect(mustMove('api', s, 'swept').to).toBe(s);
    for (const s of ['pending', 'starting', 'running', 'ready', 'unhealthy', 'paused', 'stopping', 'restarting'] as const) expect(mustMove('api', s, 'swept').to).toBe('stopped');
  });

  it('a failure that dependents must hear of fails their gates with it', () => {
    expect(mustMove('api', 'running', 'not-ready').does).toBe('fail-all');
    expect(mustMove('api', 'ready', 'crash').does).toBe('fail-run');
    expect(mustMove('api', 'ready', 'exit').does).toBe('fail-run');
    expect(mustMove('api', 'ready', 'unhealthy').does).toBe('notify-unhealthy');
  });
});
