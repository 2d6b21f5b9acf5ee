// Whether a port's listener belongs to a service's own process tree: a stray process
// that already answers on the port must not make the service look ready.
import { readdirSync, readlinkSync } from 'node:fs';
import { readSocketTable, type SocketTable } from '../ports/socket-table.js';
import { processTree } from '../state/proc-scan.js';

export function socketInodesOf(pid: number): Set<number> {
  const out = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch {
      // fd closed while we looked
    }
  }
  return out;
}

// Probes of services that become ready together share one read of the kernel's table.
let recent: { at: number; table: SocketTable } | undefined;
function socketTable(): SocketTable {
  const now = performance.now();
  if (!recent || now - recent.at > 25) recent = { at: now, table: readSocketTable() };
  return recent.table;
}

export function listenerOwnedByTree(port: number, pid: number, pgid: number): boolean {
  const inodes = socketTable().on(port).map((l) => l.inode);
  if (!inodes.length) return false;
  // most services listen in their leader process: look there before walking the whole tree
  const own = socketInodesOf(pid);
  if (inodes.some((i) => own.has(i))) return true;
  for (const p of processTree(pid, pgid)) {
    const mine = socketInodesOf(p.pid);
    if (inodes.some((i) => mine.has(i))) return true;
  }
  return false;
}
