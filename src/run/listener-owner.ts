// Whether a port's listener belongs to a service's own process tree: a stray process
// that already answers on the port must not make the service look ready.
import { readdirSync, readlinkSync } from 'node:fs';
import { readSocketTable } from '../ports/socket-table.js';
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

export function listenerOwnedByTree(port: number, pid: number, pgid: number): boolean {
  const inodes = readSocketTable().on(port).map((l) => l.inode);
  if (!inodes.length) return false;
  for (const p of processTree(pid, pgid)) {
    const mine = socketInodesOf(p.pid);
    if (inodes.some((i) => mine.has(i))) return true;
  }
  return false;
}
