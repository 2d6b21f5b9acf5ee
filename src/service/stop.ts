// Stopping one service: SIGTERM to its process group, SIGKILL after the grace period.
// Only processes devnet can prove are its own are signalled: the recorded leader with its
// recorded start time (so a reused pid is never hit), its group and descendants while it
// lives, and anything carrying the run's marker in its environment.
import type { ProcStat } from '../platform/identity.js';
import { isSameProcess } from '../platform/identity.js';
import { waitGone } from '../platform/wait-gone.js';
import { processTree, processesWithMarker, scanProcesses } from '../platform/proc-scan.js';
import { platform } from '../platform/index.js';
import { stopContainer, type ContainerRef } from '../container/engine.js';
import { spawn } from 'node:child_process';

export interface StopTarget {
  name: string;
  pid: number;
  pgid: number;
  startTime: number;
  runId: string;
  stopTimeoutMs: number;
  /** an engine service: its container is stopped through the engine first (the image's STOPSIGNAL, then SIGKILL) */
  container?: ContainerRef;
  /** stop_signal: sent first instead of SIGTERM */
  signal?: NodeJS.Signals;
  /** stop_command: run instead of the first signal (the supervisor has it; a down from the record signals) */
  stopExec?: StopCommand;
}

export interface StopCommand {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface StopResult {
  /** processes that were running and were signalled */
  signalled: number;
  forced: boolean;
  /** still alive after SIGKILL: should never happen but for processes in uninterruptible sleep */
  survivors: ProcStat[];
}

/** Every live process that is provably part of the service. */
export function ownedProcesses(t: StopTarget, procs: ProcStat[] = scanProcesses()): { leaderAlive: boolean; owned: ProcStat[] } {
  const leaderAlive = isSameProcess({ pid: t.pid, startTime: t.startTime });
  const owned = new Map<number, ProcStat>();
  if (leaderAlive) for (const p of processTree(t.pid, t.pgid, procs)) owned.set(p.pid, p);
  // the service's processes all started after its leader: older processes need not be read
  for (const p of processesWithMarker(t.runId, t.name, procs, t.startTime)) owned.set(p.pid, p);
  owned.delete(process.pid);
  return { leaderAlive, owned: [...owned.values()] };
}

function signal(t: StopTarget, sig: NodeJS.Signals, { leaderAlive, owned }: ReturnType<typeof ownedProcesses>): void {
  if (leaderAlive) tryKill(-t.pgid, sig);
  for (const p of owned) if (!leaderAlive || p.pgid !== t.pgid) tryKill(p.pid, sig);
}

/** Sends `sig` to every process of the service (devnet pause, resume): its leader's group and what carries its marker. */
export function signalService(t: StopTarget, sig: NodeJS.Signals, procs: ProcStat[] = scanProcesses()): number {
  const owned = ownedProcesses(t, procs);
  signal(t, sig, owned);
  return owned.owned.length;
}

/**
 * The process table read once for the stops asked together (a wave): each is asked in the
 * same turn and sends its first signals before the table is read (stopService), so the read
 * is taken once, after the last of them has signalled.
 */
export type SharedScan = (() => Promise<ProcStat[]>) & {
  /**
   * Holds a first signal until every stop of the wave has read its tree (the end of the turn
   * they were asked in), then sends them all at once: a service that hears its signal starts
   * exiting on a core the later trees' reads would wait for (measured: the fifth of five
   * services heard its SIGTERM 5-6 ms after the first).
   */
  together?(send: () => void): void;
};

export function sharedScan(): SharedScan {
  let scan: Promise<ProcStat[]> | undefined;
  let held: (() => void)[] | undefined;
  const table = () => (scan ??= new Promise<ProcStat[]>((resolve) => setImmediate(() => resolve(scanProcesses()))));
  return Object.assign(table, {
    together(send: () => void) {
      if (!held) {
        const sends: (() => void)[] = (held = []);
        queueMicrotask(() => {
          held = undefined;
          for (const f of sends) f();
        });
      }
      held.push(send);
    },
  });
}

/** How long a stop that has waited holds its look at the table for others to share it. */
const SCAN_BATCH_MS = 2;
let batch: { scan: Promise<ProcStat[]>; joined: number; now(): void } | undefined;
let stopsUnderWay = 0;

/**
 * A scan of the process table taken after the caller's wait ended, shared by the stops that
 * end within the same couple of milliseconds (a wave of services answering SIGTERM at once):
 * one read of the table instead of one per service, each still taken after its wait. Once
 * every stop under way has joined, nobody is left to wait for: it is read at once.
 */
function scanAfterWait(): Promise<ProcStat[]> {
  // alone (a restart of one service): nobody to share with, no reason to wait
  if (stopsUnderWay <= 1 && !batch) return Promise.resolve(scanProcesses());
  if (!batch) {
    let resolve!: (p: ProcStat[]) => void;
    const scan = new Promise<ProcStat[]>((r) => (resolve = r));
    const now = () => {
      clearTimeout(timer);
      if (batch?.scan === scan) batch = undefined;
      resolve(scanProcesses());
    };
    const timer = setTimeout(now, SCAN_BATCH_MS);
    batch = { scan, joined: 0, now };
  }
  const b = batch;
  if (++b.joined >= stopsUnderWay) b.now();
  return b.scan;
}


/** How a service is asked to stop where that is not SIGTERM, for the line that says so. */
export function stopVia(r: { container?: ContainerRef; stopSignal?: string }, stopCommand = false): { via?: string } {
  if (r.container) return { via: `${r.container.engine.cli.split('/').pop()} stop` };
  if (stopCommand) return { via: 'stop_command' };
  return r.stopSignal && r.stopSignal !== 'SIGTERM' ? { via: r.stopSignal } : {};
}

/** true: it ran and exited 0 within the grace period (a second Ctrl-C ends it). */
function runStopCommand(c: StopCommand, timeoutMs: number, hurry?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(c.file, c.args, { cwd: c.cwd, env: c.env, stdio: 'ignore', timeout: timeoutMs, ...(hurry ? { signal: hurry } : {}) });
    child.once('exit', (code) => resolve(code === 0));
    child.once('error', () => resolve(false));
  });
}

