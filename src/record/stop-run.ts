// devnet down, the core: ask the supervisor (foreground CLI or detached) to stop the stack;
// then stop, from the state file alone, whatever is still running (the supervisor may have
// been killed with SIGKILL); then prove each port free.
import { trace } from '../trace.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeOwner, ownerLookup, type Owner } from '../ports/owners.js';
import { conflicts } from '../stack/address-conflict.js';
import { readSocketTable, readUdpTable } from '../ports/socket-table.js';
import type { Emit } from '../events.js';
import { adoptPlatform } from '../platform/index.js';
import { clearStaleLock, holderAlive, readLock } from '../state/lock.js';
import { forgetRun } from '../state/run-index.js';
import type { StatePaths } from '../state/paths.js';
import { writePrivateFile } from '../fs/private-fs.js';
import { identityOf, isFrozen, isSameProcess, type ProcessIdentity } from '../platform/identity.js';
import { waitGone } from '../platform/wait-gone.js';
import { recordsBindable } from '../ports/bind-check.js';
import { isActive, isRecordAlive, parseState, readState, writeState, type ServiceRecord } from '../state/store.js';
import type { EarlyDown } from '../control/early-down.js';
import { deleteDataDirs, type VolumesResult } from './volumes.js';
import { stopBudgetMs } from '../state/stop-budget.js';
import { stopVia, tryKill } from '../service/stop.js';
import { mustMove } from '../service/table.js';
import { stopInWaves } from '../service/stop-waves.js';

export interface HeldPort {
  service: string;
  port: number;
  owner?: Owner;
  message: string;
  /** held by a process of this run (escaped its group): down failed; else a stray that took the port since */
  ours: boolean;
}

export interface DownResult {
  /** with --volumes: the data directories deleted (only once nothing of the stack runs) */
  volumes?: VolumesResult;
  wasUp: boolean;
  stopped: string[];
  held: HeldPort[];
  survivors: { service: string; pid: number }[];
  /** engine services: containers that could not be removed, or an engine that did not answer */
  containerProblems?: string[];
}


export interface DownOptions {
  timeoutMs?: number;
  emit: Emit;
  /** delete the data directories: those of the run, and `declared` (the stack as it is now) inside `root` */
  volumes?: { declared: string[]; root?: string };
  /** the stop request bin/devnet.cjs sent for this run before the CLI loaded: its answer is read, nothing asked again */
  early?: EarlyDown;
}

export async function downStack(paths: StatePaths, o: DownOptions): Promise<DownResult> {
  const result = await stopStack(paths, o);
  if (!o.volumes || result.survivors.length) return result;
  const state = readState(paths.stateFile);
  const root = state?.root ?? o.volumes.root;
  const dirs = [...Object.values(state?.services ?? {}).flatMap((r) => r.data ?? []), ...o.volumes.declared];
  const roots = [join(paths.dir, 'data'), ...(root ? [root] : [])];
  return { ...result, volumes: deleteDataDirs(dirs, roots) };
}

