// The running stack is state, not YAML: commands on a running stack work from what was
// started when its file is invalid, renamed or deleted; state lives where users can write.
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, devnet, devnetProcess, freePorts, pidsOfStack, reapStack, tmpStack, waitFor, type TmpStack } from '../helpers.js';

const node = process.execPath;
const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;
const stackYaml = (name: string) => `name: ${name}\nservices:\n  a: { command: ${sleeper}, ready: { log: up } }\n  b: { command: ${sleeper}, depends_on: [a], ready: { log: up } }\n`;

/** A stack brought up with up -d, handed to `fn`, and reaped by marker whatever happens. */
async function whileUp(name: string, fn: (s: TmpStack, run: (...args: string[]) => ReturnType<typeof devnet>) => Promise<void>) {
  await using s = tmpStack(stackYaml(name));
  const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
  try {
    expect((await run('up', '-d')).code).toBe(0);
    await fn(s, run);
  } finally {
    reapStack(name);
  }
}

describe('a running stack whose file changed', () => {
  it('is still shown and stopped when its file has a typo', () =>
    whileUp('typo', async (s, run) => {
      writeFileSync(s.file, `${stackYaml('typo')}  c: { comand: x }\n`);
      const st = await run('status', '--json');
      expect(st.code, st.all).toBe(0);
      expect(st.stderr).toMatch(/note: devnet\.yaml is invalid now \(.*unknown key "comand".*\); acting on stack typo as it was started/);
      expect((JSON.parse(st.stdout) as { services: { state: string }[] }).services.map((x) => x.state)).toEqual(['ready', 'ready']);
      const logs = await run('logs');
      expect(logs.code, logs.all).toBe(0);
      expect(logs.stdout).toContain('a | up');
      const down = await run('down');
      expect(down.code, down.all).toBe(0);
      expect(down.stdout).toContain('stack typo is down; all ports free');
      expect(pidsOfStack('typo')).toEqual([]);
    }));

  it('is not lost when its name: changes: up refuses a second copy, down stops the first', () =>
    whileUp('before', async (s, run) => {
      writeFileSync(s.file, stackYaml('after'));
      const again = await run('up', '-d');
      expect(again.code, again.all).toBe(1);
      expect(again.stderr).toContain('is already up as stack before (its name: changed since)');
      expect(pidsOfStack('after')).toEqual([]);
      const down = await run('down');
      expect(down.code, down.all).toBe(0);
      expect(down.stderr).toContain('devnet.yaml changed since up (it now names stack after); acting on stack before as it was started');
      expect(pidsOfStack('before')).toEqual([]);
    }));

  it('is stopped by down after its file was deleted', () =>
    whileUp('deleted', async (s, run) => {
      unlinkSync(s.file);
      const down = await run('down');
      expect(down.code, down.all).toBe(0);
      expect(down.stderr).toContain('no longer exists; acting on stack deleted as it was started');
      expect(pidsOfStack('deleted')).toEqual([]);
    }));
});

