// devnet up, the core: lock, preflight (and remap), then the supervisor.
import { trace } from '../trace.js';
import { programChecks } from '../stack/programs.js';
import { planStack } from '../stack/service-plan.js';
import { DevnetError, EngineError, LockError, PreflightError, ProgramMissingError } from '../errors.js';
import { enginesUnreachable } from '../stack/programs.js';
import { preflight } from '../ports/preflight.js';
import { unbindablePorts } from '../ports/bind-check.js';
import { whoTookPorts } from '../ports/port-taken.js';
import type { Emit } from '../events.js';
import type { Stack } from '../stack/model.js';
import type { Selection } from '../stack/select.js';
import { acquireLock, releaseLock } from '../state/lock.js';
import { pathsAt, privateSocketPath, type StatePaths } from '../state/paths.js';
import { findRun, recordRun } from '../state/run-index.js';
import { identityOf, isSameProcess } from '../platform/identity.js';
import { newRunId } from '../state/run-id.js';
import { readState, type StackState } from '../state/store.js';
import { platform, withPlatform } from '../platform/index.js';
import { describeLeftovers, leftoversOf } from '../record/leftovers.js';
import { runIsLive } from '../record/status.js';
import { applyRemap, planRemap } from './remap.js';
import { controlHandler } from './control-handler.js';
import { serveControl } from './control-server.js';
import { Supervisor } from './supervisor.js';

export interface UpOptions {
  stack: Stack;
  services: readonly string[];
  /** what up was asked to run (--only, --profile), recorded for a reload of the stack file */
  selection?: Selection;
  paths: StatePaths;
  remap?: boolean;
  emit: Emit;
  /** aborting stops the stack, during start-up too */
  signal?: AbortSignal;
  /** stop timeout to use when stopped through the signal */
  stopTimeoutMs?: () => number | undefined;
  /** aborted: a stop under way kills what is left now instead of waiting out grace periods */
  hurry?: AbortSignal;
  /** up --watch */
  watch?: boolean;
  /** the lock is held: a down from now on finds the run by it */
  onLocked?: () => void;
}

