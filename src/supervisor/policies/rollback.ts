// up is all or nothing: services start together, and the first failure aborts the waits of
// the others (so none hangs on a dependency that will never come); the caller then stops
// everything started. The failure reported is the service's own, not an abort it caused.
import { ServiceFailedError } from '../../errors.js';

/** Resolves to the failure to report, or undefined when every service started. */
export async function startOrRollBack(names: readonly string[], start: (name: string, signal: AbortSignal) => Promise<void>): Promise<unknown> {
  const rollback = new AbortController();
  const results = await Promise.allSettled(
    names.map((n) =>
      start(n, rollback.signal).catch((e: unknown) => {
        rollback.abort();
        throw e;
      }),
    ),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  return failed.find((e) => e instanceof ServiceFailedError) ?? failed[0];
}
