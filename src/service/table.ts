// A service's behaviour as one table, in the spirit of s6-supervise's actions[state][event]:
// for each state, the events it can take, the state each leads to and what it does to the
// gates its dependents wait on. Every state change goes through it: the runner's, the
// policies' (through the runner) and down's when it finishes a run from the state file. An
// event the table does not list for a state is a bug, caught where it happens.
import type { ServiceState } from '../state/store.js';

export type ServiceEvent =
  /** a run begins */
  | 'start'
  /** its process exists (pid recorded) */
  | 'spawned'
  /** its process could not be started (program not found, cwd missing) */
  | 'spawn-failed'
  /** its readiness probe passed */
  | 'ready'
  /** a one-shot task (ready: exit) exited 0 */
  | 'completed'
  /** not ready: an exit before it, a probe that never passed */
  | 'not-ready'
  /** it failed to bind because an outgoing connection took its port: one more try when that is gone */
  | 'port-taken'
  /** after ready, an exit with code 0 nobody asked for */
  | 'exit'
  /** after ready, an exit with a non-zero code or by a signal nobody asked for */
  | 'crash'
  /** its health check failed `retries` times in a row */
  | 'unhealthy'
  /** its health check passed again */
  | 'healthy'
  /** devnet pause froze its whole tree (SIGSTOP) */
  | 'pause'
  /** devnet resume let it run again (SIGCONT) */
  | 'resume'
  /** a stop was asked (devnet stop, restart, down, a restart policy before its restart) */
  | 'stop'
  /** its processes are gone after a stop */
  | 'stopped'
  /** processes of it outlived SIGKILL (uninterruptible sleep, a zombie nobody reaps) */
  | 'stuck'
  /** its restart policy waits out a back-off before starting it again */
  | 'backoff'
  /** its restart policy gave up after max_restarts in a row */
  | 'give-up'
  /** down, from the state file alone, found it stopped (or stopped it) */
  | 'swept';

/**
 * What a move does to the dependency gates (started, ready, completed):
 * arm: closes them for a new run; open-*: opens one; fail-all and fail-run: fail them with the
 * service's failure (fail-run: those of a run that was up: started and ready); abort-all and
 * abort-run: the same with "a stop was asked"; notify-unhealthy: tells the policies (a restart policy restarts it).
 */
export type MoveAction = 'arm' | 'open-started' | 'open-ready' | 'open-completed' | 'fail-all' | 'fail-run' | 'abort-all' | 'abort-run' | 'notify-unhealthy';

export interface Move {
  to: ServiceState;
  does?: MoveAction;
}

const start: Move = { to: 'starting', does: 'arm' };
const stopRun: Move = { to: 'stopping', does: 'abort-run' };
const exitAfterReady: Move = { to: 'exited', does: 'fail-run' };
const crashAfterReady: Move = { to: 'failed', does: 'fail-run' };
const sweptStopped: Move = { to: 'stopped' };

export const TABLE: Readonly<Record<ServiceState, Readonly<Partial<Record<ServiceEvent, Move>>>>> = {
  pending: { start, stop: { to: 'stopped', does: 'abort-all' }, swept: sweptStopped },
  starting: { spawned: { to: 'running', does: 'open-started' }, 'spawn-failed': { to: 'failed', does: 'fail-all' }, stop: stopRun, swept: sweptStopped },
  running: {
    ready: { to: 'ready', does: 'open-ready' },
    completed: { to: 'completed', does: 'open-completed' },
    'not-ready': { to: 'failed', does: 'fail-all' },
    'port-taken': { to: 'exited' },
    exit: exitAfterReady,
    crash: crashAfterReady,
    stop: stopRun,
    swept: sweptStopped,
  },
  ready: { unhealthy: { to: 'unhealthy', does: 'notify-unhealthy' }, pause: { to: 'paused' }, exit: exitAfterReady, crash: crashAfterReady, stop: stopRun, swept: sweptStopped },
  unhealthy: { healthy: { to: 'ready' }, pause: { to: 'paused' }, exit: exitAfterReady, crash: crashAfterReady, stop: stopRun, swept: sweptStopped },
  // paused: its health check and restart policy leave it alone; resumed, its health check judges it afresh
  paused: { resume: { to: 'ready' }, exit: exitAfterReady, crash: crashAfterReady, stop: stopRun, swept: sweptStopped },
  stopping: { stopped: { to: 'stopped' }, stuck: { to: 'failed' }, swept: sweptStopped },
  stopped: { start, backoff: { to: 'restarting' }, 'give-up': { to: 'failed' }, swept: sweptStopped },
  completed: { start, backoff: { to: 'restarting' }, swept: { to: 'completed' } },
  exited: { start, backoff: { to: 'restarting' }, stop: { to: 'stopped', does: 'abort-all' }, 'give-up': { to: 'failed' }, stuck: { to: 'failed' }, swept: { to: 'exited' } },
  failed: { start, backoff: { to: 'restarting' }, stop: { to: 'stopped', does: 'abort-all' }, 'give-up': { to: 'failed' }, stuck: { to: 'failed' }, swept: { to: 'failed' } },
  // backoff again: a restart whose start was refused before it began (its port taken) waits once more
  restarting: { start, backoff: { to: 'restarting' }, stop: { to: 'stopped', does: 'abort-all' }, 'give-up': { to: 'failed' }, swept: sweptStopped },
};

export class TransitionError extends Error {
  constructor(service: string, from: ServiceState, event: ServiceEvent) {
    super(`service ${service}: no move from ${from} on ${event}`);
  }
}

/** The move `event` makes from `from`, or undefined when the table has none. */
export function moveOn(from: ServiceState, event: ServiceEvent): Move | undefined {
  return TABLE[from][event];
}

export function mustMove(service: string, from: ServiceState, event: ServiceEvent): Move {
  const m = moveOn(from, event);
  if (!m) throw new TransitionError(service, from, event);
  return m;
}
