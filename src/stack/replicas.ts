// replicas: N turns one service into NAME-1 ... NAME-N, so everything downstream (preflight,
// start order, status, logs, --only, restart, down) works per replica with no special case.
// spread: hosts keeps the planned port and gives each replica its own loopback address
// (Linux routes all of 127.0.0.0/8 to lo); spread: ports moves the ports by a stride.
// A dependency on a replicated service is a dependency on each of its replicas.
import { UsageError, quote } from '../errors.js';
import { dict, own } from './own.js';
import type { PathSegment } from './schema-dsl.js';
import { isLaunchable, type Condition, type Service, type Stack } from './model.js';

type At = (segments: PathSegment[], message: string) => void;

export const replicaName = (of: string, index: number): string => `${of}-${index}`;

/** 127.0.0.1 + n, or undefined when `host` is not an IPv4 loopback address or n runs past 127.255.255.254. */
export function loopbackPlus(host: string, n: number): string | undefined {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  // arithmetic, not bit shifts: 128 << 24 overflows a 32-bit int
  const value = 127 * 2 ** 24 + Number(m[1]) * 2 ** 16 + Number(m[2]) * 2 ** 8 + Number(m[3]) + n;
  if (value >= 128 * 2 ** 24 - 1) return undefined;
  return [Math.floor(value / 2 ** 24), Math.floor(value / 2 ** 16) % 256, Math.floor(value / 2 ** 8) % 256, value % 256].join('.');
}

export function expandReplicas(services: Record<string, Service>, at: At): Record<string, Service> {
  const copies = new Map<string, string[]>();
  const out: Record<string, Service> = dict();
  for (const s of Object.values(services)) {
    if (!s.replicas) {
      out[s.name] = s;
      continue;
    }
    const { count, spread, stride } = s.replicas;
    const names: string[] = [];
    for (let i = 1; i <= count; i++) {
      const name = replicaName(s.name, i);
      if (services[name]) {
        at(['services', s.name, 'replicas'], `replica ${i} of ${s.name} would be named ${name}, which is already a service; rename one of them`);
        break;
      }
      let host = s.host;
      const ports = { ...s.ports };
      if (spread === 'hosts') {
        const h = loopbackPlus(s.host, i - 1);
        if (h === undefined) {
          at(['services', s.name, 'spread'], `spread: hosts gives each replica its own loopback address, counting up from the service's host, which must be an IPv4 loopback address such as 127.0.0.1 (got ${s.host}); bind 127.0.0.1, or use spread: ports`);
          break;
        }
        host = h;
      } else for (const k of Object.keys(ports)) ports[k] = ports[k]! + (i - 1) * stride;
      const { replicas: _spec, ...rest } = s;
      out[name] = { ...rest, name, host, ports, replica: { of: s.name, index: i, count, spread, stride } };
      names.push(name);
    }
    copies.set(s.name, names);
  }
  // a dependency on a replicated service waits for every replica
  const expand = <T>(deps: Record<string, T>): Record<string, T> =>
    dict(Object.entries(deps).flatMap(([d, c]) => (copies.get(d) ?? [d]).map((n): [string, T] => [n, c])));
  for (const s of Object.values(out)) {
    s.dependsOn = expand<Condition>(s.dependsOn);
    s.restartWith = s.restartWith.flatMap((d) => copies.get(d) ?? [d]);
  }
  return out;
}

/** The replicas of `name` when it is a replicated service, else undefined. */
export function replicasOf(services: Record<string, Service>, name: string): string[] | undefined {
  const list = Object.values(services).filter((s) => s.replica?.of === name).map((s) => s.name);
  return list.length ? list : undefined;
}

/** Names as a person gives them: a replicated service stands for all its replicas. */
export function expandNames(services: Record<string, Service>, names: readonly string[]): string[] {
  return [...new Set(names.flatMap((n) => (services[n] ? [n] : (replicasOf(services, n) ?? [n]))))];
}

/** devnet scale, recorded: a replicated service runs COUNT copies while the stack file still gives FILE. */
export type ScaleRecord = Record<string, { count: number; file: number }>;

