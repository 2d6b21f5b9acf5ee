// devnet up / down / status / logs with real processes: order, readiness, rollback,
// and nothing left behind.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readState, writeState } from '../../src/state/store.js';
import { devnet, devnetProcess, fixture, freePorts, freePortsAt, holdPort, pidAlive, tmpStack, waitFor, type TmpStack } from '../helpers.js';

const node = process.execPath;
const http = (port: string, extra = '') => `"${node} ${fixture('http.mjs')} ${port}${extra}"`;
interface Echo {
  pid: number;
  started: number;
  listening: number;
  argv: string[];
  env: Record<string, string>;
}
const getJson = async (port: number): Promise<Echo> => (await fetch(`http://127.0.0.1:${port}/`)).json() as Promise<Echo>;
const stateOf = (stateDir: string, stack: string) => readState(join(stateDir, stack, 'state.json'))!;

describe('devnet up and down', () => {
  it('starts a dependency chain in order and independent services at once', async () => {
    const [a, b, c] = await freePorts(3);
    await using s = tmpStack(`name: order
services:
  a: { command: ${http('${port}', ' --delay 600')}, port: ${a}, ready: { http: /health } }
  b: { command: ${http('${port}', ' --delay 600')}, port: ${b}, ready: { http: /health } }
  c: { command: ${http('${port}')}, port: ${c}, depends_on: [a, b], ready: { http: /health } }
`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const [ja, jb, jc] = await Promise.all([getJson(a!), getJson(b!), getJson(c!)]);
    // a and b overlap: each started before the other was listening
    expect(ja.started).toBeLessThan(jb.listening);
    expect(jb.started).toBeLessThan(ja.listening);
    // c started only after both were ready
    expect(jc.started).toBeGreaterThanOrEqual(Math.max(ja.listening, jb.listening));
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    for (const j of [ja, jb, jc]) expect(pidAlive(j.pid)).toBe(false);
  });

  it('stops a service and the child it spawned', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: tree\nservices:\n  parent: { command: "${node} ${fixture('spawn-child.mjs')} \${port}", port: ${p} }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const child = (await getJson(p!)).pid as number;
    const parent = stateOf(s.stateDir, 'tree').services.parent!.pid!;
    expect(pidAlive(child) && pidAlive(parent)).toBe(true);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(down.stdout).toContain('all ports free');
    expect(pidAlive(child)).toBe(false);
    expect(pidAlive(parent)).toBe(false);
  });

  it('rolls everything back when a service fails, showing its last log lines', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: fail
services:
  a: { command: ${http('${port}')}, port: ${a} }
  b: { command: "${node} ${fixture('exit-early.mjs')}", depends_on: [a], ready: { log: never } }
  c: { command: "${node} -e 0", depends_on: [b] }
  d: { command: "${node} -e 0", depends_on: [c] }
`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('service b exited with code 3 before it was ready');
    expect(up.stderr).toContain('last 20 log lines of b');
    expect(up.stderr).toContain('fatal: cannot open database');
    expect(up.stderr).not.toContain('boot line 5\n');
    const st = stateOf(s.stateDir, 'fail');
    expect(pidAlive(st.services.a!.pid!)).toBe(false);
    expect(st.services.a!.state).toBe('stopped');
    expect(st.services.c!.pid).toBeUndefined(); // the dependents of the failed service never started
    expect(st.services.d!.state).toBe('stopped');
  });

  it('leaves nothing behind when the foreground up was killed with SIGKILL', async () => {
    const [a, b] = await freePorts(2);
    await using s = tmpStack(`name: k9
services:
  a: { command: "${node} ${fixture('spawn-child.mjs')} \${port}", port: ${a} }
  b: { command: ${http('${port}')}, port: ${b}, depends_on: [a] }
`);
    const fg = devnetProcess(['up', '--stack', s.file], { cwd: s.dir, env: s.env });
    await waitFor(() => existsReady(s.stateDir, 'k9', ['a', 'b']), 20_000, 'both services ready');
    const pids = [(await getJson(a!)).pid, (await getJson(b!)).pid, ...Object.values(stateOf(s.stateDir, 'k9').services).map((r) => r.pid!)];
    fg.kill('SIGKILL');
    await fg;
    expect(pids.every(pidAlive)).toBe(true); // the services outlive their CLI...
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(pids.filter(pidAlive)).toEqual([]); // ...until devnet down
  });

  it('answers a second up of a running stack with nothing to do, exit 0, and leaves it as it is', async () => {
    const a = await freePortsAt([0, 1]);
    await using s = tmpStack(`name: twice\nservices:\n  a: { command: ${http('${port}')}, port: ${a} }\n  b: { command: ${http('${port}')}, port: ${a! + 1}, profiles: [extra] }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const before = stateOf(s.stateDir, 'twice');
    for (const args of [['up', '-d'], ['up']]) {
      const again = await devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(again.code, again.all).toBe(0);
      expect(again.stdout).toContain('stack twice is up: 1 service running, nothing to do');
    }
    expect(stateOf(s.stateDir, 'twice').services.a!.pid).toBe(before.services.a!.pid);
    expect(stateOf(s.stateDir, 'twice').runId).toBe(before.runId);
    // a service the running stack lacks is added to it, and the rest left as it is
    const more = await devnet(['up', '-d', '--profile', 'extra', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(more.code, more.all).toBe(0);
    expect(more.stdout).toContain('started b on stack twice');
    expect(stateOf(s.stateDir, 'twice').services.a!.pid).toBe(before.services.a!.pid);
    expect(stateOf(s.stateDir, 'twice').services.b!.state).toBe('ready');
  });

  it('never signals a pid whose start time differs from the state', async () => {
    await using s = tmpStack('name: reuse\nservices:\n  a: { command: x }\n');
    // an unrelated process whose pid the state claims, with another start time: a reused pid
    const stranger = execa('sleep', ['30'], { reject: false });
    try {
      const { identityOf } = await import('../../src/platform/identity.js');
      const id = identityOf(stranger.pid!)!;
      const fake = { pid: id.pid, startTime: id.startTime + 1 };
      writeState(join(s.stateDir, 'reuse', 'state.json'), {
        version: 1, stack: 'reuse', stackId: 'reuse', stackFile: s.file, runId: 'old-run', supervisor: fake, startedAt: new Date().toISOString(), order: ['a'],
        services: { a: { name: 'a', state: 'ready', ...fake, pgid: fake.pid, ports: {}, logFile: '/dev/null', stopTimeoutMs: 100, dependsOn: [] } },
      });
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(down.stdout).toContain('not up');
      expect(pidAlive(stranger.pid!)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
      await stranger;
    }
  });

  it('remaps a busy port and carries it into a dependent env', async () => {
    const [a, b] = await freePorts(2);
    await using _busy = await holdPort(a!);
    await using s = tmpStack(`name: remap
services:
  a: { command: ${http('${port}')}, port: ${a} }
  b:
    command: ${http('${port}')}
    port: ${b}
    depends_on: [a]
    env: { A_URL: "http://127.0.0.1:\${services.a.port}", ECHO_ENV: A_URL }
`);
    const refused = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`port ${a} (a) is held by pid ${process.pid}`);
    expect(refused.stderr).toContain('--remap');
    const up = await devnet(['up', '-d', '--remap', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const moved = stateOf(s.stateDir, 'remap').services.a!.ports.default!;
    expect(moved).not.toBe(a);
    expect(up.stdout).toContain(`a port ${a} is busy: using ${moved}`);
    expect((await getJson(b!)).env.A_URL).toBe(`http://127.0.0.1:${moved}`);
  });

  it('does not take a stray listener on the port for the service being ready', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: stray\nservices:\n  a: { command: "${node} ${fixture('ignore-term.mjs')}", port: ${p}, ready: { tcp: true, timeout: 2s }, stop_timeout: 1 }\n`);
    const fg = devnetProcess(['up', '--stack', s.file], { cwd: s.dir, env: s.env });
    await waitFor(() => existsState(s.stateDir, 'stray') && stateOf(s.stateDir, 'stray').services.a!.state === 'running', 10_000, 'a running');
    await using _stray = await holdPort(p!);
    const r = await fg;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain(`port ${p} answers, but not from this service's processes`);
  });

  it('accepts a listener outside the tree when the stack says ready.owned: false (a proxy)', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: proxied\nservices:\n  a: { command: "${node} ${fixture('ignore-term.mjs')}", port: ${p}, ready: { tcp: true, owned: false, timeout: 10s }, stop_timeout: 1 }\n`);
    const fg = devnetProcess(['up', '--stack', s.file], { cwd: s.dir, env: s.env });
    await waitFor(() => existsState(s.stateDir, 'proxied') && stateOf(s.stateDir, 'proxied').services.a!.state === 'running', 10_000, 'a running');
    await using _proxy = await holdPort(p!);
    await waitFor(() => stateOf(s.stateDir, 'proxied').services.a!.state === 'ready', 10_000, 'a ready through the proxy');
    fg.kill('SIGTERM');
    expect((await fg).exitCode).toBe(0);
  });

  it('kills a service that ignores SIGTERM after its stop_timeout', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: stubborn\nservices:\n  a: { command: "${node} ${fixture('ignore-term.mjs')} \${port}", port: ${p}, stop_timeout: 500ms }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const pid = stateOf(s.stateDir, 'stubborn').services.a!.pid!;
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(pidAlive(pid)).toBe(false);
  });

  it('stops a service with its stop_signal or its stop_command, without the SIGKILL its SIGTERM would need', async () => {
    const [p, q] = await freePorts(2);
    const ignoring = `${node} ${fixture('ignore-term.mjs')} \${port}`;
    await using s = tmpStack(
      `name: stopby\nservices:\n` +
        `  sig: { command: "${ignoring}", port: ${p}, stop_signal: SIGINT, stop_timeout: 20s }\n` +
        // the command stops it by its pid file, as pg_ctl stop or redis-cli shutdown would
        `  cmd: { command: "${ignoring}", port: ${q}, stop_command: "sh -c 'kill -INT $(cat cmd.pid)'", stop_timeout: 20s }\n`,
    );
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    writeFileSync(join(s.dir, 'cmd.pid'), String(stateOf(s.stateDir, 'stopby').services.cmd!.pid));
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(down.stdout).toContain('stack stopby is down; all ports free');
    // SIGTERM alone would have waited out the 20 s and then killed them, and said so
    expect(down.stdout).not.toContain('killed after its grace period');
    const logs = (await devnet(['logs', '--stack', s.file], { cwd: s.dir, env: s.env })).stdout;
    expect(logs).not.toContain('ignoring SIGTERM');
  });

  it('sends each service of a wave its stop signal once, whether it takes its time or exits at once', async () => {
    // a second SIGTERM is "now, no cleanup" to many programs: neither the supervisor's proof
    // nor down's own look may send another to a service that is taking its time
    const counting = (sig: string, ms: number) => `["${node}", "-e", "let n = 0; process.on('${sig}', () => { console.log('got ${sig} ' + ++n); setTimeout(() => process.exit(0), ${ms}); }); console.log('up'); setInterval(() => {}, 1000)"]`;
    await using s = tmpStack(
      `name: oncesig\nservices:\n` +
        `  slow: { command: ${counting('SIGTERM', 300)}, ready: { log: up } }\n` +
        `  quick: { command: ${counting('SIGTERM', 0)}, ready: { log: up } }\n` +
        `  int: { command: ${counting('SIGINT', 300)}, ready: { log: up }, stop_signal: SIGINT }\n`,
    );
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    for (const svc of ['slow', 'quick', 'int']) expect(down.stdout).toMatch(new RegExp(`stop +${svc}\\b`));
    const logs = (await devnet(['logs', '--stack', s.file, '--no-prefix'], { cwd: s.dir, env: s.env })).stdout;
    expect(logs.match(/got SIG\w+ \d/g)?.sort()).toEqual(['got SIGINT 1', 'got SIGTERM 1', 'got SIGTERM 1']);
  });

  /** Up a service whose child escapes into its own session; returns the escaped child's pid. */
  async function upWithEscapedChild(s: TmpStack, port: number): Promise<number> {
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.ok === true, 10_000, 'the escaped child listening');
    return (await getJson(port)).pid;
  }
  const escaperStack = (name: string, port: number, mode: string) =>
    tmpStack(`name: ${name}\nservices:\n  a: { command: "${node} ${fixture('escape-group.mjs')} \${port} ${mode}", port: ${port}, ready: { log: escaped } }\n`);

  it('stops a process that left its group, session and marker, re-parented to its service by the subreaper', async () => {
    const [p] = await freePorts(1);
    await using s = escaperStack('reaped', p!, '--orphan');
    const escaped = await upWithEscapedChild(s, p!);
    try {
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(down.stdout).toContain('all ports free');
      expect(pidAlive(escaped)).toBe(false);
    } finally {
      if (pidAlive(escaped)) process.kill(escaped, 'SIGKILL');
    }
  });

  it('reports a port still held by a process that escaped, with exit 1 (no subreaper helper)', async () => {
    const [p] = await freePorts(1);
    await using s = escaperStack('escape', p!, '--orphan');
    s.env.DEVNET_SUBREAPER = '0';
    const escaped = await upWithEscapedChild(s, p!);
    try {
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain(`port ${p} (a) is still held by pid ${escaped}`);
    } finally {
      process.kill(escaped, 'SIGKILL');
    }
  });

  it('stops an escaped child that still carries its run marker (found by the marker alone, as on macOS)', async () => {
    const [p] = await freePorts(1);
    await using s = escaperStack('marked', p!, '');
    // without the subreaper the marker is all that finds it: /proc/PID/environ, or ps eww on the POSIX backend
    s.env.DEVNET_SUBREAPER = '0';
    const escaped = await upWithEscapedChild(s, p!);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(pidAlive(escaped)).toBe(false);
  });

  it('takes over a stale lock whose devnet is gone', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: stale\nservices:\n  a: { command: ${http('${port}')}, port: ${p} }\n`);
    mkdirSync(join(s.stateDir, 'stale'), { recursive: true });
    writeFileSync(join(s.stateDir, 'stale', 'lock'), JSON.stringify({ pid: 999999, startTime: 1, runId: 'dead', stackId: 'stale', acquiredAt: '2026-01-01T00:00:00Z' }));
    const doctor = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(doctor.stdout).toContain('stale devnet lock of pid 999999 (gone)');
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
  });

  it('runs a command through a shell only when the stack asks for it', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: sh\nservices:\n  a: { command: "echo sum=$((1+2)) && exec ${node} ${fixture('http.mjs')} \${port}", shell: true, port: ${p}, ready: { log: "sum=3" } }\n`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    expect(up.stdout).toMatch(/start\s+a \(pid \d+\): echo sum=\$\(\(1\+2\)\)/);
  });

  it('follows the logs until the stack is down', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: follow\nservices:\n  a: { command: ${http('${port}')}, port: ${p} }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const follow = devnetProcess(['logs', '-f', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 20_000 });
    await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    const r = await follow;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain(`a | listening on 127.0.0.1:${p}`);
  });

  it('runs a one-shot task to completion before its dependents, and reads readiness from a log line', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: oneshot
services:
  migrate: { command: "${node} -e \\"console.log('migrated')\\"", ready: { exit: true } }
  api:
    command: ${http('${port}')}
    port: ${p}
    depends_on: { migrate: { condition: completed } }
    ready: { log: "listening on" }
`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const st = stateOf(s.stateDir, 'oneshot');
    expect(st.services.migrate).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(st.order).toEqual(['migrate', 'api']);
  });

  it('shows status as JSON and logs with prefixes, with secrets from env files redacted', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(
      `name: look\nenv_file: .env\nservices:\n  a: { command: "${node} -e \\"console.log('token is', process.env.API_TOKEN); require('http').createServer((q,r)=>r.end('ok')).listen(${p}, '127.0.0.1')\\"", port: ${p}, url: / }\n`,
      { '.env': 'API_TOKEN=s3cr3t-value-123\n' },
    );
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const st = JSON.parse((await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env })).stdout);
    expect(st).toMatchObject({ stack: 'look', services: [{ name: 'a', state: 'ready', ports: { default: p }, url: `http://127.0.0.1:${p}/` }] });
    expect(pidAlive(st.services[0].pid)).toBe(true);
    await waitFor(() => readFileSync(join(s.stateDir, 'look', 'logs', 'a.log'), 'utf8').includes('token is'), 5000, 'the log line');
    const logs = await devnet(['logs', '-n', '5', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(logs.stdout).toBe('a | token is ***');
  });

  it('passes interpolated values as one argument, never through a shell', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: inject\nenv: { NAME: "x; touch pwned" }\nservices:\n  a: { command: ${http('${port}', ' ${env.NAME}')}, port: ${p} }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    expect((await getJson(p!)).argv).toEqual([String(p), 'x; touch pwned']);
  });

  it('layers env: process, stack env files, stack env, service env files, service env', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(
      `name: layers
env_file: .env
env: { B: stack, C: stack }
services:
  a:
    command: ${http('${port}')}
    port: ${p}
    env_file: svc.env
    env: { D: service, ECHO_ENV: "FROM_PROCESS,A,B,C,D,PORT_SEEN" , PORT_SEEN: "\${port}" }
`,
      { '.env': 'A=file\nB=file\nC=file\nD=file\nFROM_PROCESS=file\n', 'svc.env': 'C=svcfile\nD=svcfile\n' },
    );
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, FROM_PROCESS: 'process' } });
    expect(up.code, up.all).toBe(0);
    expect((await getJson(p!)).env).toEqual({ FROM_PROCESS: 'file', A: 'file', B: 'stack', C: 'svcfile', D: 'service', PORT_SEEN: String(p) });
  });

  it('prints JSON and nothing else under --json', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: json\nservices:\n  a: { command: ${http('${port}')}, port: ${p}, ready: { http: /health } }\n`);
    const up = await devnet(['up', '-d', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ stack: 'json', services: [{ name: 'a', state: 'ready', ports: { default: p }, url: `http://127.0.0.1:${p}/health` }] });
    const down = await devnet(['down', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual({ stack: 'json', wasUp: true, stopped: ['a'], held: [], survivors: [] });
  });

  it('says so when down finds nothing running', async () => {
    await using s = tmpStack('name: idle\nservices: {}\n');
    const r = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stack idle is not up; nothing to stop');
  });
});

function existsState(stateDir: string, stack: string): boolean {
  try {
    return !!readState(join(stateDir, stack, 'state.json'));
  } catch {
    return false;
  }
}

function existsReady(stateDir: string, stack: string, names: string[]): boolean {
  return existsState(stateDir, stack) && names.every((n) => stateOf(stateDir, stack).services[n]?.state === 'ready');
}
