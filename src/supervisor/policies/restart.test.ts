import { describe, expect, it, vi } from 'vitest';
import type { Service } from '../../stack/model.js';
import { FakeClock, FakeTarget, flush } from './fakes.test-support.js';
import { RestartPolicy } from './restart.js';
import { ServiceFailedError } from '../../errors.js';

const svc = (restart: Partial<Service['restart']>): Service => ({ restart: { policy: 'on-failure', maxRestarts: 0, backoffMs: 100, backoffMaxMs: 400, ...restart } }) as Service;

function setup(restart: Partial<Service['restart']>, startFails = 0) {
  const clock = new FakeClock();
  const t = new FakeTarget('api', svc(restart));
  const events: string[] = [];
  let fails = startFails;
  const start = vi.fn(async () => {
    if (fails-- > 0) {
      t.apply('start');
      t.apply('spawned');
      t.apply('not-ready');
      throw new ServiceFailedError('api', 'service api exited with code 1 before it was ready', [], { reason: 'exited with code 1 before it was ready' });
    }
    t.becomeReady();
  });
  const policy = new RestartPolicy(t, { clock, emit: (e) => events.push(e.kind), start, stop: async () => (t.apply('stop'), t.apply('stopped')), gaveUp: () => events.push('gaveUp') });
  return { clock, t, events, start, policy };
}

describe('RestartPolicy', () => {
  it('on-failure: a crash after ready is restarted after the back-off, counted', async () => {
    const { clock, t, start, events } = setup({});
    t.becomeReady();
    clock.t = 50;
    t.crash(1);
    await flush();
    expect(t.state).toBe('restarting');
    expect(start).not.toHaveBeenCalled();
    await clock.advance(100);
    expect(start).toHaveBeenCalledTimes(1);
    expect(t.state).toBe('ready');
    expect(t.rec.restarts).toBe(1);
    expect(events).toContain('service:restarting');
    expect(t.markers[0]).toMatch(/restart 1 in 100ms \(on-failure\): exited with code 1/);
  });

  it('on-failure leaves a clean exit alone; always restarts it', async () => {
    const a = setup({});
    a.t.becomeReady();
    a.t.crash(0);
    await a.clock.advance(1000);
    expect(a.start).not.toHaveBeenCalled();
    const b = setup({ policy: 'always' });
    b.t.becomeReady();
    b.t.crash(0);
    await b.clock.advance(100);
    expect(b.start).toHaveBeenCalledTimes(1);
  });

  it('a crash loop backs off (doubling, capped) and gives up after max_restarts', async () => {
    const { clock, t, start, events } = setup({ maxRestarts: 4 }, 10);
    t.becomeReady();
    t.crash(1);
    await clock.advance(5000);
    expect(start).toHaveBeenCalledTimes(4);
    expect(clock.sleeps).toEqual([100, 200, 400, 400]);
    expect(t.state).toBe('failed');
    expect(t.rec.reason).toMatch(/gave up after 4 restarts in a row/);
    expect(events).toContain('service:gave-up');
    expect(events).toContain('gaveUp');
  });

  it('a run that stayed up for a while starts the back-off over', async () => {
    const { clock, t } = setup({ maxRestarts: 2 });
    t.becomeReady();
    t.crash(1);
    await clock.advance(100);
    clock.t += 20_000;
    t.crash(1);
    await clock.advance(100);
    expect(clock.sleeps).toEqual([100, 100]);
    expect(t.state).toBe('ready');
  });

  it('a stop asked during the back-off cancels the restart', async () => {
    const { clock, t, start } = setup({});
    t.becomeReady();
    t.crash(1);
    await flush();
    t.askStop();
    await clock.advance(1000);
    expect(start).not.toHaveBeenCalled();
  });

  it('an unhealthy service is stopped first, then restarted', async () => {
    const { clock, t, start, policy } = setup({});
    t.becomeReady();
    t.apply('unhealthy');
    const p = policy.restart('unhealthy: health check failed 3 times in a row');
    await flush();
    expect(t.state).toBe('restarting');
    await clock.advance(100);
    await p;
    expect(start).toHaveBeenCalledTimes(1);
  });
});