async function stopStack(paths: StatePaths, { timeoutMs, emit, early: sent }: DownOptions): Promise<DownResult> {
  // asked already: the run as it was then (a started one, its supervisor alive), and its answer to come
  const early = sent?.entry.stateDir === paths.dir ? sent : undefined;
  const wasStarting = early ? false : await stopStartingRun(paths, timeoutMs);
  const state = early ? parseState(early.stateText, paths.stateFile) : readState(paths.stateFile);
  if (!state) return { wasUp: wasStarting, stopped: [], held: [], survivors: [] };
  // from here on down acts on this run: every start time is read in the unit it was recorded in
  adoptPlatform(state.platform);
  const recs = Object.values(state.services);
  const running = recs.filter((r) => r.pid !== undefined && r.startTime !== undefined);
  const supervisorAlive = !!early || isSameProcess(state.supervisor);
  const aliveAtStart = early ? early.alive : running.filter(isRecordAlive).map((r) => r.name);
  const anyAlive = wasStarting || supervisorAlive || aliveAtStart.length > 0;
  // a run that ended (its supervisor, or a down, made every record final) has no container to look for
  const unfinished = anyAlive || recs.some((r) => isActive(r.state) || r.state === 'stopping' || r.state === 'pending');

  // the supervisor answered that it saw every service gone and bound every port free
  let proven = false;
  if (supervisorAlive) {
    const budget = stopBudgetMs(running, timeoutMs);
    // (asked early and said so already: bin/devnet.cjs printed this line)
    if (!early?.said) emit({ kind: 'stack:stopping', stack: paths.stackId, supervisorPid: state.supervisor.pid, ms: budget });
    // a frozen supervisor (SIGSTOP, Ctrl-Z) would take the request and never answer
    const frozen = !early && isFrozen(state.supervisor.pid);
    trace('down asking');
    const answer = early ? await answerOf(early, state.supervisor) : frozen ? false : await askOverSocket(state.control, state.supervisor, paths.dir, timeoutMs, budget);
    // (asked early: it was alive then, and a signal goes only to the very process still)
    if (!answer && (!early || isSameProcess(state.supervisor))) await askToStop(paths, state.supervisor, timeoutMs, budget);
    proven = answer === 'proven';
    // one that still will not go (wedged: its handlers never run) is ended; its services are stopped below
    if (isSameProcess(state.supervisor)) {
      tryKill(state.supervisor.pid, 'SIGKILL');
      await waitGone([state.supervisor], 2000);
    }
    if (!isSameProcess(state.supervisor) && state.control) rmSync(state.control, { force: true });
  }

  trace('down supervisor answered');
  // its proof stands (it was the last of the run, and is gone): the sweep and the binds below
  // would find what it found, at a cold process's price (a third of down's own time, measured).
  // Its state file is final. Engine services are still asked for by label
  if (proven && !isSameProcess(state.supervisor) && !recs.some((r) => r.container)) {
    for (const name of aliveAtStart) emit({ kind: 'service:stopped', service: name, forced: false, ms: 0 });
    finishRun(paths, state);
    return { wasUp: true, stopped: aliveAtStart, held: [], survivors: [] };
  }
  // whatever the supervisor did, verify from the state file and finish the job
  const stopped = new Set(aliveAtStart);
  const survivors: DownResult['survivors'] = [];
  await stopInWaves(recs, state.runId, timeoutMs, {
    signalling: (r) => emit({ kind: 'service:stopping', service: r.name, graceMs: timeoutMs ?? r.stopTimeoutMs, ...stopVia(r) }),
    after: (r, res) => {
      if (res.signalled) stopped.add(r.name);
      // stopped here, not by its supervisor: its exit is this one (an older one would mislead)
      if (res.signalled) r.lastExit = { code: null, signal: res.forced ? 'SIGKILL' : 'SIGTERM', at: new Date().toISOString(), stopped: true };
      if (stopped.has(r.name)) emit({ kind: 'service:stopped', service: r.name, forced: res.forced, ms: 0 });
      survivors.push(...res.survivors.map((p) => ({ service: r.name, pid: p.pid })));
      // the service table's move, as the supervisor would have made it: how a run ended is kept
      r.state = mustMove(r.name, r.state, 'swept').to;
    },
  });
  // the engine is asked by label for what of this stack is still there, whatever the records say
  let containerProblems: string[] | undefined;
  if (unfinished && recs.some((r) => r.container)) {
    const { sweepContainers } = await import('./containers.js');
    const swept = await sweepContainers(recs, paths.dir);
    for (const c of swept.removed) {
      const service = c.labels['devnet.service'];
      if (service && !stopped.has(service)) {
        stopped.add(service);
        emit({ kind: 'service:stopped', service, forced: true, ms: 0 });
      }
    }
    if (swept.problems.length) containerProblems = swept.problems;
  }
  trace('down swept');
  try {
    writeState(paths.stateFile, state);
  } catch {
    // no free byte: the processes are stopped all the same, and a later look checks them live
  }
  // a run with survivors stays listed: it is not over, and down may be run again
  finishRun(paths, state, !survivors.length && !containerProblems);
  return { wasUp: anyAlive || stopped.size > 0, stopped: [...stopped], held: await portsStillHeld(recs, state.runId), survivors, ...(containerProblems ? { containerProblems } : {}) };
}

/** The lock let go of; the run taken off the user's list once it is over (`over`). */
function finishRun(paths: StatePaths, state: { stackFile: string; portOffset?: number }, over = true): void {
  try {
    clearStaleLock(paths.lockFile);
  } catch {
    // the break lock cannot be written on a full disk: the next up takes the stale lock over
  }
  if (over) forgetRun(state.stackFile, state.portOffset ?? 0, paths.dir);
}

/** A bind on each port (where the record says which address) proves it free at once; the tables are read only otherwise. */
async function portsStillHeld(recs: ServiceRecord[], runId: string): Promise<HeldPort[]> {
  if (await recordsBindable(recs)) return [];
  return heldPorts(recs, runId);
}

/**
 * A live lock holder that has not written this run's state yet is a run still starting
 * (up -d takes the lock before it loads anything else): stop it and wait, so that a down
 * issued while up is starting never answers "not up" and lets the stack come up after it.
 */
