// Health after ready (liveness): the probe runs every interval while the run lasts; after
// `retries` failures in a row the service is unhealthy, and one success makes it healthy
// again. A frozen process (SIGSTOP) answers nothing, so it turns unhealthy too.
import type { Emit } from '../../events.js';
import type { Clock } from '../../async/clock.js';
import type { Probe, ProbeTarget } from '../../service/probes/types.js';
import type { PolicyTarget } from './target.js';
import type { Policy } from './policy.js';

export interface HealthDeps {
  clock: Clock;
  probe: Probe;
  emit: Emit;
}

export function attachHealthCheck(t: PolicyTarget, d: HealthDeps): void {
  t.onReady(({ signal, health }) => {
    if (health) void watchHealth(t, d, health, signal);
  });
}

async function watchHealth(t: PolicyTarget, d: HealthDeps, target: ProbeTarget, signal: AbortSignal): Promise<void> {
  const spec = t.service.health!;
  const since = d.clock.now();
  let fails = 0;
  while (await d.clock.sleep(spec.intervalMs, signal)) {
    // paused by devnet pause: not unhealthy, only asleep; judged afresh once resumed
    if (paused(t)) {
      fails = 0;
      continue;
    }
    const r = await d.probe(target, signal);
    if (signal.aborted) return;
    if (paused(t)) continue;
    if (r.ok) {
      fails = 0;
      if (t.state === 'unhealthy') {
        t.apply('healthy', { reason: undefined });
        t.marker('healthy again');
        d.emit({ kind: 'service:healthy', service: t.name });
      }
      continue;
    }
    if (d.clock.now() - since < spec.startPeriodMs) continue;
    fails++;
    if (fails >= spec.retries && t.state === 'ready') {
      // the runner tells the restart policy (notify-unhealthy), after this turn's marker and event
      t.apply('unhealthy', { reason: `health check failed ${fails} times in a row: ${r.reason}` });
      // as the runner recorded it: redacted
      const reason = t.rec.reason!;
      t.marker(`unhealthy: ${reason}`);
      d.emit({ kind: 'service:unhealthy', service: t.name, reason });
    }
  }
}

// a function, not a comparison inline: the state changes across the probe's await
const paused = (t: PolicyTarget): boolean => t.state === 'paused';

export const healthPolicy: Policy = {
  name: 'health',
  attach: (t, ctx) => attachHealthCheck(t, { clock: ctx.clock, probe: ctx.probe, emit: ctx.emit }),
};
