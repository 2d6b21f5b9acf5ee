import { describe, expect, it } from 'vitest';
import type { Service } from './model.js';
import { expandNames, expandReplicas, loopbackPlus } from './replicas.js';

const svc = (name: string, extra: Partial<Service> = {}): Service =>
  ({ name, host: '127.0.0.1', ports: { default: 8800 }, dependsOn: {}, restartWith: [], files: {}, data: [], ...extra }) as Service;

describe('replicas', () => {
  it('counts loopback addresses up, across octets, and refuses what is not IPv4 loopback', () => {
    expect(loopbackPlus('127.0.0.1', 4)).toBe('127.0.0.5');
    expect(loopbackPlus('127.0.0.255', 1)).toBe('127.0.1.0');
    expect(loopbackPlus('127.255.255.253', 1)).toBe('127.255.255.254');
    expect(loopbackPlus('127.255.255.254', 1)).toBeUndefined();
    expect(loopbackPlus('0.0.0.0', 1)).toBeUndefined();
    expect(loopbackPlus('::1', 1)).toBeUndefined();
  });

  it('spread: hosts keeps the port and gives each replica its own address; dependents wait for each', () => {
    const problems: string[] = [];
    const out = expandReplicas(
      {
        raft: svc('raft', { replicas: { count: 3, spread: 'hosts', stride: 1 } }),
        barn: svc('barn', { ports: { default: 8700 }, dependsOn: { raft: 'ready' }, restartWith: ['raft'] }),
      },
      (_at, m) => problems.push(m),
    );
    expect(problems).toEqual([]);
    expect(Object.keys(out)).toEqual(['raft-1', 'raft-2', 'raft-3', 'barn']);
    expect(['raft-1', 'raft-2', 'raft-3'].map((n) => `${out[n]!.host}:${out[n]!.ports.default}`)).toEqual(['127.0.0.1:8800', '127.0.0.2:8800', '127.0.0.3:8800']);
    expect(out['raft-2']!.replica).toEqual({ of: 'raft', index: 2, count: 3 });
    expect(out.barn!.dependsOn).toEqual({ 'raft-1': 'ready', 'raft-2': 'ready', 'raft-3': 'ready' });
    expect(out.barn!.restartWith).toEqual(['raft-1', 'raft-2', 'raft-3']);
    expect(expandNames(out, ['raft', 'barn'])).toEqual(['raft-1', 'raft-2', 'raft-3', 'barn']);
  });

  it('spread: ports moves every port by the stride', () => {
    const out = expandReplicas({ api: svc('api', { ports: { http: 9000, grpc: 9100 }, replicas: { count: 3, spread: 'ports', stride: 10 } }) }, () => {});
    expect(Object.values(out).map((s) => s.ports)).toEqual([
      { http: 9000, grpc: 9100 },
      { http: 9010, grpc: 9110 },
      { http: 9020, grpc: 9120 },
    ]);
    expect(new Set(Object.values(out).map((s) => s.host))).toEqual(new Set(['127.0.0.1']));
  });

  it('says so when a replica name is taken or the host cannot spread', () => {
    const problems: string[] = [];
    expandReplicas({ a: svc('a', { replicas: { count: 2, spread: 'hosts', stride: 1 } }), 'a-2': svc('a-2') }, (_at, m) => problems.push(m));
    expandReplicas({ b: svc('b', { host: '0.0.0.0', replicas: { count: 2, spread: 'hosts', stride: 1 } }) }, (_at, m) => problems.push(m));
    expect(problems[0]).toMatch(/replica 2 of a would be named a-2, which is already a service/);
    expect(problems[1]).toMatch(/must be an IPv4 loopback address.*got 0\.0\.0\.0/);
  });
});
