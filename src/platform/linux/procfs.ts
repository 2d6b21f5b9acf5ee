// Linux: processes from /proc: their stat (state, parent, group, start time in clock ticks
// since boot), command line, environment (for devnet's marker) and socket file descriptors.
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { readProcText, readStat } from './proc-stat.js';
import { markerOf } from '../marker.js';
import type { Marker, Usage } from '../types.js';

export { readProcText, readStat };

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/**
 * The children of a process, from each of its threads' children file (a child belongs to the
 * thread that forked it): a few small reads instead of a scan of every process. [] for a
 * process gone meanwhile; undefined where the kernel has no children files.
 */
export function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    let text: string;
    try {
      text = readProcText(`/proc/${pid}/task/${tid}/children`);
    } catch (e) {
      // the thread ended meanwhile; a kernel built without the files has none for any thread
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(pid) && readdirSyncHas(`/proc/${pid}/task/${tid}`)) return undefined;
      continue;
    }
    for (const c of text.split(' ')) if (c) out.push(Number(c));
  }
  return out;
}

function readdirSyncHas(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

export function commandLine(pid: number): string | undefined {
  try {
    const raw = readProcText(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean).join(' ') || undefined;
  } catch {
    return undefined;
  }
}

export function markerOfPid(pid: number): Marker | undefined {
  try {
    return markerOf(readProcText(`/proc/${pid}/environ`).split('\0'));
  } catch {
    // gone, or another user's: its environment is not ours to read
    return undefined;
  }
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
      // closed meanwhile
    }
  }
  return out;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock tick (USER_HZ), in which /proc gives CPU times: 100 on every Linux but a few. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 });
    const n = Number(r.stdout?.trim());
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

/** CPU time (utime + stime of its stat) and resident memory (VmRSS of its status). */
export function readUsage(pid: number): Usage | undefined {
  try {
    const raw = readProcText(`/proc/${pid}/stat`);
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const status = readProcText(`/proc/${pid}/status`);
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / clockTicks(), rssBytes: kb * 1024 };
  } catch {
    return undefined;
  }
}
