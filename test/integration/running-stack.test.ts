// A running stack steered and healing: start/stop/restart of single services over the
// control socket, restart policies, health after ready, watch, additive up.
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState, type StackState } from '../../src/state/store.js';
import { devnet, fixture, freePorts, holdPort, pidAlive, pidsOfStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const http = (port: number) => `["${node}", "${fixture('http.mjs')}", "${port}"]`;

const stateOf = (s: { stateDir: string }, name: string): StackState => readState(join(s.stateDir, name, 'state.json'))!;
const pidOf = (s: { stateDir: string }, stack: string, svc: string) => stateOf(s, stack).services[svc]!.pid!;

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const threeTier = (name: string, [db, api, web]: number[], extra = '') => `name: ${name}
services:
  db: { command: ${http(db!)}, port: ${db}, ready: { http: /health } }
  api: { command: ${http(api!)}, port: ${api}, depends_on: [db], ready: { http: /health } }
  web: { command: ${http(web!)}, port: ${web}, depends_on: [api], ready: { http: /health } }
${extra}`;

describe('a running stack', () => {
  it('restarts, stops and starts one service while the others keep their pids; stop with dependents refuses', async () => {
    const ports = await freePorts(3);
    await using s = tmpStack(threeTier('steer', ports));
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d')).code).toBe(0);
    const before = { db: pidOf(s, 'steer', 'db'), api: pidOf(s, 'steer', 'api'), web: pidOf(s, 'steer', 'web') };

    const restart = await run('restart', 'api', '--json');
    expect(restart.code, restart.all).toBe(0);
    const json = JSON.parse(restart.stdout) as { ok: boolean; services: { name: string; state: string; pid: number }[] };
    expect(json.ok).toBe(true);
    const api = json.services.find((x) => x.name === 'api')!;
    expect(api.state).toBe('ready');
    expect(api.pid).not.toBe(before.api);
    expect(pidAlive(before.api)).toBe(false);
    expect(pidOf(s, 'steer', 'db')).toBe(before.db);
    expect(pidOf(s, 'steer', 'web')).toBe(before.web);
    expect(stateOf(s, 'steer').services.api!.ports.default).toBe(ports[1]);
    expect(await get(ports[1]!, '/health')).toBe(200);

    // db is needed by api (and through it web): refused, with their names, nothing stopped
    const refused = await run('stop', 'db');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/db is needed by running api, web/);
    expect(refused.stderr).toContain('--with-dependents');
    expect(pidAlive(before.db)).toBe(true);

    const stopWeb = await run('stop', 'web');
    expect(stopWeb.code, stopWeb.all).toBe(0);
    expect(pidAlive(before.web)).toBe(false);
    expect(stateOf(s, 'steer').services.web!.state).toBe('stopped');
    expect(await get(ports[2]!, '/health')).toBe(0);
    expect(pidOf(s, 'steer', 'db')).toBe(before.db);

    const all = await run('stop', 'db', '--with-dependents');
    expect(all.code, all.all).toBe(0);
    expect(pidAlive(before.db)).toBe(false);
    // every service stopped on request: the stack is still up, and start brings them back in order
    const st = JSON.parse((await run('status', '--json')).stdout) as { services: { name: string; state: string }[] };
    expect(st.services.map((x) => x.state)).toEqual(['stopped', 'stopped', 'stopped']);
    const start = await run('start', 'web');
    expect(start.code, start.all).toBe(0);
    expect(start.stdout).toMatch(/started db, api, web|started (db|api|web)/);
    for (const p of ports) expect(await get(p, '/health')).toBe(200);

    const down = await run('down');
    expect(down.code, down.all).toBe(0);
    expect(pidsOfStack('steer')).toEqual([]);
    for (const p of ports) await (await holdPort(p))[Symbol.asyncDispose]();
  });

  it('up -d on a running stack starts only what is missing, and exits 0 with nothing to do', async () => {
    const ports = await freePorts(3);
    await using s = tmpStack(threeTier('additive', ports));
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d', '--only', 'api')).code).toBe(0);
    const db = pidOf(s, 'additive', 'db');
    expect(stateOf(s, 'additive').services.web).toBeUndefined();
    const more = await run('up', '-d', '--only', 'web');
    expect(more.code, more.all).toBe(0);
    expect(more.stdout).toMatch(/started web/);
    expect(pidOf(s, 'additive', 'db')).toBe(db);
    expect(await get(ports[2]!, '/health')).toBe(200);
    const again = await run('up', '-d');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do/);
  });

  it('brings a crashed service back under on-failure, gives a crash loop up after max_restarts, and restarts followers', async () => {
    const [db, api, loop] = await freePorts(3);
    const crasher = `["${node}", "-e", "console.log('up'); setTimeout(() => process.exit(1), 150)"]`;
    await using s = tmpStack(
      `name: heal
services:
  db: { command: ${http(db!)}, port: ${db}, ready: { http: /health }, restart: on-failure, backoff: 100ms }
  api: { command: ${http(api!)}, port: ${api}, depends_on: { db: { condition: ready, restart: true } }, ready: { http: /health } }
  loop: { command: ${crasher}, ready: { log: up }, restart: always, max_restarts: 3, backoff: 100ms, backoff_max: 400ms }
  other: { command: ${http(loop!)}, port: ${loop}, depends_on: [loop] }
`,
    );
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d')).code).toBe(0);
    const dbPid = pidOf(s, 'heal', 'db');
    const apiPid = pidOf(s, 'heal', 'api');
    expect(await get(db!, '/crash')).toBe(200);
    await waitFor(() => stateOf(s, 'heal').services.db!.restarts === 1 && stateOf(s, 'heal').services.db!.state === 'ready', 10_000, 'db to come back');
    expect(pidOf(s, 'heal', 'db')).not.toBe(dbPid);
    expect(stateOf(s, 'heal').services.db!.lastExit).toMatchObject({ code: 3 });
    // api follows db (restart: true): a new pid once db is back
    await waitFor(() => stateOf(s, 'heal').services.api!.state === 'ready' && pidOf(s, 'heal', 'api') !== apiPid, 10_000, 'api to follow db');

    await waitFor(() => stateOf(s, 'heal').services.loop!.state === 'failed' && /gave up/.test(stateOf(s, 'heal').services.loop!.reason ?? ''), 15_000, 'loop to be given up');
    expect(stateOf(s, 'heal').services.loop!.restarts).toBe(3);
    const st = JSON.parse((await run('status', '--json')).stdout) as { services: { name: string; state: string; restarts: number; lastExit: { code: number } | null; degradedBy?: string[] }[] };
    const byName = Object.fromEntries(st.services.map((x) => [x.name, x]));
    expect(byName.db).toMatchObject({ state: 'ready', restarts: 1, lastExit: { code: 3 } });
    expect(byName.loop).toMatchObject({ state: 'failed', restarts: 3 });
    expect(byName.other!.degradedBy).toEqual(['loop']);
    const plain = await run('status');
    expect(plain.stdout).toMatch(/other +ready, degraded \(loop down\)/);
    const logs = await run('logs', 'loop');
    expect(logs.stdout).toMatch(/--- restart 1 in 100ms \(always\): exited with code 1 ---/);
    expect(logs.stdout).toMatch(/gave up after 3 restarts/);
    const down = await run('down');
    expect(down.code, down.all).toBe(0);
    expect(pidsOfStack('heal')).toEqual([]);
  });

  it('a frozen service turns unhealthy; restart heals it; exec probes run in the service env', async () => {
    const [port] = await freePorts(1);
    await using s = tmpStack(
      `name: frozen
services:
  api:
    command: ${http(port!)}
    port: ${port}
    env: { PROBE_PORT: "\${port}" }
    ready: { exec: ["${node}", "-e", "require('net').connect(process.env.PROBE_PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"] }
    health: { http: /health, interval: 150ms, timeout: 300ms, retries: 2 }
`,
    );
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    const up = await run('up', '-d');
    expect(up.code, up.all).toBe(0);
    const pid = pidOf(s, 'frozen', 'api');
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(() => stateOf(s, 'frozen').services.api!.state === 'unhealthy', 10_000, 'api to turn unhealthy');
      const st = JSON.parse((await run('status', '--json')).stdout) as { services: { state: string; reason?: string }[] };
      expect(st.services[0]!.state).toBe('unhealthy');
      expect(st.services[0]!.reason).toMatch(/health check failed 2 times/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    process.kill(pid, 'SIGSTOP');
    const healed = await run('restart', 'api');
    expect(healed.code, healed.all).toBe(0);
    expect(pidAlive(pid)).toBe(false);
    expect(stateOf(s, 'frozen').services.api!.state).toBe('ready');
    expect(await get(port!, '/health')).toBe(200);
  });

  it('up --watch restarts exactly the service whose watched file changed, once', async () => {
    const [a, b] = await freePorts(2);
    await using s = tmpStack(
      `name: watched
services:
  a: { command: ${http(a!)}, port: ${a}, cwd: a, watch: ["src/**/*.txt"] }
  b: { command: ${http(b!)}, port: ${b}, cwd: b, watch: [src] }
`,
      { 'a/src/one.txt': '1', 'a/src/deep/two.txt': '2', 'a/node_modules/x.txt': 'x', 'b/src/x.txt': 'x' },
    );
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d', '--watch')).code).toBe(0);
    const pa = pidOf(s, 'watched', 'a');
    const pb = pidOf(s, 'watched', 'b');
    // a burst of writes is one change
    writeFileSync(join(s.dir, 'a/src/deep/two.txt'), '2b');
    writeFileSync(join(s.dir, 'a/src/one.txt'), '1b');
    await waitFor(() => stateOf(s, 'watched').services.a!.state === 'ready' && pidOf(s, 'watched', 'a') !== pa, 10_000, 'a to restart');
    const second = pidOf(s, 'watched', 'a');
    // ignored: node_modules, and files the glob does not match; then a watched one, whose
    // restart is the event to wait for: had the ignored writes counted, the canary's restart
    // would name them (one burst) or come with another; had the first burst restarted twice,
    // there would be three
    writeFileSync(join(s.dir, 'a/node_modules/x.txt'), 'y');
    writeFileSync(join(s.dir, 'a/src/one.md'), 'y');
    writeFileSync(join(s.dir, 'a/src/deep/two.txt'), '2c');
    await waitFor(() => stateOf(s, 'watched').services.a!.state === 'ready' && pidOf(s, 'watched', 'a') !== second, 10_000, 'a to restart on the canary');
    expect(pidOf(s, 'watched', 'b')).toBe(pb);
    const logs = await run('logs', 'a');
    const restarts = logs.stdout.match(/--- restart: changed: [^\n]* ---/g) ?? [];
    expect(restarts, logs.stdout).toHaveLength(2);
    expect(restarts[0]).toMatch(/--- restart: changed: (src\/deep\/two\.txt, src\/one\.txt|src\/one\.txt, src\/deep\/two\.txt) ---/);
    expect(restarts[1]).toBe('--- restart: changed: src/deep/two.txt ---');
  });

  it('up --watch skips a symlink loop in a watched folder, still restarts on a change, and stays small', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: loop\nservices:\n  a: { command: ${http(a!)}, port: ${a}, cwd: a, watch: [src] }\n`, { 'a/src/x.txt': 'x' });
    symlinkSync('..', join(s.dir, 'a/src/up'));
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 30_000 });
    const up = await run('up', '-d', '--watch');
    expect(up.code, up.all).toBe(0);
    const pa = pidOf(s, 'loop', 'a');
    writeFileSync(join(s.dir, 'a/src/x.txt'), 'y');
    await waitFor(() => stateOf(s, 'loop').services.a!.state === 'ready' && pidOf(s, 'loop', 'a') !== pa, 10_000, 'a to restart');
    const sup = stateOf(s, 'loop').supervisor.pid;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${sup}/status`, 'utf8'))?.[1]);
    expect(rssKb).toBeLessThan(200 * 1024);
    expect((await run('down')).code).toBe(0);
    expect(pidAlive(sup)).toBe(false);
  });

  it('up --watch says when a watched tree passes the bound on watched paths', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: huge\nservices:\n  a: { command: ${http(a!)}, port: ${a}, cwd: a, watch: [src] }\n`, { 'a/src/x.txt': 'x' });
    for (let d = 0; d < 41; d++) {
      mkdirSync(join(s.dir, `a/src/d${d}`));
      for (let f = 0; f < 500; f++) writeFileSync(join(s.dir, `a/src/d${d}/${f}`), '');
    }
    const up = await devnet(['up', '-d', '--watch', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 60_000 });
    expect(up.code, up.all).toBe(0);
    expect(up.all).toContain('a: watching stopped at 20000 paths; narrow its watch: patterns');
  }, 60_000);

  it('the control socket is 0600 in a 0700 folder, and commands say when no stack is up', async () => {
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: sock\nservices:\n  a: { command: ${http(port!)}, port: ${port} }\n`);
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    const notUp = await run('restart', 'a');
    expect(notUp.code).toBe(1);
    expect(notUp.stderr).toMatch(/stack sock is not up/);
    expect(notUp.stderr).toMatch(/devnet up starts it/);
    expect((await run('up', '-d')).code).toBe(0);
    const sock = stateOf(s, 'sock').control!;
    expect(statSync(sock).isSocket()).toBe(true);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(statSync(join(sock, '..')).mode & 0o777).toBe(0o700);
    const typo = await run('restart', 'aa');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no service "aa".*did you mean "a"/);
    expect((await run('down')).code).toBe(0);
    const after = await run('stop', 'a');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/not up/);
  });
});

describe('readiness probes and the log', () => {
  it('back off when the service answers badly, and stay out of the failure report', async () => {
    const [port] = await freePorts(1);
    const logger = `["${node}", "-e", "console.log('boot: config loaded'); require('http').createServer((q, r) => { r.statusCode = 404; r.end(); console.log('GET ' + q.url + ' 404'); }).listen(${port}, '127.0.0.1')"]`;
    await using s = tmpStack(`name: noisy\nservices:\n  api: { command: ${logger}, port: ${port}, ready: { http: /nope, timeout: 2s } }\n`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/service api not ready after 2s \(http http:\/\/127\.0\.0\.1:\d+\/nope: HTTP 404\)/);
    // the service's own line is shown; its probe requests are counted, not listed
    expect(up.stderr).toContain('boot: config loaded');
    expect(up.stderr).not.toContain('GET /nope 404');
    expect(up.stderr).toMatch(/\d+ lines? of readiness-probe requests not shown/);
    const logs = await devnet(['logs', 'api', '--stack', s.file], { cwd: s.dir, env: s.env });
    const probes = logs.stdout.split('\n').filter((l) => l.includes('GET /nope')).length;
    expect(probes).toBeGreaterThan(2);
    expect(probes).toBeLessThan(20);
  });
});
