// A service that runs while something it depends on is failed, exited or stopped is
// degraded: never reported as simply fine.
import { dict } from '../stack/own.js';
import type { ServiceRecord } from '../state/store.js';

// paused: frozen by devnet pause, it answers nobody
const DOWN = new Set(['failed', 'exited', 'stopped', 'restarting', 'unhealthy', 'paused']);

/**
 * For each running service, the dependencies that are down; services with none are left out.
 * A dependency on a replicated service is met while any of its replicas serves: a Raft group
 * with a peer stopped is degraded itself, its users are not.
 */
export function degradedBy(records: Record<string, Pick<ServiceRecord, 'state' | 'dependsOn' | 'replicaOf'>>): Record<string, string[]> {
  const out: Record<string, string[]> = dict();
  const isDown = (d: string) => !!records[d] && DOWN.has(records[d].state);
  for (const [name, r] of Object.entries(records)) {
    if (r.state !== 'ready' && r.state !== 'running' && r.state !== 'unhealthy') continue;
    const down = r.dependsOn.filter((d) => {
      if (!isDown(d)) return false;
      const group = records[d]!.replicaOf;
      // a replica down: only when every replica of its group that this service needs is down too
      return !group || r.dependsOn.every((x) => records[x]?.replicaOf !== group || isDown(x));
    });
    if (down.length) out[name] = down;
  }
  return out;
}

/** Replicated services with some replicas down and some serving: "finance-raft: 4 of 5 replicas serve". */
export function degradedGroups(records: Record<string, Pick<ServiceRecord, 'state' | 'replicaOf'>>): { group: string; serving: number; of: number }[] {
  const groups = new Map<string, { serving: number; of: number }>();
  for (const r of Object.values(records)) {
    if (!r.replicaOf) continue;
    const g = groups.get(r.replicaOf) ?? { serving: 0, of: 0 };
    g.of++;
    if (!DOWN.has(r.state) && r.state !== 'pending') g.serving++;
    groups.set(r.replicaOf, g);
  }
  return [...groups].filter(([, g]) => g.serving > 0 && g.serving < g.of).map(([group, g]) => ({ group, ...g }));
}
