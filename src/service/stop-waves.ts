// Stopping recorded services in reverse start waves, each wave at once (its services do not
// depend on one another), so dependents always stop before what they depend on. Shared by the
// supervisor's stopAll and by down, which finishes the job from the state file alone.
import { dict } from '../stack/own.js';
import { startWaves } from '../stack/graph.js';
import type { ServiceRecord } from '../state/store.js';
import { sharedScan, stopService, type StopResult } from './stop.js';

export function stopWaves(dependsOn: Record<string, readonly string[]>): string[][] {
  return startWaves(dependsOn).reverse();
}

export interface WaveHooks {
  /** a service with a process is about to be stopped */
  before?(record: ServiceRecord): void;
  /** SIGTERM is about to go to the service's processes (it has some) */
  signalling?(record: ServiceRecord): void;
  after(record: ServiceRecord, result: StopResult, ms: number): void;
}

/** `hurry`: once aborted (a second Ctrl-C), grace periods end at once and what is left gets SIGKILL. */
export async function stopInWaves(records: ServiceRecord[], runId: string, timeoutMs: number | undefined, hooks: WaveHooks, hurry?: AbortSignal): Promise<void> {
  const byName = new Map(records.map((r) => [r.name, r]));
  for (const wave of stopWaves(dict(records.map((r) => [r.name, r.dependsOn])))) {
    // one scan of the process table serves every service of the wave
    const procs = sharedScan();
    await Promise.all(
      wave.map(async (name) => {
        const r = byName.get(name)!;
        if (r.pid === undefined || r.startTime === undefined) return;
        hooks.before?.(r);
        const t0 = Date.now();
        const result = await stopService({ name, pid: r.pid, pgid: r.pgid ?? r.pid, startTime: r.startTime, runId, stopTimeoutMs: r.stopTimeoutMs, container: r.container, ...(r.stopSignal ? { signal: r.stopSignal as NodeJS.Signals } : {}) }, timeoutMs, procs, hurry, () => hooks.signalling?.(r));
        hooks.after(r, result, Date.now() - t0);
      }),
    );
  }
}
