// Process identities: a pid with its start time, so a reused pid is never taken for the
// process devnet recorded. Read through the platform backend.
import { platform } from './index.js';
import type { ProcStat, ProcessIdentity } from './types.js';

export type { ProcStat, ProcessIdentity };

export function readStat(pid: number): ProcStat | undefined {
  return platform().stat(pid);
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

/** Stopped by a signal (SIGSTOP, Ctrl-Z) or a tracer: it runs no code until SIGCONT. */
export function isFrozen(pid: number): boolean {
  const st = readStat(pid)?.state ?? '';
  return st === 'T' || st === 't';
}
