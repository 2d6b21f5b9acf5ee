// A foreground up supervises until it is stopped: a closed stdout does not end it, and a
// second Ctrl-C ends the grace periods.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { CLI, devnet, pidAlive, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;
const stubborn = `["${node}", "-e", "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"]`;

function foregroundUp(s: { file: string; dir: string; env: Record<string, string> }) {
  const child = spawn(node, [CLI, 'up', '--stack', s.file], { cwd: s.dir, env: { ...process.env, ...s.env, NO_COLOR: '1', DEVNET_STACK: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited };
}

describe('a foreground up', () => {
  it('keeps supervising when its stdout is closed (devnet up | head -1), until down', async () => {
    await using s = tmpStack(`name: headed\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n  b: { command: ${sleeper}, depends_on: [a], ready: { log: up } }\n`);
    const { child, exited } = foregroundUp(s);
    try {
      // head -1: read one line, then close the pipe
      await new Promise<void>((r) => child.stdout!.once('data', () => r()));
      child.stdout!.destroy();
      await waitFor(() => readState(join(s.stateDir, 'headed', 'state.json'))?.services.b?.state === 'ready', 10_000, 'b to be ready');
      const st = await devnet(['status', '--stack', s.file, '--json'], { cwd: s.dir, env: s.env });
      // a status later (the supervisor wrote since the pipe closed): still alive
      expect(pidAlive(child.pid!)).toBe(true);
      expect((JSON.parse(st.stdout) as { services: { state: string }[] }).services.map((x) => x.state)).toEqual(['ready', 'ready']);
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(await exited).toBe(0);
      expect(pidsOfStack('headed')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      reapStack('headed');
    }
  });

  it('finishes its stop when stdout and stderr are both gone (devnet up 2>&1 | tee, Ctrl-C)', async () => {
    const slow = `["${node}", "-e", "process.on('SIGTERM', () => { console.error('stopping'); setTimeout(() => process.exit(0), 1000) }); console.log('up'); setInterval(() => console.error('tick'), 50)"]`;
    await using s = tmpStack(`name: teed\nservices:\n  a: { command: ${slow}, ready: { log: up } }\n`);
    const { child, exited } = foregroundUp(s);
    try {
      await waitFor(() => readState(join(s.stateDir, 'teed', 'state.json'))?.services.a?.state === 'ready', 10_000, 'a to be ready');
      // tee dies first: both pipes close, then the stop signal arrives
      child.stdout!.destroy();
      child.stderr!.destroy();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(pidsOfStack('teed')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      reapStack('teed');
    }
  });

  it('kills what is left at a second Ctrl-C instead of waiting out the grace period', async () => {
    await using s = tmpStack(`name: twice\nservices:\n  a: { command: ${stubborn}, ready: { log: up }, stop_timeout: 60s }\n`);
    const { child, exited } = foregroundUp(s);
    try {
      await waitFor(() => readState(join(s.stateDir, 'twice', 'state.json'))?.services.a?.state === 'ready', 10_000, 'a to be ready');
      const t0 = Date.now();
      child.kill('SIGINT');
      // the stop is under way (SIGTERM sent) ...
      await waitFor(() => readState(join(s.stateDir, 'twice', 'state.json'))?.services.a?.state === 'stopping', 10_000, 'a to be stopping');
      expect(pidsOfStack('twice').length).toBe(1); // ... and it ignores SIGTERM: the grace period runs
      child.kill('SIGINT');
      await exited;
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(pidsOfStack('twice')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      reapStack('twice');
    }
  });
});

describe('stopping while a service waits on a gate', () => {
  it('releases the wait: up ends promptly when stopped while a dependency has not completed yet', async () => {
    await using s = tmpStack(`name: gated\nservices:\n  migrate: { command: "sleep 30", ready: { exit: true, timeout: 60s } }\n  api: { command: ${sleeper}, depends_on: { migrate: { condition: completed } }, ready: { log: up } }\n`);
    const { child, exited } = foregroundUp(s);
    try {
      await waitFor(() => readState(join(s.stateDir, 'gated', 'state.json'))?.services.migrate?.state === 'running', 10_000, 'the task to run');
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(code).toBe(1);
      expect(pidsOfStack('gated')).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      reapStack('gated');
    }
  });

  it('refuses condition completed on a service that is not a one-shot task', async () => {
    await using s = tmpStack(`name: never\nservices:\n  a: { command: "sleep 5" }\n  b: { command: "sleep 5", depends_on: { a: { condition: completed } } }\n`);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/devnet\.yaml:4:\d+: services\.b\.depends_on\.a: condition completed waits for "a" to exit 0, but it is not a one-shot task/);
  });
});

describe('without /proc', () => {
  it('refuses up in one line instead of hanging or starting what it cannot stop', async () => {
    const probe = spawnSync('unshare', ['-m', 'true']);
    if (probe.status !== 0) return; // no mount namespaces here (not root): nothing to test with
    await using s = tmpStack(`name: noproc\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n`);
    for (const args of [['up', '-d'], ['up']]) {
      const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs none /proc && exec "${node}" "${CLI}" ${args.join(' ')} --stack "${s.file}"`], {
        cwd: s.dir,
        env: { ...process.env, ...s.env, NO_COLOR: '1', DEVNET_STACK: '' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/identity of (this process|pid \d+) .*\/proc/);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(pidsOfStack('noproc')).toEqual([]);
    }
  });
});
