// The control socket under a frozen supervisor, idle and malformed clients, and a wrong stack.
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlExchange, controlRequest } from '../../src/control/client.js';
import { ROOT, devnet, freePort, pidAlive, pidsOfStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;
type State = { supervisor: { pid: number }; control: string; services: Record<string, { pid: number }> };
const stateOf = (dir: string, id: string) => JSON.parse(readFileSync(join(dir, id, 'state.json'), 'utf8')) as State;

/** One request line, the first reply line. */
function rawRequest(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    sock.on('connect', () => sock.write(line));
    sock.on('data', (c) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        resolve(buf.slice(0, nl));
        sock.destroy();
      }
    });
    sock.on('error', reject);
  });
}

describe('a frozen supervisor', () => {
  it('is refused at once by restart, said by up, and stopped by down with its lock and socket cleared', async () => {
    await using s = tmpStack(`name: frozen\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const st = stateOf(s.stateDir, 'frozen');
    process.kill(st.supervisor.pid, 'SIGSTOP');
    try {
      const r = await devnet(['restart', 'a', '--stack', s.file], { ...o, timeout: 20_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the devnet that runs stack frozen (pid ${st.supervisor.pid}) is frozen`);
      const up = await devnet(['up', '-d', '--stack', s.file], { ...o, timeout: 20_000 });
      expect(up.stderr).toContain('is frozen');
      const t0 = Date.now();
      const down = await devnet(['down', '--stack', s.file], { ...o, timeout: 30_000 });
      expect(down.code, down.all).toBe(0);
      // woken (SIGCONT) with its SIGTERM, it stops the stack itself: no grace period waited out
      expect(Date.now() - t0).toBeLessThan(15_000);
      await waitFor(() => !pidAlive(st.supervisor.pid), 5000, 'the supervisor to be gone');
      expect(pidsOfStack('frozen')).toEqual([]);
      expect(() => readFileSync(join(s.stateDir, 'frozen', 'lock'))).toThrow();
      expect(() => readFileSync(st.control)).toThrow();
    } finally {
      try {
        process.kill(st.supervisor.pid, 'SIGCONT');
      } catch {
        // gone
      }
    }
  });
});

describe('the control socket', () => {
  it('drops idle clients, answers a malformed request with one line, and still serves requests', async () => {
    await using s = tmpStack(`name: sockets\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const st = stateOf(s.stateDir, 'sockets');
    const idle = Array.from({ length: 200 }, () => connect(st.control).on('error', () => {}));
    try {
      const bad = JSON.parse(await rawRequest(st.control, 'garbage\n')) as { type: string; error: { message: string } };
      expect(bad.type).toBe('error');
      expect(bad.error.message).toBe('not a devnet control request: not JSON');
      const op = JSON.parse(await rawRequest(st.control, '{"op":"format-disk"}\n')) as { error: { message: string } };
      expect(op.error.message).toContain('unknown op');
      // the idle ones are closed by the supervisor after its request wait
      await waitFor(() => idle.every((c) => c.destroyed || c.readableEnded), 15_000, 'idle clients to be dropped');
      const r = await devnet(['restart', 'a', '--stack', s.file], o);
      expect(r.code, r.all).toBe(0);
      expect(pidAlive(st.supervisor.pid)).toBe(true);
    } finally {
      for (const c of idle) c.destroy();
    }
  });

  it('answers a down once every service is gone, with its proof that each port binds', async () => {
    const port = await freePort();
    const server = join(ROOT, 'test/fixtures/services/http.mjs');
    await using s = tmpStack(`name: provendown\nservices:\n  web: { command: "${node} ${server} \${port}", port: ${port}, ready: { http: /health } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const st = stateOf(s.stateDir, 'provendown');
    const answer = await controlExchange(st.control, { op: 'down', stateDir: join(s.stateDir, 'provendown') });
    expect(answer.proven).toBe(true);
    expect(pidAlive(st.services.web!.pid)).toBe(false);
    await waitFor(() => !pidAlive(st.supervisor.pid), 5000, 'the supervisor to be gone');
    // what down does after such an answer: the run is over, nothing is left to stop
    const down = await devnet(['down', '--stack', s.file], o);
    expect(down.code, down.all).toBe(0);
    expect(pidsOfStack('provendown')).toEqual([]);
  });

  it('refuses a request meant for another stack', async () => {
    await using s = tmpStack(`name: wrongsock\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const st = stateOf(s.stateDir, 'wrongsock');
    const pid = st.services.a!.pid;
    await expect(controlRequest(st.control, { op: 'restart', services: ['a'], stateDir: '/elsewhere/other' })).rejects.toThrow(/runs stack wrongsock .* not the one asked for/);
    expect(stateOf(s.stateDir, 'wrongsock').services.a!.pid).toBe(pid);
  });

  it('gives up on a supervisor that accepts and never answers', async () => {
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'devnet-mute-'));
    const path = join(dir, 's.sock');
    const server = createServer(() => {}).listen(path);
    await new Promise((r) => server.once('listening', r));
    try {
      const t0 = Date.now();
      await expect(controlRequest(path, { op: 'ping' }, undefined, undefined, 300)).rejects.toThrow(/stopped answering .* frozen or wedged/);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      server.close();
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the control socket of a deep state folder', () => {
  it('is made in a folder of its own when another user made the shared temp folder first', async () => {
    const { mkdtempSync, mkdirSync, chownSync, rmSync, existsSync, statSync } = await import('node:fs');
    const tmp = mkdtempSync(join((await import('node:os')).tmpdir(), 'devnet-tmp-'));
    const uid = process.getuid!();
    const squat = join(tmp, `devnet-${uid}`);
    mkdirSync(squat, { mode: 0o777 });
    if (uid === 0) chownSync(squat, 65534, 65534);
    const deep = join(tmp, 'state', 'x'.repeat(120));
    await using s = tmpStack(`name: squatted\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    const o = { cwd: s.dir, env: { DEVNET_STATE_DIR: deep, TMPDIR: tmp } };
    try {
      const up = await devnet(['up', '-d', '--stack', s.file], o);
      expect(up.code, up.all).toBe(0);
      const st = stateOf(deep, 'squatted');
      expect(st.control.startsWith(join(tmp, `devnet-${uid}-`))).toBe(true);
      expect(statSync(join(st.control, '..')).mode & 0o777).toBe(0o700);
      expect((await devnet(['restart', 'a', '--stack', s.file], o)).code).toBe(0);
      expect((await devnet(['down', '--stack', s.file], o)).code).toBe(0);
      expect(existsSync(join(st.control, '..'))).toBe(false);
    } finally {
      await devnet(['down', '--stack', s.file], o);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
