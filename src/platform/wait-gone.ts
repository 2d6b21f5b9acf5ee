// Waiting for processes devnet signalled to be gone. The cheap look (kill(pid, 0) on the POSIX
// backend) still sees a zombie, and an init that reaps late (a container's, a VM's agent) keeps
// one for seconds: every 100ms the full look, one read of the process table that leaves zombies
// and reused pids out, ends the wait for what has really gone.
import { platform } from './index.js';
import type { ProcessIdentity } from './identity.js';

const FULL_LOOK_MS = 100;

/** Those of `ids` still running after `ms`, or sooner once none is, or once `cut` aborts. */
export async function waitGone<T extends ProcessIdentity>(ids: readonly T[], ms: number, cut?: AbortSignal): Promise<T[]> {
  const p = platform();
  const t0 = Date.now();
  let lastFull = t0;
  let left = ids.filter((id) => p.exists(id.pid));
  while (left.length && Date.now() - t0 < ms && !cut?.aborted) {
    // most processes exit within milliseconds of SIGTERM: look often at first (a restart waits on it)
    await new Promise((r) => setTimeout(r, Date.now() - t0 < 50 ? 1 : 5));
    left = left.filter((id) => p.exists(id.pid));
    if (left.length && Date.now() - lastFull >= FULL_LOOK_MS) {
      lastFull = Date.now();
      const live = new Map(p.processes().map((s) => [s.pid, s.startTime]));
      left = left.filter((id) => live.get(id.pid) === id.startTime);
    }
  }
  return left;
}
