import { describe, expect, it } from 'vitest';
import type { Service } from '../../stack/model.js';
import type { ProbeResult, ProbeTarget } from '../../service/probes/types.js';
import { FakeClock, FakeTarget, flush } from './fakes.test-support.js';
import { attachHealthCheck } from './health.js';

const health = { kind: 'http' as const, intervalMs: 100, timeoutMs: 50, retries: 3, startPeriodMs: 0 };
const target = { kind: 'http', host: '127.0.0.1', url: 'http://x/health', owned: false, pid: 1, pgid: 1, timeoutMs: 50 } satisfies ProbeTarget;

function setup(answers: boolean[], spec: Partial<typeof health> = {}) {
  const clock = new FakeClock();
  const t = new FakeTarget('api', { health: { ...health, ...spec } } as unknown as Service);
  const events: string[] = [];
  const unhealthy: string[] = [];
  let i = 0;
  const probe = async (): Promise<ProbeResult> => (answers[i++] ?? answers.at(-1)! ? { ok: true } : { ok: false, reason: 'no answer within 50ms' });
  // what a restart policy hears, through the table's notify-unhealthy
  t.onUnhealthy((r) => unhealthy.push(r));
  attachHealthCheck(t, { clock, probe, emit: (e) => events.push(e.kind) });
  return { clock, t, events, unhealthy };
}

describe('health after ready', () => {
  it('turns unhealthy after retries failures in a row, and healthy again on a success', async () => {
    const { clock, t, events, unhealthy } = setup([true, false, false, true, false, false, false, true]);
    t.becomeReady({ health: target });
    await clock.advance(300);
    expect(t.state).toBe('ready'); // 1 ok, 2 failures
    await clock.advance(100);
    expect(t.state).toBe('ready'); // a success resets the count
    await clock.advance(300);
    expect(t.state).toBe('unhealthy');
    expect(unhealthy[0]).toMatch(/failed 3 times in a row: no answer within 50ms/);
    await clock.advance(100);
    expect(t.state).toBe('ready');
    expect(events).toEqual(['service:unhealthy', 'service:healthy']);
  });

  it('failures within start_period do not count', async () => {
    const { clock, t } = setup([false], { startPeriodMs: 1000 });
    t.becomeReady({ health: target });
    await clock.advance(900);
    expect(t.state).toBe('ready');
    await clock.advance(400);
    expect(t.state).toBe('unhealthy');
  });

  it('stops probing when the run ends', async () => {
    const { clock, t } = setup([false]);
    const run = t.becomeReady({ health: target });
    run.abort();
    await flush();
    await clock.advance(1000);
    expect(t.state).toBe('ready');
  });
});