async function stopStartingRun(paths: StatePaths, timeoutMs: number | undefined): Promise<boolean> {
  const lock = readLock(paths.lockFile);
  if (!lock || !holderAlive(lock)) return false;
  if (readState(paths.stateFile)?.runId === lock.runId) return false; // started: the usual path stops it
  adoptPlatform(lock.platform);
  // it rolls back what it started, each service within its grace period
  await askToStop(paths, lock, timeoutMs, (timeoutMs ?? 30_000) + 30_000);
  return true;
}

/**
 * Asks the supervisor on its control socket: it answers once every service is stopped, so
 * down need not poll for it. false: nobody answered (an older run, a wedged supervisor);
 * 'proven': it also vouched for the stop (Supervisor.provenStopped).
 */
async function askOverSocket(socket: string | undefined, holder: ProcessIdentity, stateDir: string, timeoutMs: number | undefined, budgetMs: number): Promise<boolean | 'proven'> {
  if (!socket) return false;
  const { controlExchange } = await import('../control/client.js');
  let proven: boolean | undefined;
  try {
    ({ proven } = await controlExchange(socket, { op: 'down', stateDir, timeoutMs }, undefined, budgetMs));
  } catch {
    return false;
  }
  // it exits right after it answers; a new up must not find it still there
  await waitGone([holder], 5000);
  return proven ? 'proven' : true;
}

/** The answer to the request bin/devnet.cjs sent (early-down.ts), read there as askOverSocket reads its own. */
async function answerOf(early: EarlyDown, holder: ProcessIdentity): Promise<boolean | 'proven'> {
  const answer = await early.answer;
  if (answer) await waitGone([holder], 5000);
  return answer;
}

/**
 * Asks the devnet process that holds the stack (a supervisor, or an up still starting) to
 * stop it: the grace period in a stop request, then SIGTERM; waits until it is gone, at most `budgetMs`.
 */
async function askToStop(paths: StatePaths, holder: ProcessIdentity, timeoutMs: number | undefined, budgetMs: number): Promise<void> {
  try {
    writePrivateFile(paths.stopRequest, JSON.stringify({ timeoutMs }));
  } catch {
    // a full disk: the supervisor stops with each service's own grace period instead
  }
  tryKill(holder.pid, 'SIGTERM');
  // a frozen one holds SIGTERM until it runs again: wake it, as for services
  tryKill(holder.pid, 'SIGCONT');
  await waitGone([holder], budgetMs);
}

/** Ports of the stopped services that something still listens on. */
export function heldPorts(recs: { name: string; ports: Record<string, number>; udpPorts?: Record<string, number>; host?: string; startTime?: number }[], runId?: string): HeldPort[] {
  const table = readSocketTable();
  const udp = recs.some((r) => Object.keys(r.udpPorts ?? {}).length) ? readUdpTable() : undefined;
  // per address where the record says which (replicas share ports on their own addresses)
  const on = (t: typeof table, port: number, host?: string) => t.on(port).filter((l) => host === undefined || conflicts(l, host));
  const wanted = recs
    .flatMap((r) => [
      ...Object.values(r.ports).map((port) => ({ service: r.name, startTime: r.startTime, port, ls: on(table, port, r.host) })),
      ...(udp ? Object.values(r.udpPorts ?? {}).map((port) => ({ service: r.name, startTime: r.startTime, port, ls: on(udp, port, r.host) })) : []),
    ])
    .filter((w) => w.ls.length);
  if (!wanted.length) return [];
  const ownerOf = ownerLookup(wanted.flatMap((w) => w.ls));
  return wanted.map((w) => {
    const owner = ownerOf(w.ls);
    // ours: it carries this run's marker, or none and started after the service did (an
    // escapee that cleared its environment); a process older than the service, or another
    // stack's, took the port after the service let it go
    const started = owner && identityOf(owner.pid)?.startTime;
    const ours = !owner || (owner.devnet ? runId === undefined || owner.devnet.run === runId : started === undefined || w.startTime === undefined || started >= w.startTime);
    return ours
      ? { service: w.service, port: w.port, owner, ours, message: `port ${w.port} (${w.service}) is still held by ${describeOwner(owner)}: it escaped its process group; stop it by hand (kill ${owner?.pid ?? 'PID'})` }
      : { service: w.service, port: w.port, owner, ours, message: `port ${w.port} (${w.service}) is held by ${describeOwner(owner)}, which is not this stack's: it took the port after ${w.service} let it go` };
  });
}