export interface UpHandle {
  supervisor: Supervisor;
  /** aborted when a stop was asked: by `signal`, or by devnet down over the control socket */
  stopRequested: AbortSignal;
  /** stops the stack (idempotent) and releases the lock */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startStack(o: UpOptions): Promise<UpHandle> {
  const me = identityOf(process.pid);
  if (!me) {
    const how = platform().name === 'linux' ? `from /proc/${process.pid}/stat` : 'with ps (POSIX backend; on Linux, ps reads /proc)';
    throw new DevnetError(`cannot read the identity of this process (pid ${process.pid}) ${how}; devnet needs it to prove which processes are its own`);
  }
  const lock = acquireLock(o.paths.lockFile, o.paths.stackId, newRunId());
  const runId = lock.runId;
  o.onLocked?.();
  let released = false;
  const release = () => {
    if (!released) releaseLock(o.paths.lockFile, lock);
    released = true;
  };
  try {
    refuseLeftovers(o.paths, runId);
    claimRunIndex(o.stack, o.paths);
    trace('up locked, run indexed');
    let stack = o.stack;
    // a bind of each port first: no listener is not yet bindable (a closed connection's
    // TIME_WAIT, a port taken since), and a bind asks the kernel. When every port binds (most
    // ups), nothing listens on them, and preflight need not read the listener tables: a walk of
    // the kernel's whole connection table, 4 ms of a 5-service up before its first spawn
    let unbindable = await unbindablePorts(stack, o.services);
    const first = await preflight(stack, { services: o.services, siblings: false, suggestions: true, portsBound: !unbindable.length });
    let checks = first.checks;
    if (o.remap && checks.some((c) => c.id === 'port.busy')) {
      const changes = await planRemap(stack, checks, first.table, first.kernel);
      for (const ch of changes) o.emit({ kind: 'remap', ...ch });
      stack = applyRemap(stack, changes);
      unbindable = await unbindablePorts(stack, o.services);
      checks = (await preflight(stack, { services: o.services, siblings: false, portsBound: !unbindable.length })).checks;
    }
    trace('up ports checked');
    o.emit({ kind: 'preflight', checks });
    const errors = checks.filter((c) => c.level === 'error');
    if (errors.length) {
      const ports = errors.some((c) => c.port !== undefined);
      throw new PreflightError(errors.map((c) => c.message), { hint: ports ? 'nothing was started; free the ports, or run devnet up --remap to use free ones' : 'nothing was started' });
    }
    if (unbindable.length) {
      const all = Object.values(stack.services).flatMap((x) => Object.values(x.ports));
      const { taken, hint } = whoTookPorts(unbindable, all, stack.portOffset);
      const lines = unbindable.map((u) => {
        const why = taken.find((t) => t.port === u.port);
        return `port ${u.port} (${u.service}) has no listener but cannot be bound now${why ? `: ${why.message}` : ''}`;
      });
      throw new PreflightError(lines, { hint: `nothing was started; ${hint ?? 'try again in a moment, or run devnet up --remap'}` });
    }
    // a missing program or directory would fail anyway: say so before anything starts
    // resolved once, after remap: what every later step reads
    const plan = planStack(stack, o.services, { stackId: o.paths.stackId, runId });
    const missing = programChecks(stack, o.services, process.env, (n) => plan.services[n]!.launch).filter((c) => c.level === 'error');
    if (missing.length) throw new ProgramMissingError(missing.map((c) => c.message).join('\n'), { hint: 'nothing was started; devnet doctor shows the whole report' });
    const unreachable = await enginesUnreachable(Object.values(plan.services).map((p) => p.launch));
    if (unreachable.length) throw new EngineError(unreachable.join('\n'), { hint: 'nothing was started; devnet doctor checks it too' });
    const supervisor = new Supervisor({ stack, services: o.services, paths: o.paths, runId, supervisor: me, emit: o.emit, hurry: o.hurry, watch: o.watch, plan, selection: o.selection });
    const stopRequested = new AbortController();
    let closeControl: (() => Promise<void>) | undefined;
    const stop = async (timeoutMs?: number) => {
      stopRequested.abort();
      await supervisor.stopAll(timeoutMs);
      await closeControl?.();
      release();
    };
    o.signal?.addEventListener('abort', () => void stop(o.stopTimeoutMs?.()), { once: true });
    // commands steer the running stack through it, down included (from the start on)
    const socket = privateSocketPath(o.paths.controlSocket);
    const closeSocket = await serveControl(socket.path, controlHandler(supervisor, (t) => void stop(t), o.paths.dir));
    closeControl = async () => {
      await closeSocket();
      socket.cleanup();
    };
    trace('up control served');
    supervisor.state.control = socket.path;
    try {
      if (o.signal?.aborted) await stop(o.stopTimeoutMs?.());
      await supervisor.start();
    } catch (e) {
      await stop();
      throw e;
    }
    void supervisor.allExited.promise.then(async () => {
      await closeControl?.();
      release();
    });
    return { supervisor, stop, stopRequested: stopRequested.signal };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * Records the run in the user's index, so commands find it from its stack file whatever
 * happens to the file later. A live run of the same file under another state folder (its
 * name: was changed since it went up) would be lost track of: refuse instead.
 */
function claimRunIndex(stack: Stack, paths: StatePaths): void {
  const prev = findRun(stack.file, stack.portOffset);
  if (prev && prev.stateDir !== paths.dir && runIsLive(pathsAt(prev.stateDir, prev.stackId)))
    throw new LockError(`${stack.file} is already up as stack ${prev.stackId} (its name: changed since); devnet would lose track of it`, {
      hint: `stop it first with devnet down --stack ${stack.file}${stack.portOffset ? ` --port-offset ${stack.portOffset}` : ''}`,
    });
  recordRun({ stateDir: paths.dir, stackId: paths.stackId, stackName: stack.name, stackFile: stack.file, portOffset: stack.portOffset, startedAt: new Date().toISOString(), ...(stack.textHash ? { textHash: stack.textHash } : {}), ...(stack.secretValues.length ? { secrets: true as const } : {}) });
}

/** An earlier run whose supervisor died may still have processes: name them rather than start a second copy. */
function refuseLeftovers(paths: StatePaths, runId: string): void {
  const previous = readState(paths.stateFile);
  if (!previous || previous.runId === runId) return;
  withPlatform(previous.platform, () => refuseLeftoversOf(previous, paths));
}

function refuseLeftoversOf(previous: StackState, paths: StatePaths): void {
  if (isSameProcess(previous.supervisor))
    throw new LockError(`stack ${paths.stackId} is already up (devnet pid ${previous.supervisor.pid}), though its lock was removed`, { hint: 'stop it with devnet down' });
  const left = leftoversOf(previous);
  if (left.length)
    throw new LockError(`stack ${paths.stackId} still has processes of an earlier run whose devnet is gone: ${describeLeftovers(left)}`, {
      hint: 'nothing was started; stop them with devnet down, then run devnet up again',
    });
}
