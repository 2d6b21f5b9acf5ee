// Process identity from /proc: a pid alone can be reused, a pid with its start time cannot.
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** clock ticks since boot, field 22 of /proc/PID/stat */
  startTime: number;
}

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  startTime: number;
}

export function readStat(pid: number): ProcStat | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: the fields start after the last ')'
  const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]), startTime: Number(f[19]) };
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const s = readStat(pid);
  return s && { pid, startTime: s.startTime };
}

/** True when the process still runs and is the very one recorded (not a reused pid, not a zombie). */
export function isSameProcess(id: ProcessIdentity | undefined): boolean {
  if (!id) return false;
  const s = readStat(id.pid);
  return !!s && s.startTime === id.startTime && s.state !== 'Z';
}
