/**
 * How long a down waits for its supervisor's answer: the grace period of every service that
 * runs, one after another (the worst case of waves, dependents first), and 5 s for the rest.
 */
export function stopBudgetMs(recs: readonly { pid?: number; startTime?: number; stopTimeoutMs: number }[], timeoutMs?: number): number {
  return recs.filter((r) => r.pid !== undefined && r.startTime !== undefined).reduce((sum, r) => sum + (timeoutMs ?? r.stopTimeoutMs), 0) + 5000;
}
