import { describe, expect, it } from 'vitest';
import type { Service } from './model.js';
import type { Stack } from './model.js';
import { expandNames, expandReplicas, loopbackPlus, scaleService, withRecordedScale } from './replicas.js';

const svc = (name: string, extra: Partial<Service> = {}): Service =>
  ({ name, host: '127.0.0.1', ports: { default: 8800 }, udpPorts: {}, dependsOn: {}, restartWith: [], files: {}, data: [], status: 'active', command: 'x', ...extra }) as Service;

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
    expect(out['raft-2']!.replica).toEqual({ of: 'raft', index: 2, count: 3, spread: 'hosts', stride: 1 });
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

describe('scaleService', () => {
  const stackOf = (services: Record<string, Service>) => ({ name: 's', services: expandReplicas(services, () => {}) }) as unknown as Stack;
  const raft = () =>
    stackOf({
      raft: svc('raft', { replicas: { count: 3, spread: 'hosts', stride: 1 } }),
      barn: svc('barn', { ports: { default: 8700 }, dependsOn: { raft: 'ready' }, restartWith: ['raft'] }),
    });

  it('grows on the next addresses, keeps the order, and what depended on the group depends on every copy', () => {
    const out = scaleService(raft(), 'raft', 5);
    expect(Object.keys(out.services)).toEqual(['raft-1', 'raft-2', 'raft-3', 'raft-4', 'raft-5', 'barn']);
    expect(out.services['raft-5']!.host).toBe('127.0.0.5');
    expect(out.services['raft-5']!.replica).toEqual({ of: 'raft', index: 5, count: 5, spread: 'hosts', stride: 1 });
    expect(Object.keys(out.services.barn!.dependsOn)).toEqual(['raft-1', 'raft-2', 'raft-3', 'raft-4', 'raft-5']);
    expect(out.services.barn!.restartWith).toHaveLength(5);
  });

  it('shrinks from the highest, spreads over ports by the stride, and makes a plain service replicated', () => {
    expect(Object.keys(scaleService(raft(), 'raft', 1).services)).toEqual(['raft-1', 'barn']);
    const ports = stackOf({ w: svc('w', { ports: { default: 9000 }, replicas: { count: 2, spread: 'ports', stride: 10 } }) });
    expect(Object.values(scaleService(ports, 'w', 3).services).map((s) => `${s.host}:${s.ports.default}`)).toEqual(['127.0.0.1:9000', '127.0.0.1:9010', '127.0.0.1:9020']);
    const plain = scaleService(raft(), 'barn', 2);
    expect(Object.keys(plain.services)).toEqual(['raft-1', 'raft-2', 'raft-3', 'barn-1', 'barn-2']);
    expect(plain.services['barn-2']!.host).toBe('127.0.0.2');
    expect(scaleService(raft(), 'barn', 1)).toEqual(raft());
    expect(() => scaleService(raft(), 'raft-1', 2)).toThrow(/no service "raft-1" to scale/);
  });

  it('keeps a recorded count only while the stack file gives the count it was scaled from', () => {
    expect(Object.keys(withRecordedScale(raft(), { raft: { count: 4, file: 3 } }).stack.services)).toHaveLength(5);
    const edited = withRecordedScale(raft(), { raft: { count: 4, file: 2 } });
    expect(Object.keys(edited.stack.services)).toHaveLength(4);
    expect(edited.scale).toEqual({});
  });
});
