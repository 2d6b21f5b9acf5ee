// One read of every process with its group, parent and start time (platform backend). Used to find a
// service's whole tree, the members of its process group, and processes that carry a run's marker.
import { platform } from './index.js';
import type { ProcStat } from './identity.js';
import type { Marker } from './types.js';

/** Every live process (zombies left out), in one read. */
export function scanProcesses(): ProcStat[] {
  return platform().processes();
}

/** A scan by parent, group and pid: built once, it serves the trees of many services (devnet ui, every second). */
export interface ProcIndex {
  children: Map<number, ProcStat[]>;
  groups: Map<number, ProcStat[]>;
  byPid: Map<number, ProcStat>;
}

export function indexProcesses(procs: readonly ProcStat[]): ProcIndex {
  const index: ProcIndex = { children: new Map(), groups: new Map(), byPid: new Map() };
  const add = (m: Map<number, ProcStat[]>, k: number, p: ProcStat) => {
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  };
  for (const p of procs) {
    add(index.children, p.ppid, p);
    add(index.groups, p.pgid, p);
    index.byPid.set(p.pid, p);
  }
  return index;
}

/** The process group plus every descendant of its leader (children that left the group included). */
export function processTree(rootPid: number, pgid: number, procs: ProcStat[] = scanProcesses(), index: ProcIndex = indexProcesses(procs)): ProcStat[] {
  const { children } = index;
  const tree = new Map<number, ProcStat>();
  for (const p of index.groups.get(pgid) ?? []) tree.set(p.pid, p);
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (tree.has(c.pid) && c.pgid !== pgid) continue;
      tree.set(c.pid, c);
      walk(c.pid);
    }
  };
  const root = index.byPid.get(rootPid);
  if (root) tree.set(root.pid, root);
  [...tree.keys()].forEach(walk);
  return [...tree.values()];
}

/**
 * Processes started for a service of a run: they carry its marker in their environment.
 * Only processes started at or after `notBefore` (clock ticks) can: older ones are not read.
 */
export function processesWithMarker(runId: string, service: string | undefined, procs: ProcStat[] = scanProcesses(), notBefore = 0): ProcStat[] {
  return processesMarked((m) => m.run === runId && (service === undefined || m.service === service), procs, notBefore);
}

// The markers read for a scan. The services of a wave of stops share one scan, and each asks
// for the processes started since its leader: with start times in clock ticks, those are the
// same young processes for every service spawned in the same few milliseconds. Read once,
// their environments (one ps on POSIX) serve the whole wave.
const markersOfScan = new WeakMap<readonly ProcStat[], Map<number, Marker | undefined>>();

/** Processes started at or after `notBefore` whose marker `match` accepts (an exec probe's leftovers, a run's processes). */
export function processesMarked(match: (m: Marker) => boolean, procs: ProcStat[] = scanProcesses(), notBefore = 0): ProcStat[] {
  const candidates = procs.filter((p) => p.pid !== process.pid && p.startTime >= notBefore);
  let known = markersOfScan.get(procs);
  if (!known) markersOfScan.set(procs, (known = new Map()));
  const unread = candidates.filter((p) => !known.has(p.pid)).map((p) => p.pid);
  if (unread.length) {
    // one read of the environments of all that are new to this scan
    const read = platform().markers(unread);
    for (const pid of unread) known.set(pid, read.get(pid));
  }
  return candidates.filter((p) => {
    const m = known.get(p.pid);
    return m !== undefined && match(m);
  });
}
