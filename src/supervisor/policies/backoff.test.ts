import { describe, expect, it } from 'vitest';
import { backoffDelay, gaveUp, wantsRestart } from './backoff.js';

describe('restart policy words', () => {
  const crash = { code: 1, signal: null };
  const clean = { code: 0, signal: null };
  const killed = { code: null, signal: 'SIGKILL' };
  it('no never restarts', () => expect([crash, clean, killed].map((e) => wantsRestart('no', e))).toEqual([false, false, false]));
  it('on-failure restarts a non-zero exit and a signal, not a clean exit', () =>
    expect([crash, clean, killed].map((e) => wantsRestart('on-failure', e))).toEqual([true, false, true]));
  it('always and unless-stopped restart every exit', () => {
    for (const p of ['always', 'unless-stopped'] as const) expect([crash, clean, killed].map((e) => wantsRestart(p, e))).toEqual([true, true, true]);
  });
});

describe('backoff', () => {
  it('doubles from the first delay up to the cap', () => {
    const spec = { backoffMs: 500, backoffMaxMs: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(spec, n))).toEqual([500, 1000, 2000, 3000, 3000]);
  });
  it('gives up after max_restarts in a row; 0 is no limit', () => {
    expect(gaveUp({ maxRestarts: 3 }, 2)).toBe(false);
    expect(gaveUp({ maxRestarts: 3 }, 3)).toBe(true);
    expect(gaveUp({ maxRestarts: 0 }, 1000)).toBe(false);
  });
});