describe('a running stack read with another platform backend', () => {
  it('is read with the backend that started it, whatever DEVNET_PLATFORM says now', async () => {
    // start times are in that backend's unit (clock ticks since boot, or lstart seconds)
    await using s = tmpStack(stackYaml('backends'));
    const run = (platform: string, ...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_PLATFORM: platform } });
    try {
      const other = process.env.DEVNET_PLATFORM === 'posix' ? 'linux' : 'posix';
      expect((await run(other, 'up', '-d')).code).toBe(0);
      expect(JSON.parse(readFileSync(join(s.stateDir, 'backends', 'state.json'), 'utf8'))).toMatchObject({ platform: other });
      const mine = other === 'posix' ? 'linux' : 'posix';
      const st = await run(mine, 'status', '--json');
      expect((JSON.parse(st.stdout) as { services: { state: string; pid: number }[] }).services.map((x) => x.state)).toEqual(['ready', 'ready']);
      const again = await run(mine, 'up', '-d');
      expect(again.code, again.all).toBe(0);
      expect(again.stdout).toContain('nothing to do');
      const stop = await run(mine, 'restart', 'a');
      expect(stop.code, stop.all).toBe(0);
      const down = await run(mine, 'down');
      expect(down.code, down.all).toBe(0);
      expect(pidsOfStack('backends')).toEqual([]);
    } finally {
      reapStack('backends');
    }
  });

  it('leaves the next run its own backend: the state a finished run left is only looked at', async () => {
    // found by hand: up -d with one backend after a down of a run on the other refused with
    // "already up (devnet pid N)", N its own new supervisor, whose lock the CLI had read with the old backend
    await using s = tmpStack(stackYaml('nextrun'));
    const run = (platform: string, ...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_PLATFORM: platform } });
    const recorded = () => (JSON.parse(readFileSync(join(s.stateDir, 'nextrun', 'state.json'), 'utf8')) as { platform: string }).platform;
    try {
      for (const platform of ['posix', 'linux', 'posix']) {
        const up = await run(platform, 'up', '-d');
        expect(up.code, `${platform}: ${up.all}`).toBe(0);
        expect(recorded()).toBe(platform);
        const down = await run(platform, 'down');
        expect(down.code, down.all).toBe(0);
      }
      // the foreground up too: it is its own supervisor
      const fg = devnetProcess(['up', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_PLATFORM: 'linux' } });
      await waitFor(() => { try { return recorded() === 'linux' && (JSON.parse(readFileSync(join(s.stateDir, 'nextrun', 'state.json'), 'utf8')) as { services: Record<string, { state: string }> }).services.b?.state === 'ready'; } catch { return false; } }, 20_000, 'the foreground up to be ready');
      expect((await run('posix', 'down')).code).toBe(0);
      expect((await fg).exitCode).toBe(0);
      expect(pidsOfStack('nextrun')).toEqual([]);
    } finally {
      reapStack('nextrun');
    }
  });
});

describe('devnet ls', () => {
  it('lists every running stack with its file, offset and services, and forgets them at down', async () => {
    await using s = tmpStack(stackYaml('listed'));
    try {
      for (const offset of ['0', '7']) expect((await devnet(['up', '-d', '--stack', s.file, '--port-offset', offset], { cwd: s.dir, env: s.env })).code).toBe(0);
      const ls = await devnet(['ls', '--json'], { cwd: s.dir, env: s.env });
      const stacks = (JSON.parse(ls.stdout) as { stacks: { stack: string; file: string; portOffset: number; servicesUp: number; servicesTotal: number }[] }).stacks;
      expect(stacks.map((x) => [x.stack, x.portOffset, x.servicesUp, x.servicesTotal, x.file])).toEqual([
        ['listed', 0, 2, 2, s.file],
        ['listed+7', 7, 2, 2, s.file],
      ]);
      const table = await devnet(['status', '--all'], { cwd: s.dir, env: s.env });
      expect(table.stdout).toMatch(/listed\+7\s+devnet\.yaml\s+7\s+2\/2 up/);
      for (const offset of ['0', '7']) expect((await devnet(['down', '--stack', s.file, '--port-offset', offset], { cwd: s.dir, env: s.env })).code).toBe(0);
      expect((await devnet(['ls'], { cwd: s.dir, env: s.env })).stdout).toContain('no stack is up');
    } finally {
      reapStack('listed');
      reapStack('listed+7');
    }
  });
});

