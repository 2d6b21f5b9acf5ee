// Whether a port's listener belongs to a service's own process tree: a stray process
// that already answers on the port must not make the service look ready.
import { conflicts } from '../stack/address-conflict.js';
import { socketInodesOf } from '../ports/owners.js';
import { readFamily, tableOf, type SocketTable } from '../ports/socket-table.js';
import { processTree } from '../state/proc-scan.js';

// Probes of services that become ready together share each read of the kernel's tables
// (a read walks the whole connection table: milliseconds on a large machine).
const recent = new Map<4 | 6, { at: number; table: SocketTable }>();
function listenersOf(family: 4 | 6): SocketTable {
  const now = performance.now();
  let r = recent.get(family);
  if (!r || now - r.at > 25) recent.set(family, (r = { at: now, table: tableOf(readFamily(family)) }));
  return r.table;
}

/** Whether one of the inodes is a socket of the service's tree: its leader first, where most services listen. */
function heldByTree(inodes: number[], pid: number, pgid: number): boolean {
  if (!inodes.length) return false;
  const own = socketInodesOf(pid);
  if (inodes.some((i) => own.has(i))) return true;
  return processTree(pid, pgid).some((p) => {
    const mine = socketInodesOf(p.pid);
    return inodes.some((i) => mine.has(i));
  });
}

export function listenerOwnedByTree(port: number, pid: number, pgid: number, host?: string): boolean {
  // IPv4 first; the IPv6 table (::1, dual-stack ::) is read only when IPv4 does not settle it
  // only the listeners on the service's address: five replicas on one port are five listeners
  const inodes = (family: 4 | 6) => listenersOf(family).on(port).filter((l) => host === undefined || conflicts(l, host)).map((l) => l.inode);
  return heldByTree(inodes(4), pid, pgid) || heldByTree(inodes(6), pid, pgid);
}
