// A service that runs while something it depends on is failed, exited or stopped is
// degraded: never reported as simply fine.
import { dict } from '../../stack/own.js';
import type { ServiceRecord } from '../../state/store.js';

const DOWN = new Set(['failed', 'exited', 'stopped', 'restarting', 'unhealthy']);

/** For each running service, the dependencies that are down; services with none are left out. */
export function degradedBy(records: Record<string, Pick<ServiceRecord, 'state' | 'dependsOn'>>): Record<string, string[]> {
  const out: Record<string, string[]> = dict();
  for (const [name, r] of Object.entries(records)) {
    if (r.state !== 'ready' && r.state !== 'running' && r.state !== 'unhealthy') continue;
    const down = r.dependsOn.filter((d) => records[d] && DOWN.has(records[d].state));
    if (down.length) out[name] = down;
  }
  return out;
}
