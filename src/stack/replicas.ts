// replicas: N turns one service into NAME-1 ... NAME-N, so everything downstream (preflight,
// start order, status, logs, --only, restart, down) works per replica with no special case.
// spread: hosts keeps the planned port and gives each replica its own loopback address
// (Linux routes all of 127.0.0.0/8 to lo); spread: ports moves the ports by a stride.
// A dependency on a replicated service is a dependency on each of its replicas.
import { dict } from './own.js';
import type { PathSegment } from './schema-dsl.js';
import type { Condition, Service } from './model.js';

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
      out[name] = { ...rest, name, host, ports, replica: { of: s.name, index: i, count } };
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
