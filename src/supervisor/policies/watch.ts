// watch: under up --watch, a change to a service's watched paths restarts it, once per burst
// of changes (an editor's save writes several times, a build writes many files).
import type { PolicyTarget } from './target.js';
import type { Policy } from './policy.js';

export const WATCH_DEBOUNCE_MS = 300;

export interface WatchDeps {
  /** starts watching; calls onChange per changed path; resolves to a function that stops */
  subscribe(onChange: (path: string) => void): Promise<() => Promise<void>>;
  restart(reason: string): Promise<void>;
  debounceMs?: number;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

const nodeTimers = { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };

/** Resolves once watching; the returned function stops it. */
export async function attachWatch(t: Pick<PolicyTarget, 'name' | 'state'>, d: WatchDeps): Promise<() => Promise<void>> {
  const timers = d.timers ?? nodeTimers;
  let pending: unknown;
  const changed = new Set<string>();
  let restarting = Promise.resolve();
  const fire = () => {
    pending = undefined;
    const files = [...changed];
    changed.clear();
    // a service stopped on purpose stays stopped: a change is not a reason to start it
    if (t.state === 'stopped' || t.state === 'stopping' || t.state === 'pending') return;
    const reason = `changed: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}`;
    restarting = restarting.then(() => d.restart(reason)).catch(() => {});
  };
  const unsubscribe = await d.subscribe((path) => {
    changed.add(path);
    if (pending !== undefined) timers.clear(pending);
    pending = timers.set(fire, d.debounceMs ?? WATCH_DEBOUNCE_MS);
  });
  return async () => {
    if (pending !== undefined) timers.clear(pending);
    await unsubscribe();
  };
}

export const watchPolicy: Policy = {
  name: 'watch',
  attach(t, ctx) {
    const patterns = t.service.watch;
    const watch = ctx.watch;
    if (!watch || !patterns.length) return;
    // from the end of the stack's first start (a service's own first start is not a change);
    // a stack stopped before that (a failed up) never watches
    let closed = false;
    let watching: Promise<() => Promise<void>> | undefined;
    const settled = ctx.firstStart.then(async () => {
      if (closed) return;
      watching = attachWatch(t, { subscribe: (onChange) => watch(patterns, ctx.cwd, onChange), restart: (reason) => ctx.restartLater(reason).then(() => {}) });
      await watching;
    });
    return {
      settled,
      close: async () => {
        closed = true;
        if (watching) await (await watching)();
      },
    };
  },
};
