// Who holds a socket: the kernel table gives an inode; /proc/PID/fd links name the process.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Listener } from './socket-table.js';

export interface Owner {
  pid: number;
  command: string;
  /** set when the process is a service started by devnet (found in its environment) */
  devnet?: { stack: string; service: string; run?: string };
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function commandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}

export const MARKER = { stack: 'DEVNET_STACK_ID', service: 'DEVNET_SERVICE_NAME', run: 'DEVNET_RUN_ID' } as const;

/** The devnet marker variables a process carries; devnet sets them on every service it starts. */
export function devnetMarker(pid: number): Owner['devnet'] {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined;
  }
  const vars = new Map<string, string>();
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.startsWith('DEVNET_')) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const stack = vars.get(MARKER.stack);
  const service = vars.get(MARKER.service);
  return stack && service ? { stack, service, run: vars.get(MARKER.run) } : undefined;
}

/** The socket inodes a process holds, from its /proc/PID/fd links. */
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
      // the fd closed while we looked
    }
  }
  return out;
}

/**
 * Finds the processes holding the given socket inodes. Inodes nobody could be found for
 * are absent from the map: another user's process, which the kernel will not show us.
 */
export function findOwners(inodes: Iterable<number>): Map<number, Owner> {
  const wanted = new Set(inodes);
  const found = new Map<number, Owner>();
  if (!wanted.size) return found;
  for (const pid of listPids()) {
    for (const inode of socketInodesOf(pid)) {
      // several processes may share a socket (a forked worker): keep the first, the lowest pid
      if (wanted.has(inode) && !found.has(inode)) found.set(inode, { pid, command: commandLine(pid) ?? '?', devnet: devnetMarker(pid) });
    }
    if (found.size === wanted.size) break;
  }
  return found;
}

/** Who holds some listeners, found in one pass over /proc; the lookup names the first owner it knows. */
export function ownerLookup(listeners: readonly Listener[]): (ls: readonly Listener[]) => Owner | undefined {
  const owners = listeners.length ? findOwners(listeners.map((l) => l.inode)) : new Map<number, Owner>();
  return (ls) => ls.map((l) => owners.get(l.inode)).find(Boolean);
}

export function describeOwner(o: Owner | undefined): string {
  if (!o) return "a process devnet cannot name (owner unknown: the kernel shows another user's processes only to root)";
  const svc = o.devnet ? `, service ${o.devnet.service} of devnet stack ${o.devnet.stack}` : '';
  return `pid ${o.pid} (${truncate(o.command, 120)})${svc}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
