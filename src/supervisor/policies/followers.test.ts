import { describe, expect, it } from 'vitest';
import type { Service, Stack } from '../../stack/model.js';
import { FakeTarget, flush } from './fakes.test-support.js';
import { attachFollowers, followersOf } from './followers.js';

describe('followers (depends_on: { db: { restart: true } })', () => {
  it('are restarted after a readiness of what they follow, not after its first', async () => {
    const db = new FakeTarget('db', {} as Service);
    const restarted: [string[], string][] = [];
    attachFollowers(db, { followers: () => ['api'], restart: async (names, reason) => void restarted.push([names, reason]) });
    db.becomeReady();
    await flush();
    expect(restarted).toEqual([]);
    db.crash(1);
    db.becomeReady();
    await flush();
    expect(restarted).toEqual([[['api'], 'db restarted']]);
  });

  it('are only the running services that declare restart: true on it', () => {
    const stack = { services: { db: { name: 'db', restartWith: [] }, api: { name: 'api', restartWith: ['db'] }, job: { name: 'job', restartWith: ['db'] }, web: { name: 'web', restartWith: [] } } } as unknown as Stack;
    expect(followersOf(stack, 'db', (n) => n !== 'job')).toEqual(['api']);
  });
});
