// Whether a port's listener belongs to a service's own process tree: a stray process
// that already answers on the port must not make the service look ready.
import { monotonicMs } from '../async/clock.js';
import { platform } from '../platform/index.js';
import type { Listener } from '../platform/types.js';
import { conflicts } from '../stack/address-conflict.js';
import { tableOf, type SocketTable } from './socket-table.js';
import { processTree } from '../platform/proc-scan.js';

// Probes of services that become ready together share each read of the listener table
const SHARE_MS = 25;
const recent = new Map<4 | 6, { at: number; table: SocketTable }>();
/** The listeners of a family, from a table read at or after `since` (monotonicMs()). */
function listenersOf(family: 4 | 6, since: number): SocketTable {
  let r = recent.get(family);
  if (!r || r.at < since) {
    const table = tableOf(platform().listeners(family, since));
    recent.set(family, (r = { at: monotonicMs(), table }));
  }
  return r.table;
}

/** Whether one of the listeners is held in the service's tree: its leader first, where most services listen. */
function heldByTree(listeners: Listener[], pid: number, pgid: number): boolean {
  if (!listeners.length) return false;
  const p = platform();
  if (p.heldBy(listeners, [pid])) return true;
  return p.heldBy(
    listeners,
    processTree(pid, pgid).map((x) => x.pid),
  );
}

export function listenerOwnedByTree(port: number, pid: number, pgid: number, host?: string): boolean {
  // IPv4 first; the IPv6 table (::1, dual-stack ::) is read only when IPv4 does not settle it
  // only the listeners on the service's address: five replicas on one port are five listeners
  const owned = (since: number) => {
    const on = (family: 4 | 6) => listenersOf(family, since).on(port).filter((l) => host === undefined || conflicts(l, host));
    return heldByTree(on(4), pid, pgid) || heldByTree(on(6), pid, pgid);
  };
  // a shared table may be older than this listener (read for a service that answered a few ms
  // before): it can say "ours", but only a table read now can say "not ours"
  return owned(monotonicMs() - SHARE_MS) || owned(monotonicMs());
}
