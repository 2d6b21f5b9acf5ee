// The exported demo runs for real: devnet export compose --network host, then docker-compose up
// on a private Docker daemon (images built from this host's node), every service healthy, the
// explorer's proxy reaching the node, the followers announcing addresses that answer, the
// shipped demo.test passing against it from outside (devnet test --external), and down
// leaving no container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devnet, freeDemoOffset } from '../helpers.js';
import { nodeImage, privateDocker } from '../docker.js';

const started = await privateDocker();
const docker = 'skip' in started ? undefined : started;
const compose = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' }).stdout.trim();
if (!docker) console.warn(`exported demo run skipped: ${(started as { skip: string }).skip}`);
else if (!compose) console.warn('exported demo run skipped: no docker-compose here (apt-get install docker-compose)');

beforeAll(() => {
  // the image devnet export chooses for node services, made from this host's node
  if (docker) nodeImage(docker, ['node:20-bookworm-slim']);
}, 120_000);
afterAll(async () => {
  await docker?.stop();
}, 60_000);

describe.skipIf(!docker || !compose)('the exported demo on docker compose', () => {
  it('runs healthy with host networking, answers as devnet runs it, passes demo.test from outside, and goes', async () => {
    const d = docker!;
    const dir = mkdtempSync(join(tmpdir(), 'devnet-export-run-'));
    const file = join(dir, 'compose.yaml');
    const project = `devnetexport${process.pid}`;
    const dc = (...args: string[]) => spawnSync(compose, ['-p', project, '-f', file, ...args], { env: { ...process.env, ...d.env }, encoding: 'utf8', timeout: 120_000 });
    const offset = await freeDemoOffset();
    const at = ['--port-offset', String(offset)];
    try {
      const exported = await devnet(['export', 'compose', '--network', 'host', ...at, '-o', file]);
      expect(exported.code, exported.all).toBe(0);
      const up = dc('up', '-d');
      expect(up.status, up.stderr).toBe(0);
      const names = d.docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}']).stdout.trim().split('\n');
      expect(names).toHaveLength(8);
      // healthy as compose sees it: its own healthchecks, with the stack's timeouts
      const health = () => names.map((n) => d.docker(['inspect', '--format', '{{.State.Health.Status}}', n]).stdout.trim());
      const until = Date.now() + 90_000;
      while (health().some((h) => h !== 'healthy') && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
      expect(health()).toEqual(names.map(() => 'healthy'));

      // the explorer's dev server proxies /rpc to the node, on the plan's ports
      const head = (await (await fetch(`http://127.0.0.1:${4173 + offset}/rpc/head`)).json()) as { height: number };
      expect(head.height).toBeGreaterThanOrEqual(0);
      // what the followers announce is where they answer
      const followers = (await (await fetch(`http://127.0.0.1:${8080 + offset}/rpc/followers`)).json()) as { url: string }[];
      expect(followers.map((f) => f.url).sort()).toEqual([`http://127.0.0.2:${8080 + offset}`, `http://127.0.0.3:${8080 + offset}`]);
      for (const f of followers) expect((await fetch(`${f.url}/health`)).ok).toBe(true);

      const t = await devnet(['test', '--external', ...at], { timeout: 120_000 });
      expect(t.code, t.all).toBe(0);
      expect(t.stdout).toMatch(/\d+ passed, 0 failed, \d+ not run/);
      expect(t.stdout).toContain('skip  stacks/demo.test:30  blockchain-node: kill SIGKILL');
    } finally {
      dc('down', '-t', '2');
      rmSync(dir, { recursive: true, force: true });
    }
    expect(d.docker(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '-q']).stdout.trim()).toBe('');
  }, 240_000);
});
