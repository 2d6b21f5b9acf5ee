// The one host loop of a supervised stack, for the foreground `devnet up` (the CLI is the
// supervisor) and for the detached supervisor of `up -d` (a process of its own): the stop
// signals (a second one hurries the stop), a bug in devnet stopping the stack rather than
// leaving it unsupervised, the start, then the wait for whichever comes first, a stop asked
// (a signal, devnet down) or every service ended by itself, and the stop.
import { ExitCode } from '../errors.js';
import { startStack, type UpOptions } from './start-stack.js';
import { abortOnStopSignals, readStopRequest } from './stop-signals.js';
import type { Supervisor } from './supervisor.js';

export interface HostOptions extends Omit<UpOptions, 'signal' | 'hurry' | 'stopTimeoutMs'> {
  /** a bug in devnet while it supervises: said where this host can (stderr, supervisor.log); the stack is stopped after */
  onCrash(e: Error): void;
  /** the stack is up: the foreground prints its status, the detached host tells the CLI */
  onUp?(supervisor: Supervisor): void | Promise<void>;
  /** the first stop signal (the foreground says that a second one kills what is left) */
  onStopAsked?(): void;
}

export interface HostResult {
  code: ExitCode;
  supervisor: Supervisor;
}

export async function hostStack(o: HostOptions): Promise<HostResult> {
  const controller = new AbortController();
  const hurry = new AbortController();
  let crashed = false;
  const removeSignals = abortOnStopSignals(controller, process, () => hurry.abort());
  const onCrash = (e: Error) => {
    crashed = true;
    o.onCrash(e);
    if (controller.signal.aborted) hurry.abort();
    controller.abort();
  };
  process.on('uncaughtException', onCrash);
  if (o.onStopAsked) controller.signal.addEventListener('abort', o.onStopAsked, { once: true });
  try {
    const handle = await startStack({ ...o, signal: controller.signal, hurry: hurry.signal, stopTimeoutMs: () => readStopRequest(o.paths) });
    await o.onUp?.(handle.supervisor);
    // a stop asked and every service gone by itself can come at once: the stop asked decides
    const asked = new Promise<true>((resolve) => handle.stopRequested.addEventListener('abort', () => resolve(true), { once: true }));
    const byRequest = await Promise.race([asked, handle.supervisor.allExited.promise.then(() => false as const)]);
    await handle.stop(readStopRequest(o.paths));
    const services = Object.values(handle.supervisor.state.services);
    // every service exited on its own: success only if each exited cleanly
    const code = crashed ? ExitCode.failed : byRequest || services.every((s) => s.exitCode === 0) ? ExitCode.ok : ExitCode.failed;
    return { code, supervisor: handle.supervisor };
  } finally {
    removeSignals();
    // a bug after the stop has nothing left to stop: the process's own handling applies again
    process.off('uncaughtException', onCrash);
  }
}
