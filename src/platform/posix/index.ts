// The POSIX backend for macOS and the BSDs (and Linux without /proc): listeners and their
// holders from lsof, processes from ps. Each read is a process devnet runs, so it reads in
// batches (one ps for every pid it needs) and answers "is it still there?" with kill(pid, 0).
import { monotonicMs } from '../../async/clock.js';
import { spawnSync } from 'node:child_process';
import { PlatformError } from '../../errors.js';
import type { KernelPorts, Listener, Marker, Owner, Platform } from '../types.js';
import { parseLsof, parseLsofConnections } from './lsof.js';
import { parseNetstat, parseSs } from './netstat.js';
import { parsePsCommands, parsePsMarkers, parsePsStats, parsePsUsage, psEnvironmentArgs } from './ps.js';

const ENV = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };

function run(file: string, args: string[]): { ok: boolean; stdout: string } {
  // a hard deadline: a tool that ignores SIGTERM must not hold devnet up
  const r = spawnSync(file, args, { env: ENV, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 10_000, killSignal: 'SIGKILL' });
  const what = file === 'lsof' ? 'listening ports' : 'processes';
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new PlatformError(`devnet reads ${what} with ${file}, which is not installed here; install it (macOS has it; Debian: apt-get install ${file === 'lsof' ? 'lsof' : 'procps'})`);
  // an answer cut short would read as "nothing listens" or "no such process": never guess
  if (r.error || r.signal)
    throw new PlatformError(`devnet reads ${what} with \`${file} ${args.join(' ')}\`, which ${r.signal === 'SIGKILL' || (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' ? 'did not answer within 10s' : `failed (${r.error?.message ?? r.signal})`}; try it by hand`);
  return { ok: r.status === 0, stdout: r.stdout ?? '' };
}

const STAT = 'pid=,ppid=,pgid=,lstart=,stat=';

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is another user's
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sysctl(...names: string[]): string[] | undefined {
  const r = spawnSync('sysctl', ['-n', ...names], { env: ENV, encoding: 'utf8', timeout: 5000, killSignal: 'SIGKILL' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/) : undefined;
}

/** Every listener, holders unknown: netstat on macOS and the BSDs, ss on Linux. */
function socketTable(): Listener[] {
  const linuxSs = process.platform === 'linux';
  const o = { env: ENV, encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' } as const;
  const r = linuxSs ? spawnSync('ss', ['-Hltn'], o) : spawnSync('netstat', ['-an', '-p', 'tcp'], o);
  if (r.status !== 0) return [];
  return linuxSs ? parseSs(r.stdout) : parseNetstat(r.stdout);
}

let listenerCache: { at: number; all: Listener[] } | undefined;

/** Both families from one lsof run: a second call within a few milliseconds reuses it, unless it asks for a table read since `since`. */
function allListeners(since = -Infinity): Listener[] {
  if (listenerCache && monotonicMs() - listenerCache.at < 20 && listenerCache.at >= since) return listenerCache.all;
  // exit 1 with no output: nothing listens
  const { stdout } = run('lsof', ['-nP', '-w', '-iTCP', '-sTCP:LISTEN', '-F', 'pctn']);
  const all: Listener[] = parseLsof(stdout);
  // not root: lsof hides other users' sockets; the socket table lists them, holder unknown
  if (process.getuid?.() !== 0) {
    const seen = new Set(all.map((l) => `${l.family}|${l.address}|${l.port}`));
    for (const l of socketTable()) if (!seen.has(`${l.family}|${l.address}|${l.port}`)) all.push(l);
  }
  // aged from when the answer came, not when it was asked: lsof itself takes 10-30ms
  listenerCache = { at: monotonicMs(), all };
  return all;
}

export const posix: Platform = {
  name: 'posix',
  listeners: (family, since) => allListeners(since).filter((l) => l.family === family),
  // exit 1 with no output: nothing is bound
  udpSockets: (family) => parseLsof(run('lsof', ['-nP', '-w', '-iUDP', '-F', 'pctn']).stdout).filter((l) => l.family === family),
  connectionsOn: (port) => parseLsofConnections(run('lsof', ['-nP', '-w', `-iTCP:${port}`, '-F', 'pctn']).stdout, port),
  owners(listeners) {
    const out = new Map<Listener, Owner>();
    const pids = [...new Set(listeners.map((l) => l.pid).filter((p): p is number => p !== undefined))];
    if (!pids.length) return out;
    const commands = parsePsCommands(run('ps', ['-o', 'pid=,command=', '-p', pids.join(',')]).stdout);
    const markers = posix.markers(pids);
    for (const l of listeners) if (l.pid !== undefined) out.set(l, { pid: l.pid, command: commands.get(l.pid) ?? '?', devnet: markers.get(l.pid) });
    return out;
  },
  heldBy: (listeners, pids) => listeners.some((l) => l.pid !== undefined && pids.includes(l.pid)),
  exists,
  stat(pid) {
    if (!exists(pid)) return undefined;
    return parsePsStats(run('ps', ['-o', STAT, '-p', String(pid)]).stdout)[0];
  },
  processes: () => parsePsStats(run('ps', ['-A', '-o', STAT]).stdout).filter((p) => p.state !== 'Z'),
  commandLine: (pid) => parsePsCommands(run('ps', ['-o', 'pid=,command=', '-p', String(pid)]).stdout).get(pid),
  usage: (pids) => (pids.length ? parsePsUsage(run('ps', ['-o', 'pid=,rss=,time=', '-p', pids.join(',')]).stdout) : new Map()),
  markers(pids) {
    if (!pids.length) return new Map<number, Marker>();
    return parsePsMarkers(run('ps', psEnvironmentArgs(process.platform, pids)).stdout);
  },
  kernelPorts(): KernelPorts {
    const range = sysctl('net.inet.ip.portrange.first', 'net.inet.ip.portrange.last') ?? sysctl('net.ipv4.ip_local_port_range');
    const [lo, hi] = (range ?? ['49152', '65535']).map(Number);
    const unprivileged = sysctl('net.ipv4.ip_unprivileged_port_start')?.[0];
    return {
      ephemeral: [lo!, hi!],
      reserved: () => false,
      // macOS lets any user bind ports below 1024 since 10.14; the BSDs and Linux do not
      unprivilegedStart: unprivileged ? Number(unprivileged) : process.platform === 'darwin' ? 0 : 1024,
      isRoot: process.getuid?.() === 0,
    };
  },
};

