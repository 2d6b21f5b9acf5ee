// Container services beside native ones, on a private Docker daemon with host networking:
// ordered start both ways, steering, devnet test, down, and no container left behind after
// the supervisor and the CLI were killed with SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { devnet, freeDemoOffset, freePorts, tmpStack, waitFor } from '../helpers.js';
import { nodeImage, privateDocker, prometheusImage, type PrivateDocker } from '../docker.js';

const started = await privateDocker();
const docker = 'skip' in started ? undefined : started;
if (!docker) console.warn(`container tests skipped: ${(started as { skip: string }).skip}`);
const IMAGE = 'devnet-test/node:20';

beforeAll(() => {
  if (docker) nodeImage(docker, [IMAGE]);
}, 120_000);
afterAll(async () => {
  await docker?.stop();
}, 60_000);

// a server that answers with what it reaches: each one proves the one before it was up first
const SERVER = `
const http = require('http');
const [port, who, next] = process.argv.slice(2);
const ask = (url) => new Promise((ok, no) => http.get(url, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => ok(b)); }).on('error', no));
(next ? ask(next) : Promise.resolve('')).then((behind) => {
  http.createServer((q, s) => s.end(who + (behind ? ' -> ' + behind : ''))).listen(Number(port), '127.0.0.1', () => console.log(who + ' listening on ' + port + ' as uid ' + process.getuid()));
}, (e) => { console.error(who + ': ' + next + ' is not up: ' + e.message); process.exit(1); });
process.on('SIGTERM', () => { console.log(who + ' got SIGTERM'); process.exit(0); });
`;

function mixedStack(ports: number[]) {
  const [db, api, edge] = ports;
  return `
name: mixed
services:
  db:
    image: ${IMAGE}
    engine: docker
    cwd: .
    command: node server.js \${port} db
    port: ${db}
    ready: { http: / }
  api:
    command: node server.js \${port} api http://\${services.db.host}:\${services.db.port}/
    port: ${api}
    depends_on: [db]
    ready: { http: / }
  edge:
    image: ${IMAGE}
    engine: docker
    cwd: .
    command: node server.js \${port} edge http://\${services.api.host}:\${services.api.port}/
    port: ${edge}
    depends_on: [api]
    ready: { http: / }
    stop_timeout: 3s
`;
}

const labelled = (d: PrivateDocker, stateDir: string) =>
  d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}', '--filter', `label=devnet.state=${stateDir}`]).stdout.trim().split('\n').filter(Boolean);

const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })).text();

