import { describe, expect, it } from 'vitest';
import type { ServiceState } from '../../state/store.js';
import { attachWatch } from './watch.js';

function fakeTimers() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  return {
    set: (fn: () => void, ms: number) => (timers.push({ at: now + ms, fn, id: ++id }), id),
    clear: (h: unknown) => void (timers = timers.filter((t) => t.id !== h)),
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}

describe('watch', () => {
  it('restarts once per burst of changes, naming the files', async () => {
    const timers = fakeTimers();
    let change!: (p: string) => void;
    const restarts: string[] = [];
    const target = { name: 'api', state: 'ready' as ServiceState };
    const stop = await attachWatch(target, {
      subscribe: async (fn) => ((change = fn), async () => {}),
      restart: async (r) => void restarts.push(r),
      debounceMs: 300,
      timers,
    });
    change('src/a.ts');
    timers.advance(200);
    change('src/b.ts');
    timers.advance(200);
    expect(restarts).toEqual([]);
    timers.advance(100);
    await Promise.resolve();
    await Promise.resolve();
    expect(restarts).toEqual(['changed: src/a.ts, src/b.ts']);
    await stop();
  });

  it('a service stopped on purpose is not started by a change', async () => {
    const timers = fakeTimers();
    let change!: (p: string) => void;
    const restarts: string[] = [];
    await attachWatch({ name: 'api', state: 'stopped' }, { subscribe: async (fn) => ((change = fn), async () => {}), restart: async (r) => void restarts.push(r), timers });
    change('x');
    timers.advance(1000);
    await Promise.resolve();
    expect(restarts).toEqual([]);
  });
});