describe('where state lives', () => {
  it('keeps a shipped stack in the user state directory, never inside the package', async () => {
    const home = mkdtempSync(join(tmpdir(), 'devnet-xdg-'));
    const [p] = await freePorts(1);
    const env = { XDG_STATE_HOME: home, DEVNET_STATE_DIR: '' };
    try {
      const up = await devnet(['up', '-d', '--stack', 'demo', '--only', 'blockchain-node', '--remap', '--port-offset', String(p! - 8080)], { cwd: home, env });
      expect(up.code, up.all).toBe(0);
      expect(existsSync(join(ROOT, 'stacks', '.devnet'))).toBe(false);
      const ls = await devnet(['ls', '--json'], { cwd: home, env });
      const [run] = (JSON.parse(ls.stdout) as { stacks: { stateDir: string }[] }).stacks;
      expect(run!.stateDir.startsWith(join(home, 'devnet', 'stacks'))).toBe(true);
      const down = await devnet(['down', '--stack', 'demo', '--port-offset', String(p! - 8080)], { cwd: home, env });
      expect(down.code, down.all).toBe(0);
    } finally {
      reapStack(`demo+${p! - 8080}`);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the stack a command picks', () => {
  it("acts on the project's stack from a subfolder, and says which", async () => {
    await using s = tmpStack(stackYaml('project'));
    const { mkdirSync } = await import('node:fs');
    const sub = join(s.dir, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    try {
      const up = await devnet(['up', '-d'], { cwd: sub, env: s.env });
      expect(up.code, up.all).toBe(0);
      expect(up.stdout).not.toContain('demo');
      const down = await devnet(['down'], { cwd: sub, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(down.stdout.split('\n')[0]).toBe(`stack project (${s.file})`);
      expect(down.stdout).toContain('stack project is down');
      expect(pidsOfStack('project')).toEqual([]);
    } finally {
      reapStack('project');
    }
  });
});

describe('a state folder devnet cannot write', () => {
  it('is one line naming the path and the fix, never a stack trace', async () => {
    await using s = tmpStack(stackYaml('nowrite'));
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_STATE_DIR: '/proc/devnet-cannot-be-here' } });
    expect(r.code).toBe(1);
    expect(r.stderr, JSON.stringify(r.stderr)).toBe('error: cannot create the state directory /proc/devnet-cannot-be-here/nowrite: a folder cannot be made there\nhint: set DEVNET_STATE_DIR to a directory you can write');
    expect(pidsOfStack('nowrite')).toEqual([]);
  });
});

describe('a stack whose supervisor was killed', () => {
  it('is shown unsupervised by status, ls and doctor; a service that writes dies on its next line, a quiet one runs on until down', async () => {
    const node = process.execPath;
    await using s = tmpStack(`name: orphaned
services:
  chatty: { command: ["${node}", "-e", "console.log('up'); setInterval(() => console.log('tick'), 50)"], ready: { log: up } }
  quiet: { command: ["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: up } }
`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    const state = JSON.parse(readFileSync(join(s.stateDir, 'orphaned', 'state.json'), 'utf8')) as { supervisor: { pid: number }; services: Record<string, { pid: number }> };
    process.kill(state.supervisor.pid, 'SIGKILL');
    // its output pipe has no reader now: the chatty one's next write fails (EPIPE) and it exits
    await waitFor(() => !pidsOfStack('orphaned').includes(state.services.chatty!.pid), 10_000, 'the chatty service to exit');
    const st = await devnet(['status', '--stack', s.file], o);
    expect(st.stdout).toMatch(/quiet\s+ready, unsupervised\s+\d+/);
    expect(st.stdout).toMatch(/chatty\s+exited/);
    expect(st.stderr).toContain(`unsupervised: the devnet that ran stack orphaned (pid ${state.supervisor.pid}) is gone`);
    expect(st.stderr).toContain('hint: devnet down stops what is left; then devnet up');
    const json = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { unsupervised: boolean; supervisor: { pid: number; state: string; lastSeen: string } };
    expect(json.unsupervised).toBe(true);
    expect(json.supervisor).toMatchObject({ pid: state.supervisor.pid, state: 'gone' });
    expect(Date.parse(json.supervisor.lastSeen)).toBeGreaterThan(0);
    const ls = await devnet(['ls', '--json'], o);
    expect((JSON.parse(ls.stdout) as { stacks: { stack: string; supervisor: string }[] }).stacks.find((x) => x.stack === 'orphaned')?.supervisor).toBe('gone');
    expect((await devnet(['ls'], o)).stdout).toMatch(/orphaned .* 1\/2 up, unsupervised/);
    const doc = await devnet(['doctor', '--stack', s.file], o);
    expect(doc.stdout).toMatch(/unsupervised: the devnet that ran the stack \(pid \d+\) is gone, but quiet \(pid \d+\) still run/);
    const down = await devnet(['down', '--stack', s.file], o);
    expect(down.code, down.all).toBe(0);
    expect(pidsOfStack('orphaned')).toEqual([]);
  });
});
