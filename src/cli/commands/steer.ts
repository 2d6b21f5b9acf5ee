// devnet start | stop | restart SERVICE...: requests to the running stack's supervisor over
// its control socket. The stack is known from its run (openForRun), so a broken or edited
// stack file does not stand in the way; the supervisor acts on the stack as loaded at up.
import { ExitCode, NoSupervisorError, quote, serializeError, UnresponsiveSupervisorError, UsageError } from '../../errors.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled, liveViewFits } from '../../report/style.js';
import type { ControlOp } from '../../control/protocol.js';
import { stackStatus, statusJson } from '../../record/status.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import type { StatePaths } from '../../state/paths.js';
import { adoptPlatform } from '../../platform/index.js';
import { isFrozen, isSameProcess } from '../../platform/identity.js';
import { isRecordAlive, readState, type StackState } from '../../state/store.js';
import { announce, openForRun, printJson } from '../context.js';
import type { StackFlags } from '../flags.js';

export interface SteerFlags extends StackFlags {
  json?: boolean;
  withDependents?: boolean;
  timeout?: number;
}

export type SteerOp = 'start' | 'stop' | 'restart' | 'pause' | 'resume';

const VERB: Record<SteerOp, string> = { start: 'started', stop: 'stopped', restart: 'restarted', pause: 'paused', resume: 'resumed' };
/** what "nothing to do" means for each: already in the state asked for */
const ALREADY: Record<SteerOp, string> = { start: 'running', stop: 'stopped', restart: 'running', pause: 'paused', resume: 'running' };

export async function steer(op: SteerOp, services: string[], flags: SteerFlags): Promise<number> {
  try {
    const ctx = await openForRun(flags);
    announce(ctx, flags.json);
    const recorded = Object.keys(readStateQuiet(ctx.paths)?.services ?? {});
    const known = [...new Set([...ctx.services, ...recorded])];
    // a replicated service (finance-raft) stands for its replicas (finance-raft-1, ...)
    for (const s of services) if (!known.includes(s) && !known.includes(`${s}-1`)) throw new UsageError(`stack ${ctx.paths.stackId} has no service ${quote(s)}${didYouMean(s, known)}`, { hint: `its services: ${known.join(', ')}` });
    return await requestOnRunning(ctx.paths, op, services, flags);
  } catch (e) {
    if (flags.json) printJson({ ok: false, error: errorJson(e) });
    throw e;
  }
}


/** The run's state, when its supervisor is alive and can be asked; else the error that says why not. */
export function liveSupervisor(paths: StatePaths, op: string): StackState {
  const state = readStateQuiet(paths);
  // the request acts on this run: its start times are read with the backend that recorded them
  adoptPlatform(state?.platform);
  if (!state || !isSameProcess(state.supervisor)) {
    const left = state && Object.values(state.services).some(isRecordAlive);
    throw new NoSupervisorError(
      left ? `stack ${paths.stackId} has no supervisor: the devnet that ran it (pid ${state.supervisor.pid}) is gone` : `stack ${paths.stackId} is not up`,
      { hint: left ? 'devnet down stops what is left; then devnet up' : `devnet up starts it` },
    );
  }
  if (isFrozen(state.supervisor.pid))
    throw new UnresponsiveSupervisorError(`the devnet that runs stack ${paths.stackId} (pid ${state.supervisor.pid}) is frozen (stopped by a signal, or Ctrl-Z in its terminal): it cannot ${op} anything`, {
      hint: `kill -CONT ${state.supervisor.pid} (or fg in its terminal) lets it go on; devnet down stops it and the stack`,
    });
  return state;
}

function readStateQuiet(paths: StatePaths) {
  try {
    return readState(paths.stateFile);
  } catch {
    return undefined;
  }
}

/** Sends the request and reports like up: live task list in a terminal, plain lines otherwise. Shared with up on a running stack. */
export async function requestOnRunning(paths: StatePaths, op: ControlOp & SteerOp, services: string[], flags: Pick<SteerFlags, 'json' | 'withDependents' | 'timeout'>): Promise<number> {
  const state = liveSupervisor(paths, op);
  const color = colorEnabled();
  // stop, pause and resume report as down does, a line per service; start and restart as up does
  const kind = flags.json ? 'silent' : (op === 'start' || op === 'restart') && color && liveViewFits() ? 'listr' : 'plain';
  const reporter = await createReporter(kind, { services, showLogs: false, color });
  const { controlRequest } = await import('../../control/client.js');
  const t0 = Date.now();
  let ms = 0;
  try {
    const acted = await controlRequest(
      state.control ?? paths.controlSocket,
      { op, services, stateDir: paths.dir, withDependents: flags.withDependents, timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000 },
      reporter.emit,
    );
    ms = Date.now() - t0;
    const names = acted.map((s) => s.name);
    reporter.emit({
      kind: 'services:done',
      stack: paths.stackId,
      verb: names.length ? VERB[op] : 'nothing to do:',
      ms,
      names: names.length ? names : [`${services.join(', ')} already ${ALREADY[op]}`],
      services: op === 'start' || op === 'restart' ? acted : [],
    });
  } finally {
    await reporter.startupDone();
  }
  // ms: from the request to its answer (a restart: stopped, started, ready again)
  if (flags.json) printJson({ ok: true, op, ms, ...statusJson(stackStatus(paths, state.stack)) });
  return ExitCode.ok;
}

function errorJson(e: unknown) {
  const { name, message, hint, service, logTail } = serializeError(e);
  return { kind: name, message: message.split('\n')[0], hint, service, logTail };
}