describe.skipIf(!docker)('container services', () => {
  it('a mixed stack comes up in order (container, native, container), is steered, tested and brought down', async () => {
    const d = docker!;
    const ports = await freePorts(3);
    await using s = tmpStack(mixedStack(ports), {
      'server.js': SERVER,
      'mixed.test': ['db: is up', 'api: is up', 'edge: is up', 'edge: http GET / body contains "edge -> api -> db"', 'db: restart', 'db: is up within 20s', 'db: log matches /db got SIGTERM/'].join('\n') + '\n',
    });
    const env = { ...s.env, ...d.env };
    const up = await devnet(['up', '-d'], { cwd: s.dir, env });
    expect(up.code, up.all).toBe(0);
    expect(await get(ports[2]!)).toBe('edge -> api -> db');
    const status = JSON.parse((await devnet(['status', '--json'], { cwd: s.dir, env })).stdout);
    expect(status.services.map((x: { name: string; state: string; container?: string }) => `${x.name}:${x.state}:${x.container ?? '-'}`)).toEqual(['db:ready:devnet-mixed-db', 'api:ready:-', 'edge:ready:devnet-mixed-edge']);
    expect(labelled(d, dirOf(s)).sort()).toEqual(['devnet-mixed-db running', 'devnet-mixed-edge running']);
    // its own user: what it writes in its mounts stays the user's
    expect((await devnet(['logs', 'db'], { cwd: s.dir, env })).stdout).toContain(`as uid ${process.getuid!()}`);

    // steered as any service: restart (a new container under the same name), stop, start, pause
    const r = await devnet(['restart', 'db'], { cwd: s.dir, env });
    expect(r.code, r.all).toBe(0);
    expect(await get(ports[0]!)).toBe('db');
    expect((await devnet(['stop', 'edge'], { cwd: s.dir, env })).code).toBe(0);
    expect(labelled(d, dirOf(s))).toEqual(['devnet-mixed-db running']);
    await expect(get(ports[2]!)).rejects.toThrow();
    expect((await devnet(['start', 'edge'], { cwd: s.dir, env })).code).toBe(0);
    expect(await get(ports[2]!)).toBe('edge -> api -> db');
    expect((await devnet(['pause', 'db'], { cwd: s.dir, env })).code).toBe(0);
    await expect(get(ports[0]!)).rejects.toThrow();
    expect((await devnet(['resume', 'db'], { cwd: s.dir, env })).code).toBe(0);
    expect(await get(ports[0]!)).toBe('db');

    const t = await devnet(['test', 'mixed.test'], { cwd: s.dir, env, timeout: 60_000 });
    expect(t.code, t.all).toBe(0);

    const down = await devnet(['down'], { cwd: s.dir, env });
    expect(down.code, down.all).toBe(0);
    expect(down.stdout).toContain('all ports free');
    expect(labelled(d, dirOf(s))).toEqual([]);
  }, 120_000);

  it('a container that dies is started again by its restart policy, under the same name', async () => {
    const d = docker!;
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: crash\nservices:\n  db:\n    image: ${IMAGE}\n    engine: docker\n    cwd: .\n    command: node server.js \${port} db\n    port: ${port}\n    ready: { http: / }\n    restart: always\n    backoff: 100ms\n`, { 'server.js': SERVER });
    const env = { ...s.env, ...d.env };
    expect((await devnet(['up', '-d'], { cwd: s.dir, env })).code).toBe(0);
    expect(d.docker(['kill', 'devnet-crash-db']).code).toBe(0);
    await waitFor(async () => {
      const st = JSON.parse((await devnet(['status', '--json'], { cwd: s.dir, env })).stdout);
      return st.services[0].restarts === 1 && st.services[0].state === 'ready';
    }, 30_000, 'db restarted by its policy');
    expect(await get(port!)).toBe('db');
    expect(labelled(d, dirOf(s, 'crash'))).toEqual(['devnet-crash-db running']);
  }, 60_000);

  it('after SIGKILL of the supervisor and every docker CLI, up refuses over the live containers and down removes them', async () => {
    const d = docker!;
    const ports = await freePorts(3);
    await using s = tmpStack(mixedStack(ports), { 'server.js': SERVER });
    const env = { ...s.env, ...d.env };
    expect((await devnet(['up', '-d'], { cwd: s.dir, env })).code).toBe(0);
    const state = JSON.parse(readFileSync(join(dirOf(s), 'state.json'), 'utf8'));
    process.kill(state.supervisor.pid, 'SIGKILL');
    for (const r of Object.values(state.services) as { pid: number }[]) process.kill(r.pid, 'SIGKILL');
    // the containers outlive their CLIs
    await new Promise((r) => setTimeout(r, 300));
    expect(labelled(d, dirOf(s)).sort()).toEqual(['devnet-mixed-db running', 'devnet-mixed-edge running']);
    expect(await get(ports[0]!)).toBe('db');

    const again = await devnet(['up', '-d'], { cwd: s.dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('container devnet-mixed-db');
    expect(again.stderr).toContain('container devnet-mixed-edge');

    // down from a shell that does not name the daemon: the run recorded it
    const down = await devnet(['down'], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(labelled(d, dirOf(s))).toEqual([]);
    await expect(get(ports[0]!)).rejects.toThrow();
    // a run that ended has no container to look for: a second down is simply nothing to stop
    const again2 = await devnet(['down'], { cwd: s.dir, env: s.env });
    expect(again2.code, again2.all).toBe(0);
    expect(again2.stdout).toContain('is not up; nothing to stop');
  }, 120_000);

  it('never touches a container without devnet labels', async () => {
    const d = docker!;
    const ports = await freePorts(3);
    await using s = tmpStack(mixedStack(ports), { 'server.js': SERVER });
    const env = { ...s.env, ...d.env };
    const stray = d.docker(['run', '-d', '--network', 'host', '--name', 'not-devnets', IMAGE, 'node', '-e', 'setTimeout(() => {}, 600000)']);
    expect(stray.code, stray.stderr).toBe(0);
    try {
      expect((await devnet(['up', '-d', '--only', 'db'], { cwd: s.dir, env })).code).toBe(0);
      expect((await devnet(['down'], { cwd: s.dir, env })).code).toBe(0);
      expect(d.docker(['ps', '--format', '{{.Names}}']).stdout.trim()).toBe('not-devnets');
    } finally {
      d.docker(['rm', '-f', 'not-devnets']);
    }
  }, 60_000);

  it('a daemon that does not answer is one line with the fix, exit 1, found by doctor first; nothing starts', async () => {
    const ports = await freePorts(3);
    await using s = tmpStack(mixedStack(ports), { 'server.js': SERVER });
    const env = { ...s.env, DOCKER_HOST: `unix://${s.dir}/no-daemon.sock` };
    const doctor = await devnet(['doctor'], { cwd: s.dir, env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/error .*cannot reach its daemon at unix:\/\/.*no-daemon\.sock.*point DOCKER_HOST at one/);
    const up = await devnet(['up', '-d'], { cwd: s.dir, env });
    expect(up.code).toBe(1);
    expect(up.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(up.stderr).toContain('cannot reach its daemon');
    expect(up.stderr).not.toMatch(/\n\s+at /);
    await expect(get(ports[1]!)).rejects.toThrow();
  }, 60_000);

  it('an image that is not there and cannot be pulled fails the service with the engine\'s words', async () => {
    const d = docker!;
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: nopull\nservices:\n  db:\n    image: devnet-test/absent:1\n    engine: docker\n    port: ${port}\n    ready: { tcp: true, timeout: 20s }\n`);
    const env = { ...s.env, ...d.env };
    const doctor = await devnet(['doctor'], { cwd: s.dir, env });
    expect(doctor.stdout).toContain('image devnet-test/absent:1 is not here yet (db): devnet up pulls it');
    const up = await devnet(['up', '-d'], { cwd: s.dir, env, timeout: 60_000 });
    expect(up.code).toBe(1);
    expect(up.all).toMatch(/Unable to find image|pull access denied|dial|lookup|connect/i);
  }, 90_000);

  it('the demo observability profile runs real Prometheus beside the native services, scraping them from its generated config', async (t) => {
    const d = docker!;
    // the official image's layout, from this host's prometheus (no registry here)
    if (!prometheusImage(d, 'prom/prometheus:v2.53.0')) return t.skip('no prometheus binary here to build its image from');
    const offset = await freeDemoOffset([9090, 3000]);
    const state = mkdtempSync(join(tmpdir(), 'devnet-obs-'));
    const env = { ...d.env, DEVNET_STATE_DIR: state };
    const at = ['--port-offset', String(offset)];
    try {
      const up = await devnet(['up', '-d', ...at, '--profile', 'observability', '--only', 'prometheus,blockchain-node,mock-coordinator'], { env, timeout: 120_000 });
      expect(up.code, up.all).toBe(0);
      expect(up.stdout).toMatch(/start\s+prometheus \(pid \d+\): docker run prom\/prometheus:v2\.53\.0 --config\.file=\S+\/files\/prometheus\/scrape/);
      const jobs = async () => {
        const r = (await (await fetch(`http://127.0.0.1:${9090 + offset}/api/v1/targets`)).json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } };
        return Object.fromEntries(r.data.activeTargets.map((x) => [x.labels.job, x.health]));
      };
      const until = Date.now() + 60_000;
      let seen: Record<string, string> = {};
      while (Date.now() < until) {
        seen = await jobs();
        if (['blockchain-node', 'mock-coordinator', 'prometheus'].every((j) => seen[j] === 'up')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(seen).toMatchObject({ 'blockchain-node': 'up', 'mock-coordinator': 'up', prometheus: 'up' });
      const down = await devnet(['down', ...at], { env });
      expect(down.code, down.all).toBe(0);
      expect(d.docker(['ps', '-a', '-q', '--filter', `label=devnet.stack=demo+${offset}`]).stdout.trim()).toBe('');
    } finally {
      await devnet(['down', ...at], { env });
      rmSync(state, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The stack's state folder: one stack file at one offset (what devnet labels its containers with). */
const dirOf = (s: { stateDir: string }, stackId = 'mixed') => join(s.stateDir, stackId);
