// ps output, the portable forms macOS, the BSDs and Linux's procps share:
// `ps -A -o pid=,ppid=,pgid=,lstart=,stat=` for identities and trees (lstart is the start
// time, "Mon Nov 23 03:52:37 2026", read as UTC because ps runs with TZ=UTC), and
// `ps eww -o pid=,command= -p PIDS` (macOS: -E) for the environment words after a command (the marker).
import { ToolOutputError } from '../../errors.js';
import { markerOf } from '../marker.js';
import type { Marker, ProcStat, Usage } from '../types.js';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const LINE = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)\s+(\d{4})\s+(\S+)/;

/** "Nov", "23", "03", "52", "37", "2026" as seconds since the epoch (UTC). */
export function lstartSeconds(mon: string, day: string, h: string, m: string, s: string, year: string): number {
  return Date.UTC(Number(year), MONTHS[mon] ?? 0, Number(day), Number(h), Number(m), Number(s)) / 1000;
}


export function parsePsStats(text: string): ProcStat[] {
  const out: ProcStat[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = LINE.exec(line);
    if (!f) throw new ToolOutputError(`ps printed a line devnet cannot read as pid, ppid, pgid, start time and state: ${JSON.stringify(line.slice(0, 80))}`);
    out.push({ pid: Number(f[1]), ppid: Number(f[2]), pgid: Number(f[3]), startTime: lstartSeconds(f[4]!, f[5]!, f[6]!, f[7]!, f[8]!, f[9]!), state: f[10]![0]! });
  }
  return out;
}

/**
 * ps arguments that print each process's environment after its command line. The flag differs:
 * macOS documents -E ("Display the environment as well"; its -e is -A, every process), FreeBSD
 * and OpenBSD -e, and Linux's procps the BSD-style `e` (it has no -E).
 */
export function psEnvironmentArgs(os: NodeJS.Platform, pids: readonly number[]): string[] {
  const env = os === 'darwin' ? ['-E', '-ww'] : os === 'linux' ? ['eww'] : ['-e', '-ww'];
  return [...env, '-o', 'pid=,command=', '-p', pids.join(',')];
}

/** Markers from `ps eww -o pid=,command=`: the words after the command hold its environment. */
export function parsePsMarkers(text: string): Map<number, Marker> {
  const out = new Map<number, Marker>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const marker = markerOf(m[2]!.split(/\s+/));
    if (marker) out.set(Number(m[1]), marker);
  }
  return out;
}

/** `ps -o pid=,command=`: the command line of each pid. */
export function parsePsCommands(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.*?)\s*$/.exec(line);
    if (m) out.set(Number(m[1]), m[2]!);
  }
  return out;
}

/**
 * `ps -o pid=,rss=,time= -p PIDS`: resident memory in KiB and CPU time as [[dd-]hh:]mm:ss[.cc]
 * (a second's precision on most systems: CPU% over a few seconds is still right).
 */
export function parsePsUsage(text: string): Map<number, Usage> {
  const out = new Map<number, Usage>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)\s*$/.exec(line);
    if (!m) continue;
    const secs = Number(m[3] ?? 0) * 86400 + Number(m[4] ?? 0) * 3600 + Number(m[5]) * 60 + Number(m[6]);
    out.set(Number(m[1]), { cpuMs: secs * 1000, rssBytes: Number(m[2]) * 1024 });
  }
  return out;
}
