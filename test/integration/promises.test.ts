// Promises no other test guarded (a mutation pass broke each and the suite stayed green):
// down stops in reverse start order, with and without its supervisor; the run marker alone
// finds a process whose leader is gone; a frozen service gets SIGCONT and stops gracefully;
// a stop that cannot finish (a leader whose exit never comes) is bounded and said.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, readLock, releaseLock } from '../../src/state/lock.js';
import { identityOf } from '../../src/platform/identity.js';
import { ServiceRunner } from '../../src/service/runner.js';
import { loadStackText } from '../../src/stack/load.js';
import { planService } from '../../src/stack/service-plan.js';
import { pathsAt } from '../../src/state/paths.js';
import { devnet, pidAlive, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
/** A service that appends "NAME TIME" to `file` when it gets SIGTERM, then exits. */
const noting = (name: string, file: string) =>
  `["${node}", "-e", "process.on('SIGTERM', () => { require('fs').appendFileSync('${file}', '${name} ' + process.hrtime.bigint() + '\\\\n'); process.exit(0); }); console.log('up'); setInterval(() => {}, 1000)"]`;

const chain = (name: string, file: string) => `name: ${name}
services:
  a: { command: ${noting('a', file)}, ready: { log: up } }
  b: { command: ${noting('b', file)}, ready: { log: up }, depends_on: [a] }
  c: { command: ${noting('c', file)}, ready: { log: up }, depends_on: [b] }
`;
const order = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);

describe('down', () => {
  it('stops dependents first: the reverse of the start order, through the supervisor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-order-'));
    try {
      const file = join(dir, 'stopped.txt');
      await using s = tmpStack(chain('order', file));
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
      expect((await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
      expect(order(file)).toEqual(['c', 'b', 'a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops dependents first from the state file alone, when the supervisor was killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-order-'));
    try {
      const file = join(dir, 'stopped.txt');
      await using s = tmpStack(chain('orphanorder', file));
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
      const st = JSON.parse(readFileSync(join(s.stateDir, 'orphanorder', 'state.json'), 'utf8')) as { supervisor: { pid: number } };
      process.kill(st.supervisor.pid, 'SIGKILL');
      await waitFor(() => !pidAlive(st.supervisor.pid), 5000, 'the supervisor to be gone');
      expect((await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
      expect(order(file)).toEqual(['c', 'b', 'a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a process by the run marker alone once its leader is gone (no subreaper, out of the group)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-marker-'));
    const pidFile = join(dir, 'child.pid');
    await using s = tmpStack(`name: markeronly
services:
  a:
    shell: true
    command: setsid sh -c 'echo $$ > ${pidFile}; exec sleep 1000' & sleep 0.3; echo started; sleep 0.5; exit 0
    ready: { log: started }
`);
    const env = { ...s.env, DEVNET_SUBREAPER: '0' };
    let child = 0;
    try {
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env })).code).toBe(0);
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 5000, 'the child to start');
      child = Number(readFileSync(pidFile, 'utf8'));
      const leader = (JSON.parse(readFileSync(join(s.stateDir, 'markeronly', 'state.json'), 'utf8')) as { services: { a: { pid: number } } }).services.a.pid;
      // the leader exits; its child, in its own session, is re-parented to init
      await waitFor(() => !pidAlive(leader), 5000, 'the leader to exit');
      expect(pidAlive(child)).toBe(true);
      expect(readFileSync(`/proc/${child}/environ`, 'latin1')).toContain('DEVNET_RUN_ID=');
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env });
      expect(down.code, down.all).toBe(0);
      expect(pidAlive(child)).toBe(false);
    } finally {
      if (child && pidAlive(child)) process.kill(child, 'SIGKILL');
      reapStack('markeronly');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a frozen service', () => {
  it('is woken with SIGCONT and stops gracefully on its SIGTERM, not killed after the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-frozen-'));
    try {
      const file = join(dir, 'stopped.txt');
      await using s = tmpStack(`name: frozensvc\nservices:\n  a: { command: ${noting('a', file)}, ready: { log: up }, stop_timeout: 3s }\n`);
      const o = { cwd: s.dir, env: s.env };
      expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
      const pid = (JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { pid: number }[] }).services[0]!.pid;
      process.kill(pid, 'SIGSTOP');
      expect((await devnet(['stop', 'a', '--stack', s.file], o)).code).toBe(0);
      // its own SIGTERM handler ran: it was woken, not SIGKILLed after the 3s grace period
      expect(order(file)).toEqual(['a']);
      const st = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { lastExit: { code: number | null; signal: string | null } }[] };
      expect(st.services[0]!.lastExit).toMatchObject({ code: 0, signal: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the lock', () => {
  it('is released only by its holder: another identity leaves it in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-lock-'));
    try {
      const file = join(dir, 'state', 'lock');
      const me = acquireLock(file, 'x', 'run1');
      releaseLock(file, { pid: me.pid, startTime: me.startTime + 1 });
      releaseLock(file, { pid: me.pid + 1, startTime: me.startTime });
      expect(readLock(file)).toMatchObject({ pid: me.pid, runId: 'run1' });
      releaseLock(file, me);
      expect(readLock(file)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a stop that cannot finish', () => {
  it('is bounded: a leader whose exit is never reported is said to be unstoppable, and the stop returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-wedge-'));
    const { stack } = await loadStackText('name: wedge\nservices:\n  a: { command: "sleep 100", stop_timeout: 200ms }\n', join(dir, 'devnet.yaml'));
    stack.stateDir = dir;
    const rec = { name: 'a', state: 'pending' as const, ports: {}, logFile: join(dir, 'a.log'), stopTimeoutMs: 200, dependsOn: [] };
    let real: ReturnType<typeof spawn> | undefined;
    const runner = new ServiceRunner(rec, {
      stack,
      plan: planService(stack, 'a', { stackId: 'wedge', runId: 'r1' }),
      paths: pathsAt(dir, 'wedge'),
      runId: 'r1',
      emit: () => {},
      save: () => {},
      // a real process, whose exit the runner never hears of (as a zombie nobody reaps)
      spawn: async () => {
        real = spawn('sleep', ['100'], { detached: true, stdio: 'ignore' });
        await new Promise((r) => real!.once('spawn', r));
        return { pid: real.pid!, pgid: real.pid!, startTime: identityOf(real.pid!)!.startTime, exited: new Promise(() => {}) };
      },
    });
    try {
      await runner.start();
      const res = await runner.stop();
      expect(rec.state).toBe('failed');
      expect((rec as { reason?: string }).reason).toMatch(/^could not be stopped: 1 process did not exit after SIGKILL/);
      expect(res?.survivors.map((p) => p.pid)).toContain(real!.pid);
    } finally {
      if (real?.pid && pidAlive(real.pid)) process.kill(real.pid, 'SIGKILL');
      void pidsOfStack;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
