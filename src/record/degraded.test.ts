import { describe, expect, it } from 'vitest';
import { degradedBy, degradedGroups } from './degraded.js';

describe('degradedBy', () => {
  it('names running services whose dependencies are down', () => {
    expect(
      degradedBy({
        db: { state: 'failed', dependsOn: [] },
        api: { state: 'ready', dependsOn: ['db'] },
        web: { state: 'ready', dependsOn: ['api'] },
        job: { state: 'stopped', dependsOn: ['db'] },
      }),
    ).toEqual({ api: ['db'] });
  });
  it('a completed one-shot task is not down', () => expect(degradedBy({ m: { state: 'completed', dependsOn: [] }, api: { state: 'ready', dependsOn: ['m'] } })).toEqual({}));
});

describe('a dependency on a replicated service', () => {
  const peers = (states: string[]) => Object.fromEntries(states.map((st, i) => [`raft-${i + 1}`, { state: st as 'ready', dependsOn: [], replicaOf: 'raft' }]));
  const barn = { state: 'ready' as const, dependsOn: ['raft-1', 'raft-2', 'raft-3'] };
  it('is met while one replica serves: the group is degraded, its users are not', () => {
    expect(degradedBy({ ...peers(['ready', 'ready', 'stopped']), barn })).toEqual({});
    expect(degradedGroups({ ...peers(['ready', 'ready', 'stopped']), barn })).toEqual([{ group: 'raft', serving: 2, of: 3 }]);
  });
  it('is down when every replica is', () => expect(degradedBy({ ...peers(['stopped', 'failed', 'stopped']), barn })).toEqual({ barn: ['raft-1', 'raft-2', 'raft-3'] }));
});
