import { describe, expect, it } from 'vitest';
import { degradedBy } from './degraded.js';

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
