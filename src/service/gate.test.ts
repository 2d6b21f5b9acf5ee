import { describe, expect, it } from 'vitest';
import { Gate } from './gate.js';

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
