// Processes an earlier run left behind when its supervisor died (SIGKILL, OOM, a reboot of
// the terminal): up must not start a second copy over them and overwrite the state that
// names them, or a later down could no longer find them.
import { platform } from '../platform/index.js';
import { processesWithMarker, scanProcesses } from '../platform/proc-scan.js';
import { isActive, isRecordAlive, type StackState } from '../state/store.js';
import { liveContainers } from './containers.js';

export type Leftover = { service: string; pid: number; container?: undefined } | { service: string; container: string; pid?: undefined };

/** Live processes of the run recorded in `state`: its recorded leaders and anything carrying its marker. */
export function leftoversOf(state: StackState): Leftover[] {
  const recs = Object.values(state.services);
  // a run stopped by its supervisor or by down has every record final and its marker swept
  if (!recs.some((r) => isActive(r.state) || r.state === 'stopping' || r.state === 'pending')) return [];
  const found = new Map<number, Leftover>();
  for (const r of recs) if (isRecordAlive(r)) found.set(r.pid!, { service: r.name, pid: r.pid! });
  const since = Math.min(state.supervisor.startTime, ...recs.map((r) => r.startTime ?? Infinity));
  const marked = processesWithMarker(state.runId, undefined, scanProcesses(), since).filter((p) => !found.has(p.pid));
  const markers = platform().markers(marked.map((p) => p.pid));
  for (const p of marked) found.set(p.pid, { service: markers.get(p.pid)?.service ?? '?', pid: p.pid });
  const out: Leftover[] = [...found.values()];
  // a container outlives its docker CLI: asked of the engine by the run's label
  if (recs.some((r) => r.container)) for (const c of liveContainers(recs, state.runId)) out.push({ service: c.labels['devnet.service'] ?? '?', container: c.name });
  return out;
}

export function describeLeftovers(list: readonly Leftover[]): string {
  return list.map((l) => (l.container ? `${l.service} (container ${l.container})` : `${l.service} (pid ${l.pid})`)).join(', ');
}
