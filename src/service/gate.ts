// A dependency gate that can open, fail, and be armed again: a service restarts, so
// "ready" is a state it enters more than once, and a dependent started while it restarts
// waits for its next readiness. Waiters are released (rejected) when a stop is asked.
import { deferred, type Deferred } from '../async/deferred.js';

export class Gate {
  private d: Deferred<void> = deferred();
  private state: 'closed' | 'open' | 'failed' = 'closed';

  get isOpen(): boolean {
    return this.state === 'open';
  }

  open(): void {
    if (this.state === 'failed') this.rearm();
    this.d.resolve();
    this.state = 'open';
  }

  fail(error: unknown): void {
    if (this.state === 'open') this.rearm();
    this.d.reject(error);
    this.state = 'failed';
  }

  /** Closed again for the next run; waiters of the last run were already answered. */
  rearm(): void {
    if (this.state === 'closed') return;
    this.d = deferred();
    this.state = 'closed';
  }

  /** Resolves when open; rejects when it fails or `signal` is aborted. */
  wait(signal?: AbortSignal): Promise<void> {
    const p = this.d.promise;
    if (!signal) return p;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
