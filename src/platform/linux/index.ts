// The Linux backend: everything from /proc, no process spawned.
import type { Listener, Marker, Owner, Platform, ProcStat, Usage } from '../types.js';
import { linuxKernelPorts } from './kernel.js';
import { childrenOf, commandLine, listPids, markerOfPid, readStat, readUsage, socketInodesOf } from './procfs.js';
import { readConnectionsOn, readFamily, readUdpFamily } from './socket-table.js';

export const linux: Platform = {
  name: 'linux',
  listeners: (family) => readFamily(family),
  udpSockets: (family) => readUdpFamily(family),
  connectionsOn: (port) => readConnectionsOn(port),
  owners(listeners) {
    const out = new Map<Listener, Owner>();
    const byInode = new Map<number, Listener[]>();
    for (const l of listeners) if (l.inode !== undefined) byInode.set(l.inode, [...(byInode.get(l.inode) ?? []), l]);
    if (!byInode.size) return out;
    // one pass over /proc: each process's socket fds against the wanted inodes
    const found = new Set<number>();
    for (const pid of listPids()) {
      for (const inode of socketInodesOf(pid)) {
        if (!byInode.has(inode) || found.has(inode)) continue;
        found.add(inode);
        const owner: Owner = { pid, command: commandLine(pid) ?? '?', devnet: markerOfPid(pid) };
        for (const l of byInode.get(inode)!) out.set(l, owner);
      }
      if (found.size === byInode.size) break;
    }
    return out;
  },
  heldBy(listeners, pids) {
    const inodes = listeners.map((l) => l.inode).filter((i): i is number => i !== undefined);
    if (!inodes.length) return false;
    // the leader first, where most services listen
    return pids.some((pid) => {
      const own = socketInodesOf(pid);
      return inodes.some((i) => own.has(i));
    });
  },
  stat: readStat,
  exists(pid) {
    const s = readStat(pid);
    return !!s && s.state !== 'Z';
  },
  processes() {
    const out: ProcStat[] = [];
    for (const pid of listPids()) {
      const s = readStat(pid);
      if (s && s.state !== 'Z') out.push(s);
    }
    return out;
  },
  descendants(pid) {
    const root = readStat(pid);
    if (!root || root.state === 'Z') return [];
    const out = [root];
    const seen = new Set([pid]);
    for (let i = 0; i < out.length; i++) {
      const kids = childrenOf(out[i]!.pid);
      if (kids === undefined) return i === 0 ? undefined : out;
      for (const c of kids) {
        const s = seen.has(c) ? undefined : readStat(c);
        seen.add(c);
        if (s && s.state !== 'Z') out.push(s);
      }
    }
    return out;
  },
  commandLine,
  markers(pids) {
    const out = new Map<number, Marker>();
    for (const pid of pids) {
      const m = markerOfPid(pid);
      if (m) out.set(pid, m);
    }
    return out;
  },
  kernelPorts: linuxKernelPorts,
  usage(pids) {
    const out = new Map<number, Usage>();
    for (const pid of pids) {
      const u = readUsage(pid);
      if (u) out.set(pid, u);
    }
    return out;
  },
};
