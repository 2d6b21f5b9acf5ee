// The test files shipped beside the stacks, run as CI runs them: devnet test --up, with JUnit.
// demo.test proves the chain advances, the followers keep up and follow a hub restarted after
// kill -9; runink.test that a Raft group of five keeps its quorum with two peers down.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, freeDemoOffset, pidsOfStack, reapStack } from '../helpers.js';

function junitCounts(file: string): { tests: number; failures: number } {
  const r = spawnSync('python3', ['-c', "import sys,xml.etree.ElementTree as E;r=E.parse(sys.argv[1]).getroot();print(r.get('tests'),r.get('failures'))", file], { encoding: 'utf8' });
  const [tests, failures] = r.stdout.trim().split(' ').map(Number);
  return { tests: tests!, failures: failures! };
}

describe('the shipped test files', () => {
  it('stacks/demo.test passes on the demo with --up, and leaves nothing behind', { timeout: 120_000 }, async () => {
    const state = mkdtempSync(join(tmpdir(), 'devnet-demotest-'));
    const env = { DEVNET_STATE_DIR: state, VITE_CACHE_DIR: join(state, 'vite-cache') };
    const offset = await freeDemoOffset();
    const stackId = `demo+${offset}`;
    try {
      const junit = join(state, 'demo.xml');
      const r = await devnet(['test', '--stack', 'demo', '--port-offset', String(offset), '--up', '--junit', junit], { env, timeout: 110_000 });
      expect(r.code, r.all).toBe(0);
      expect(r.stdout).toMatch(/^\d+ passed, 0 failed/m);
      expect(junitCounts(junit)).toEqual({ tests: readFileSync(join(import.meta.dirname, '../../stacks/demo.test'), 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length, failures: 0 });
      expect(pidsOfStack(stackId)).toEqual([]);
    } finally {
      reapStack(stackId);
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('stacks/runink.test passes on runink with --up', { timeout: 120_000 }, async () => {
    const state = mkdtempSync(join(tmpdir(), 'devnet-runinktest-'));
    try {
      // an offset whose ports are free: a refusal (3) tries another
      for (let attempt = 0; ; attempt++) {
        const offset = 20000 + Math.floor(Math.random() * 400) * 10;
        const r = await devnet(['test', '--stack', 'runink', '--port-offset', String(offset), '--up', '--json'], { env: { DEVNET_STATE_DIR: state }, timeout: 110_000 });
        if (r.code === 3 && attempt < 5) continue;
        expect(r.code, r.all).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, failed: 0 });
        expect(pidsOfStack(`runink+${offset}`)).toEqual([]);
        break;
      }
    } finally {
      reapStack('runink', true);
      rmSync(state, { recursive: true, force: true });
    }
  });
});
