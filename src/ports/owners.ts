import type { Check } from '../check.js';
// Who holds a port: the process, its command line, and whether it is a service of a devnet
// stack (its marker), through the platform backend.
import { platform } from '../platform/index.js';
import type { Owner } from '../platform/types.js';
import type { Listener } from './socket-table.js';

export type { Owner };
export { MARKER } from '../platform/marker.js';

/** Who holds some listeners, found in one pass; the lookup names the first owner it knows. */
export function ownerLookup(listeners: readonly Listener[]): (ls: readonly Listener[]) => Owner | undefined {
  const owners = listeners.length ? platform().owners(listeners) : new Map<Listener, Owner>();
  return (ls) => ls.map((l) => owners.get(l)).find(Boolean);
}

export function describeOwner(o: Owner | undefined): string {
  if (!o) return "a process devnet cannot name (owner unknown: the kernel shows another user's processes only to root)";
  const svc = o.devnet ? `, service ${o.devnet.service} of devnet stack ${o.devnet.stack}` : '';
  return `pid ${o.pid} (${truncate(o.command, 120)})${svc}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function ownerField(o: Owner | undefined): Check['owner'] {
  return o ? { pid: o.pid, command: o.command } : undefined;
}