/** A signal to a process that may have exited meanwhile. */
export function tryKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * The leader and its descendants as the leader's own process lists them (Linux), before the
 * process table is read: what its first signal can go to at once. undefined where the
 * platform cannot tell without the table.
 */
function ownedByLeader(t: StopTarget): ReturnType<typeof ownedProcesses> | undefined {
  const tree = platform().descendants?.(t.pid);
  if (tree === undefined) return undefined;
  if (tree[0]?.startTime !== t.startTime) return { leaderAlive: false, owned: [] };
  return { leaderAlive: true, owned: tree.filter((p) => p.pid !== process.pid) };
}

/**
 * `scan`: the process table, shared by the services stopped together (sharedScan), or one
 * read already. Where the leader lists its own tree (Linux), the stop signal goes to it at
 * once, and the table (one read for the wave, after every first signal) adds what carries the
 * run's marker: the services of a wave all hear their signal within a fraction of a
 * millisecond, instead of each after the table's read and the ones before it. The tree is
 * read before the leader is signalled: once it is gone, what it had adopted (the subreaper)
 * is no longer in its tree.
 */
export async function stopService(t: StopTarget, timeoutMs = t.stopTimeoutMs, scan: SharedScan | ProcStat[] = async () => scanProcesses(), hurry?: AbortSignal, onTerm?: () => void): Promise<StopResult> {
  const table = typeof scan === 'function' ? scan : () => Promise.resolve(scan);
  if (t.container) return stopContainerService(t, t.container, timeoutMs, await table(), hurry, onTerm);
  const early = t.stopExec ? undefined : ownedByLeader(t);
  const t0 = Date.now();
  if (early?.owned.length) {
    onTerm?.();
    const send = () => {
      signal(t, t.signal ?? 'SIGTERM', early);
      signal(t, 'SIGCONT', early);
    };
    if (typeof scan === 'function' && scan.together) scan.together(send);
    else send();
  }
  // (the table is read in a later phase of the loop than the held signals go out in)
  const procs = await table();
  const seen = ownedProcesses(t, procs);
  // what the table adds to the leader's tree: it has not heard the signal yet (the group has)
  const heard = new Set(early?.owned.map((p) => p.pid));
  const added = seen.owned.filter((p) => !heard.has(p.pid) && !(early?.leaderAlive && p.pgid === t.pgid));
  const before = [...(early?.owned ?? []), ...seen.owned.filter((p) => !heard.has(p.pid))];
  if (!before.length) return { signalled: 0, forced: false, survivors: [] };
  stopsUnderWay++;
  try {
    if (early?.owned.length) {
      // signalled one by one: the group, and the tree, had theirs
      for (const sig of [t.signal ?? 'SIGTERM', 'SIGCONT'] as const) for (const p of added) tryKill(p.pid, sig);
      return await waitAndKill(t, before, timeoutMs, t0, hurry);
    }
    return await signalAndWait(t, { leaderAlive: seen.leaderAlive, owned: before }, timeoutMs, hurry, onTerm);
  } finally {
    stopsUnderWay--;
  }
}

