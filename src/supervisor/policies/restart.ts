// restart: on-failure | always | unless-stopped: a service that exits after it was ready (or
// is found unhealthy) is started again after a back-off, until max_restarts in a row; then it
// is given up as failed and the stack stays up. A stop asked meanwhile cancels the wait.
import type { Emit } from '../../events.js';
import { isActive } from '../../state/store.js';
import type { Clock } from '../../async/clock.js';
import { ServiceFailedError, StartAborted } from '../../errors.js';
import { STABLE_MS, backoffDelay, gaveUp, wantsRestart } from './backoff.js';
import type { PolicyTarget } from './target.js';
import type { Policy } from './policy.js';
import { describeExit } from '../../platform/exit.js';

export interface RestartDeps {
  clock: Clock;
  emit: Emit;
  /** starts the service again as a restart does: its ports checked, followers restarted after */
  start(): Promise<void>;
  /** stops the process that still runs (an unhealthy service) */
  stop(): Promise<void>;
  /** the policy gave up on the service */
  gaveUp(reason: string): void;
}


export class RestartPolicy {
  private inRow = 0;
  private readyAt = 0;
  private cancel: AbortController | undefined;
  private busy = false;

  constructor(
    private readonly t: PolicyTarget,
    private readonly d: RestartDeps,
  ) {
    t.onReady(() => (this.readyAt = d.clock.now()));
    t.onStop(() => this.cancel?.abort());
    t.onExit((e) => {
      if (wantsRestart(t.service.restart.policy, e)) void this.restart(describeExit(e));
    });
  }

  get enabled(): boolean {
    return this.t.service.restart.policy !== 'no';
  }

  /** Restarts the service under the policy (exits and unhealthy alike): back-off, limit, give-up. */
  async restart(reason: string): Promise<void> {
    if (this.busy || !this.enabled) return;
    this.busy = true;
    const { t, d } = this;
    const spec = t.service.restart;
    try {
      if (d.clock.now() - this.readyAt >= STABLE_MS) this.inRow = 0;
      if (isActive(t.state)) await d.stop();
      const cancel = (this.cancel = new AbortController());
      for (;;) {
        if (gaveUp(spec, this.inRow)) {
          const why = `gave up after ${this.inRow} restart${this.inRow === 1 ? '' : 's'} in a row (max_restarts: ${spec.maxRestarts}); last: ${reason}`;
          t.apply('give-up', { reason: why });
          t.marker(why);
          d.emit({ kind: 'service:gave-up', service: t.name, restarts: this.inRow, reason });
          d.gaveUp(why);
          return;
        }
        this.inRow++;
        const restarts = (t.rec.restarts ?? 0) + 1;
        const delayMs = backoffDelay(spec, this.inRow);
        t.apply('backoff', { reason, restarts, restartAt: new Date(Date.now() + delayMs).toISOString() });
        t.marker(`restart ${restarts} in ${delayMs}ms (${spec.policy}): ${reason}`);
        d.emit({ kind: 'service:restarting', service: t.name, reason, byPolicy: true, restarts, delayMs, logTail: t.lastLines().slice(-5) });
        if (!(await d.clock.sleep(delayMs, cancel.signal))) return;
        try {
          await d.start();
          return;
        } catch (e) {
          if (e instanceof StartAborted || cancel.signal.aborted) return;
          reason = e instanceof ServiceFailedError ? e.reason : (e as Error).message;
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

export const restartPolicy: Policy = {
  name: 'restart',
  attach(t, ctx) {
    const policy = new RestartPolicy(t, { clock: ctx.clock, emit: ctx.emit, start: ctx.start, stop: ctx.stop, gaveUp: () => ctx.changed() });
    t.onUnhealthy((reason) => void policy.restart(`unhealthy: ${reason}`).finally(() => ctx.changed()));
  },
};
