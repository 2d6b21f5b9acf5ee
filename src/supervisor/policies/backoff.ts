// compose's restart words, and process-compose's back-off: the delay doubles with each
// restart in a row, up to a cap, and a run that stayed up for a while resets the count.
import type { ExitStatus } from '../../platform/exit.js';
import type { RestartPolicyName, RestartSpec } from '../../stack/model.js';

/** A run that lasted this long was stable: the next crash starts the back-off from the beginning. */
export const STABLE_MS = 10_000;

export function wantsRestart(policy: RestartPolicyName, exit: ExitStatus): boolean {
  if (policy === 'no') return false;
  if (policy === 'on-failure') return exit.code !== 0;
  return true;
}

/** The delay before restart number `n` in a row (1-based). */
export function backoffDelay(spec: Pick<RestartSpec, 'backoffMs' | 'backoffMaxMs'>, n: number): number {
  return Math.min(spec.backoffMs * 2 ** Math.max(0, n - 1), spec.backoffMaxMs);
}

export function gaveUp(spec: Pick<RestartSpec, 'maxRestarts'>, inRow: number): boolean {
  return spec.maxRestarts > 0 && inRow >= spec.maxRestarts;
}
