// Small promises of the CLI, each found by trying it as a new user would.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, devnet, freePorts, holdPort, pidsOfStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;

describe('the command line', () => {
  it('refuses --only with no names instead of starting everything', async () => {
    await using s = tmpStack(`name: onlyempty\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = await devnet(['up', '-d', '--only', '', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--only needs service names');
  });

  it('splits --profile a,b like --only, and calls a finished one-shot task completed', async () => {
    await using s = tmpStack(`name: profiles
services:
  base: { command: "true", ready: { exit: true } }
  x: { command: ${sleeper}, ready: { log: up }, profiles: [one] }
  y: { command: ${sleeper}, ready: { log: up }, profiles: [two] }
`);
    const r = await devnet(['up', '-d', '--profile', 'one,two', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('3 services ready');
    expect(r.stdout).toMatch(/done\s+base completed in/);
    const st = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((JSON.parse(st.stdout) as { services: { name: string; state: string }[] }).services.map((x) => `${x.name}:${x.state}`).sort()).toEqual(['base:completed', 'x:ready', 'y:ready']);
  });

  it('prints a JSON error object when up --json fails', async () => {
    const [p] = await freePorts(1);
    await using held = await holdPort(p!);
    await using s = tmpStack(`name: jsonfail\nservices:\n  a: { command: ${sleeper}, port: ${p} }\n`);
    const r = await devnet(['up', '-d', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { kind: string; lines: string[] } };
    expect(out.ok).toBe(false);
    expect(out.error.kind).toBe('PreflightError');
    expect(out.error.lines[0]).toContain(`port ${p} (a) is held by pid ${process.pid}`);
    void held;
  });

  it('says a stack is down when asked to follow its logs', async () => {
    await using s = tmpStack(`name: follow\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = await devnet(['logs', '-f', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 5000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('stack follow is not up: nothing to follow');
  });

  it('says "1 service", not "1 services"', async () => {
    await using s = tmpStack(`name: one\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).toContain('1 service ready');
  });

  it('writes a .gitignore into a project\'s .devnet/ so git status stays clean', async () => {
    await using s = tmpStack(`name: ignored\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const env = { DEVNET_STATE_DIR: '' };
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env });
    try {
      expect(r.code, r.all).toBe(0);
      expect(readFileSync(join(s.dir, '.devnet', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    } finally {
      await devnet(['down', '--stack', s.file], { cwd: s.dir, env });
    }
  });

  it('says it uses the shipped demo stack on up and doctor only, never on status, --help or --version', async () => {
    const cwd = join(ROOT, 'test', 'fixtures');
    expect(existsSync(join(cwd, 'devnet.yaml'))).toBe(false);
    for (const args of [['status'], ['--help'], ['--version'], ['ports']]) expect((await devnet(args, { cwd })).stderr, args.join(' ')).not.toContain('shipped demo stack');
    expect((await devnet(['doctor'], { cwd })).stderr).toContain("using devnet's shipped demo stack");
  });

  it('lists --stack and --port-offset in the top-level help', async () => {
    const r = await devnet(['--help']);
    expect(r.stdout).toContain('-s, --stack <file|name>');
    expect(r.stdout).toContain('--port-offset <n>');
  });

  it('points status and logs at the copy that is up when the addressed one is not', async () => {
    await using s = tmpStack(`name: copies\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    expect((await devnet(['down', '--stack', s.file], o)).code).toBe(0);
    expect((await devnet(['up', '-d', '--stack', s.file, '--port-offset', '33000'], o)).code).toBe(0);
    try {
      const st = await devnet(['status', '--stack', s.file], o);
      expect(st.stderr).toContain('note: stack copies is not up; below is its last run. stack copies+33000 is up');
      expect(st.stderr).toContain('--port-offset 33000');
      const lg = await devnet(['logs', '-n', '1', '--stack', s.file], o);
      expect(lg.stderr).toContain('note: stack copies is not up; these lines are from its last run. stack copies+33000 is up');
      const js = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { note?: string };
      expect(js.note).toContain('--port-offset 33000');
    } finally {
      await devnet(['down', '--stack', s.file, '--port-offset', '33000'], o);
    }
  });

  it('names the services and the nearest one when logs is asked for an unknown service', async () => {
    await using s = tmpStack(`name: lognames\nservices:\n  api: { command: ${sleeper}, ready: { log: up } }\n  web: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = await devnet(['logs', 'apii', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stack lognames has no service "apii" (did you mean "api"?)');
    expect(r.stderr).toContain('hint: its services: api, web');
  });

  it('says so when logs -f ends because the stack went down', async () => {
    await using s = tmpStack(`name: followend\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const follow = devnet(['logs', '-f', '--stack', s.file], { ...o, timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await devnet(['down', '--stack', s.file], o)).code).toBe(0);
    const r = await follow;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('stack followend is down: no more lines to follow');
  });

  it('writes a marker into the service log when devnet stops it, as restart does', async () => {
    await using s = tmpStack(`name: stopmark\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    expect((await devnet(['stop', 'a', '--stack', s.file], o)).code).toBe(0);
    const logs = await devnet(['logs', 'a', '--stack', s.file], o);
    expect(logs.stdout).toContain('--- stop: asked by devnet stop ---');
    const st = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { lastExit: { stopped?: boolean } }[] };
    expect(st.services[0]!.lastExit.stopped).toBe(true);
    expect((await devnet(['status', '--stack', s.file], o)).stdout).toMatch(/\((stop)\)/);
  });

  it("shows a restart's last lines from the run that ended, not from the runs before it", async () => {
    await using s = tmpStack(`name: lastlines
services:
  a:
    command: ["${process.execPath}", "-e", "console.log('up'); setTimeout(() => { console.log('boom'); process.exit(1); }, 200)"]
    ready: { log: up }
    restart: on-failure
    max_restarts: 2
    backoff: 100ms
`);
    const r = await devnet(['up', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 30_000 });
    expect(r.code).toBe(1);
    const tails = [...r.stdout.matchAll(/last lines:\n((?: {9}.*\n?)+)/g)].map((m) => m[1]!.trim().split(/\s+/));
    expect(tails.length).toBeGreaterThanOrEqual(2);
    for (const t of tails) expect(t).toEqual(['up', 'boom']);
  });

  it('quotes a name with a newline in one line, and calls a cwd that is a file a file', async () => {
    await using s = tmpStack(`name: odd\nservices:\n  a: { command: ${sleeper}, cwd: afile }\n`, { afile: 'x' });
    const r = await devnet(['logs', 'a\nb', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain('has no service "a\\nb"');
    const doc = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(doc.stdout).toMatch(/working directory afile is a file, not a directory/);
  });

  it('shows a ready service whose port a stray took since, and down does not blame the stray as its own', async () => {
    const [p] = await freePorts(1);
    // it listens, then closes its port after a moment and idles on
    const closer = `["${process.execPath}", "-e", "const s = require('net').createServer().listen(${p}, '127.0.0.1', () => console.log('up')); setTimeout(() => s.close(), 300); setInterval(() => {}, 1000)"]`;
    await using s = tmpStack(`name: stray\nservices:\n  a: { command: ${closer}, port: ${p}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    await waitFor(async () => /port \d+ is not listening/.test((await devnet(['status', '--stack', s.file], o)).stdout), 5000, 'the lost port');
    await using held = await holdPort(p!);
    const st = await devnet(['status', '--stack', s.file], o);
    expect(st.stdout).toMatch(/a\s+ready, port lost/);
    expect(st.stdout).toContain(`a: port ${p} is held by pid ${process.pid}`);
    const down = await devnet(['down', '--stack', s.file], o);
    expect(down.code, down.all).toBe(0);
    expect(down.stderr).toContain(`is held by pid ${process.pid}`);
    expect(down.stderr).toContain('which is not this stack');
    expect(down.stderr).not.toContain('escaped');
    void held;
  });

  const python = spawnSync('python3', ['-c', '0']).status === 0;
  const inPty = (cols: number, wait: string, args: string[], env: Record<string, string>) =>
    JSON.parse(
      execFileSync('python3', [join(ROOT, 'test', 'fixtures', 'services', 'pty-run.py'), String(cols), wait, '15', '--', process.execPath, join(ROOT, 'bin', 'devnet.cjs'), ...args], {
        env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', DEVNET_STACK: '', ...env },
        encoding: 'utf8',
        timeout: 40_000,
      }),
    ) as { signal: number | null; code: number | null; output: string };

  it('stops the stack when its terminal closes under a foreground up, and ends by the hangup, not an abort', async (t) => {
    if (!python) return t.skip();
    await using s = tmpStack(`name: hangup\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = inPty(100, 'ready', ['up', '--stack', s.file], s.env);
    expect(r.signal, r.output).toBe(1); // SIGHUP, not SIGABRT (6)
    await waitFor(() => pidsOfStack('hangup').length === 0, 10_000, 'the stack to be stopped');
  });

  it('prints plain lines on a terminal of 0 columns, not one character a line', async (t) => {
    if (!python) return t.skip();
    await using s = tmpStack(`name: narrow\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const r = inPty(0, 'SERVICE', ['up', '-d', '--stack', s.file], s.env);
    const text = r.output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text).toMatch(/ready\s+a in \d/);
    expect(Math.max(...text.split(/\r?\n/).map((l) => l.length))).toBeGreaterThan(10);
  });

  it('says each thing once and as typed: a one-shot task, quoted commands, grace periods, a missing program', async () => {
    await using s = tmpStack(`name: wording
services:
  migrate: { command: ["${process.execPath}", "-e", "console.log('migrated')"], ready: { exit: true } }
  api: { command: ["${process.execPath}", "-e", "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: up }, depends_on: { migrate: { condition: completed } } }
  gone: { command: no-such-program-anywhere, status: planned }
`);
    const o = { cwd: s.dir, env: s.env };
    const up = await devnet(['up', '-d', '--stack', s.file], o);
    expect(up.code, up.all).toBe(0);
    expect(up.stdout).toMatch(/done\s+migrate completed in/);
    expect(up.stdout).not.toMatch(/migrate with code 0/);
    expect(up.stdout).toContain(`-e "console.log('migrated')"`);
    // the URL table has no row for the finished task
    expect(up.stdout.slice(up.stdout.indexOf('SERVICE'))).not.toMatch(/^migrate\s/m);
    const down = await devnet(['down', '--stack', s.file], o);
    expect(down.stdout).toMatch(/waiting up to \d+s\b/);
    expect(down.stdout).not.toMatch(/\d\.0s/);
    await using t = tmpStack('name: missing\nservices:\n  a: { command: no-such-program-anywhere }\n');
    const doc = await devnet(['doctor', '--stack', t.file], { cwd: t.dir, env: t.env });
    expect(doc.stdout).toContain("program no-such-program-anywhere not found on PATH (node_modules/.bin first); install it, or fix the service's command");
    await using u = tmpStack(`name: oneline\nservices:\n  a: { command: ["${process.execPath}", "-e", "console.log('only line'); process.exit(3)"], ready: { log: never } }\n`);
    const failed = await devnet(['up', '-d', '--stack', u.file], { cwd: u.dir, env: u.env });
    expect(failed.stderr).toContain('last log line of a:');
  });

  it('ends the --help of every command with examples', async () => {
    for (const cmd of ['up', 'start', 'stop', 'restart', 'down', 'status', 'ls', 'logs', 'doctor', 'ports', 'import', 'export']) {
      const r = await devnet([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/\nExamples:\n {2}devnet \S+/);
    }
  });
});