async function signalAndWait(t: StopTarget, first: ReturnType<typeof ownedProcesses>, timeoutMs: number, hurry: AbortSignal | undefined, onTerm: (() => void) | undefined): Promise<StopResult> {
  onTerm?.();
  const t0 = Date.now();
  // a stop command that fails is followed by the stop signal at once: the grace is for exiting
  if (!t.stopExec || !(await runStopCommand(t.stopExec, timeoutMs, hurry))) signal(t, t.signal ?? 'SIGTERM', first);
  // a frozen process (SIGSTOP, Ctrl-Z) holds SIGTERM until it runs again: wake it, as systemd does
  signal(t, 'SIGCONT', first);
  return waitAndKill(t, first.owned, timeoutMs, t0, hurry);
}

/** After the stop signal: the grace period, then SIGKILL to what is left (and to what was forked meanwhile). */
async function waitAndKill(t: StopTarget, before: ProcStat[], timeoutMs: number, t0: number, hurry: AbortSignal | undefined): Promise<StopResult> {
  let left = await waitGone(before, Math.max(0, timeoutMs - (Date.now() - t0)), hurry);
  // a child may have been forked during the grace period: look again before giving up
  const now = await scanAfterWait();
  const again = ownedProcesses(t, now);
  const late = again.owned;
  if (!left.length && !late.length) return { signalled: before.length, forced: false, survivors: [] };
  signal(t, 'SIGKILL', again);
  // proven ours before SIGTERM: once their leader is gone they are no longer in its tree
  // (re-parented to init), but the same pid with the same start time is the same process
  for (const p of left) if (isSameProcess(p)) tryKill(p.pid, 'SIGKILL');
  left = await waitGone([...left, ...late], 2000);
  return { signalled: before.length, forced: true, survivors: left };
}

/**
 * An engine service: `docker stop` (the image's own stop signal, SIGKILL after the grace
 * period) and removal, asked of the engine even when devnet's CLI process is gone; then what
 * is left of the service (the CLI, or the container's processes where the engine did not
 * answer: they carry the run's marker) is stopped as any process.
 */
async function stopContainerService(t: StopTarget, c: ContainerRef, timeoutMs: number, procs: ProcStat[], hurry: AbortSignal | undefined, onTerm: (() => void) | undefined): Promise<StopResult> {
  const first = ownedProcesses(t, procs);
  // nothing of it left on this host (the container's processes carry the marker, the CLI is
  // its leader): already stopped, as after its supervisor stopped it. What an engine in a VM
  // keeps running unseen, down removes by label
  if (!first.owned.length) return { signalled: 0, forced: false, survivors: [] };
  onTerm?.();
  stopsUnderWay++;
  try {
    const existed = await stopContainer(c, timeoutMs, hurry);
    const rest = ownedProcesses(t);
    const res = rest.owned.length ? await signalAndWait(t, rest, Math.min(timeoutMs, 5000), hurry, undefined) : { forced: false, survivors: [] };
    return { signalled: Math.max(first.owned.length, existed ? 1 : 0), forced: res.forced, survivors: res.survivors };
  } finally {
    stopsUnderWay--;
  }
}
