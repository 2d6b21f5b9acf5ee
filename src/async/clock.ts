// Time as policies see it: injected, so their tests run on a fake clock.
export interface Clock {
  now(): number;
  /** resolves true after ms, false as soon as `signal` is aborted */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Milliseconds on a monotonic clock, for "was this read at or after that moment". Not
 * performance.now(): the first use of `performance` loads perf_hooks and its timing modules,
 * 1-5 ms of every command's start-up (measured on Node 20), for the same answer.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