/** How many copies the stack runs of `group`: its replicas, 1 for a plain service, undefined when it has none. */
export function countOf(services: Record<string, Service>, group: string): number | undefined {
  const members = replicasOf(services, group);
  if (members) return members.length;
  return services[group] && !services[group].replica ? 1 : undefined;
}

/**
 * The stack with `count` copies of `group`, placed as its replicas are (spread: hosts, the
 * next loopback addresses; spread: ports, the next ports by its stride); a plain service
 * becomes NAME-1 ... NAME-N. What depended on the group depends on every copy. Pure: the
 * caller checks the result as it checks a loaded stack.
 */
export function scaleService(stack: Stack, group: string, count: number): Stack {
  const members = replicasOf(stack.services, group);
  const plain = members ? undefined : own(stack.services, group);
  if (!members && (!plain || plain.replica)) throw new UsageError(`stack ${stack.name} has no service ${quote(group)} to scale`);
  if (plain && !isLaunchable(plain)) throw new UsageError(`service ${group} is not launched (status: ${plain.status}): it cannot be scaled`);
  if (!members && count === 1) return stack;
  const first = members ? stack.services[members[0]!]! : plain!;
  const spread = first.replica?.spread ?? (loopbackPlus(first.host, 0) !== undefined ? 'hosts' : 'ports');
  const stride = first.replica?.stride ?? 1;
  // replica 1 holds the base address and ports
  const baseIndex = first.replica?.index ?? 1;
  const baseHost = spread === 'hosts' ? (loopbackPlus(first.host, -(baseIndex - 1)) ?? first.host) : first.host;
  const base = (m: Record<string, number>) => dict(Object.entries(m).map(([k, p]) => [k, spread === 'ports' ? p - (baseIndex - 1) * stride : p]));
  const basePorts = base(first.ports);
  const baseUdp = base(first.udpPorts);
  const old = new Set(members ?? [group]);
  const copies: Service[] = [];
  for (let i = 1; i <= count; i++) {
    const name = replicaName(group, i);
    if (stack.services[name] && !old.has(name)) throw new UsageError(`replica ${i} of ${group} would be named ${name}, which is already a service`);
    const host = spread === 'hosts' ? loopbackPlus(baseHost, i - 1) : baseHost;
    if (host === undefined) throw new UsageError(`${group} cannot have ${count} copies: replica ${i} would run past the loopback addresses`);
    const nth = (m: Record<string, number>) => dict(Object.entries(m).map(([k, p]) => [k, spread === 'ports' ? p + (i - 1) * stride : p]));
    const { replica: _r, ...rest } = first;
    copies.push({ ...rest, name, host, ports: nth(basePorts), udpPorts: nth(baseUdp), replica: { of: group, index: i, count, spread, stride } });
  }
  const names = copies.map((c) => c.name);
  const services: Record<string, Service> = dict();
  for (const s of Object.values(stack.services)) {
    if (old.has(s.name)) {
      if (s.name === first.name) for (const c of copies) services[c.name] = c;
      continue;
    }
    const dependsOn = dict(Object.entries(s.dependsOn).flatMap(([d, c]): [string, Condition][] => (old.has(d) ? names.map((n): [string, Condition] => [n, c]) : [[d, c]])));
    const restartWith = [...new Set(s.restartWith.flatMap((d) => (old.has(d) ? names : [d])))];
    services[s.name] = { ...s, dependsOn, restartWith };
  }
  return { ...stack, services };
}

/**
 * A loaded stack with the counts devnet scale recorded, kept only where the stack file still
 * gives the count it gave then (an edit of replicas: wins).
 */
export function withRecordedScale(stack: Stack, recorded: ScaleRecord | undefined): { stack: Stack; scale: ScaleRecord } {
  const kept: ScaleRecord = dict();
  let out = stack;
  for (const [group, r] of Object.entries(recorded ?? {})) {
    if (countOf(stack.services, group) !== r.file) continue;
    out = scaleService(out, group, r.count);
    kept[group] = r;
  }
  return { stack: out, scale: kept };
}
