// up -d: the stack is run by a detached supervisor process (its own session, no terminal),
// which reports its events back over IPC until the stack is ready, then runs on alone.
// It is forked first thing (by bin/devnet.cjs, see fork.ts), so its Node start-up overlaps
// the CLI's own and its loading of the stack; the CLI then hands it the loaded stack.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError, SupervisorDiedError, deserializeError, type SerializedError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { forkSupervisor, takeEarlyFork } from './fork.js';
import type { Emit, RunEvent } from '../events.js';
import type { Stack } from '../stack/model.js';
import type { Selection } from '../stack/select.js';
import type { LockInfo } from '../state/lock.js';
import { identityOf, type ProcessIdentity } from '../platform/identity.js';

export interface StartRequest {
  type: 'start';
  stack: Stack;
  services: string[];
  /** what up was asked to run: a reload of the stack file (up --watch) selects the same */
  selection?: Selection;
  remap: boolean;
  watch: boolean;
  /** taken by the CLI in the supervisor's name, so that down sees a run starting at once */
  lock: LockInfo;
  /** the state folder the CLI chose, so both agree on it */
  stateDir: string;
  stackId: string;
}


export type SupervisorMessage = { type: 'event'; event: RunEvent } | { type: 'ready' } | { type: 'error'; error: SerializedError };

export class DetachedSupervisor {
  // the launcher's early fork, if it made one; else forked when first needed (the lock, the
  // start): a stack found up already needs none, and a fork would only take CPU from the apply
  private child: ChildProcess | undefined = takeEarlyFork();

  private process(): ChildProcess {
    return (this.child ??= forkSupervisor(join(packageRoot(), 'dist')));
  }

  /** The supervisor process, for the lock the CLI takes in its name. */
  identity(): ProcessIdentity | undefined {
    const pid = this.process().pid;
    return pid === undefined ? undefined : identityOf(pid);
  }

  /** Before start(): the supervisor sees its channel close and exits, having started nothing. */
  cancel(): void {
    if (!this.child) return;
    if (this.child.connected) this.child.disconnect();
    this.child.unref();
  }

  /** Resolves once the stack is ready; `signal` (Ctrl-C while it comes up) makes it roll back. */
  async start(request: Omit<StartRequest, 'type'>, logFile: string, emit: Emit, signal?: AbortSignal): Promise<void> {
    const child = this.process();
    if (signal?.aborted) {
      this.cancel();
      throw new InterruptedError('interrupted: the stack was not started');
    }
    // the CLI now waits on it: its channel keeps the CLI's loop alive until the stack is up
    // (the process too: its exit is how the CLI learns that it died before the stack was up)
    child.channel?.ref();
    child.ref();
    const interrupt = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        let settled = false;
        child.on('message', (m: SupervisorMessage) => {
          if (m.type === 'event') return emit(m.event);
          settled = true;
          if (m.type === 'ready') {
            child.disconnect();
            child.unref();
            resolve();
          } else reject(deserializeError(m.error));
        });
        child.on('exit', (code, sig) => {
          if (settled) return;
          // stopped (devnet down) before it had its own handlers: nothing was started
          if (sig === 'SIGTERM' || sig === 'SIGINT' || sig === 'SIGHUP') reject(new InterruptedError(`interrupted: stack was stopped before it was up (${sig})`));
          else
            reject(
              new SupervisorDiedError(`the devnet supervisor (pid ${child.pid}) exited before the stack was up (${sig ?? `code ${code}`})`, {
                hint: existsSync(logFile) ? `see ${logFile}` : sig === 'SIGKILL' ? 'it was killed (SIGKILL) and left no log' : 'it left no log',
              }),
            );
        });
        child.on('error', reject);
        child.send({ type: 'start', ...request } satisfies StartRequest);
      });
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  }
}
