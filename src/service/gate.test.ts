import { describe, expect, it } from 'vitest';
import { Gate } from './gate.js';
import { TRANSITIONS, assertMove, canMove } from './table.js';

describe('Gate', () => {
  it('opens, fails, and is armed again for the next run', async () => {
    const g = new Gate();
    const first = g.wait();
    g.open();
    await expect(first).resolves.toBeUndefined();
    g.rearm();
    const second = g.wait();
    g.fail(new Error('crashed'));
    await expect(second).rejects.toThrow('crashed');
    g.rearm();
    const third = g.wait();
    g.open();
    await expect(third).resolves.toBeUndefined();
  });
  it('a waiter is released when its signal is aborted (a stop asked)', async () => {
    const g = new Gate();
    const ac = new AbortController();
    const w = g.wait(ac.signal);
    ac.abort(new Error('stop'));
    await expect(w).rejects.toThrow('stop');
  });
});

describe('service transitions', () => {
  it('allow the life of a service and refuse what makes no sense', () => {
    expect(canMove('pending', 'starting')).toBe(true);
    expect(canMove('ready', 'unhealthy')).toBe(true);
    expect(canMove('failed', 'restarting')).toBe(true);
    expect(canMove('stopped', 'ready')).toBe(false);
    expect(() => assertMove('api', 'pending', 'ready')).toThrow('service api: no move from pending to ready');
  });
  it('every state can be left, and stopped is reachable from every running state', () => {
    for (const [from, to] of Object.entries(TRANSITIONS)) expect(to.length, from).toBeGreaterThan(0);
    for (const s of ['starting', 'running', 'ready', 'unhealthy'] as const) expect(canMove(s, 'stopping')).toBe(true);
  });
});
