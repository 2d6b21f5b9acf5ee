// How up -d is launched: bin/devnet.cjs run by name is a shell script first, which starts the
// supervisor at once and waits for it without a Node of its own (src/supervisor/launch.ts).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { wantsDetachedUp } from '../../src/supervisor/launch.js';
import { CLI, devnet, devnetProcess, fixture, freePorts, pidAlive, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const linux = process.platform === 'linux';
const hasSetsid = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v setsid'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The shell's own decision, run from the lines of bin/devnet.cjs that make it. */
function shellDecides(args: string[]): boolean {
  const text = readFileSync(CLI, 'utf8');
  const block = text.slice(text.indexOf('\n  d=\n'), text.indexOf('\n  done\n') + '\n  done\n'.length);
  const out = execFileSync('sh', ['-c', `[ "$1" = up ] || { echo no; exit; }\n${block}\n[ -n "$d" ] && echo yes || echo no`, 'sh', ...args], { encoding: 'utf8' });
  return out.trim() === 'yes';
}

const stateOf = (stateDir: string, id: string) => JSON.parse(readFileSync(join(stateDir, id, 'state.json'), 'utf8')) as { supervisor: { pid: number }; services: Record<string, { pid?: number }> };

describe('the launcher of up -d', () => {
  it('decides in the shell as wantsDetachedUp does', () => {
    const cases = [
      ['up', '-d'],
      ['up', '--detach'],
      ['up', '--stack', 'x.yaml', '-d'],
      ['up', '-ds', 'x.yaml'],
      ['up', '-sd'],
      ['up'],
      ['up', '--stack', 'dev.yaml'],
      ['up', '--only', 'db', '--dry-run'],
      ['up', '-d', '--help'],
      ['up', '-h', '-d'],
      ['up', '--', '-d'],
      ['up', '--port-offset', '-10', '-d'],
      ['up', '-d1'],
      ['down', '-d'],
      ['ui'],
    ];
    for (const args of cases) expect(shellDecides(args), args.join(' ')).toBe(wantsDetachedUp(args));
  });

  it.skipIf(!linux || !hasSetsid)('by name: the shell waits for the supervisor (no Node between), which has its own session, lets go of the output and leaves no launcher variable to its services', async () => {
    const [a, b] = await freePorts(2);
    await using s = tmpStack(`name: bysh
services:
  a: { command: "${node} ${fixture('http.mjs')} \${port} --delay 300", port: ${a}, ready: { http: /health } }
  b: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${b}, depends_on: [a], ready: { http: /health } }
`);
    const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env, via: 'shell' });
    const stateFile = join(s.stateDir, 'bysh', 'state.json');
    await waitFor(() => existsSync(stateFile), 10_000, 'the run recorded');
    // while it starts, what waits is the shell itself
    const waiter = realpathSync(`/proc/${up.pid}/exe`);
    expect(waiter).not.toBe(realpathSync(node));
    expect(waiter).toMatch(/\/(sh|dash|bash|ash|busybox)$/);
    // the pipes execa reads end only when every writer has let go: the supervisor too
    const r = await up;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain(`http://127.0.0.1:${b}/health`);
    const st = stateOf(s.stateDir, 'bysh');
    const sup = st.supervisor.pid;
    expect(pidAlive(sup)).toBe(true);
    // its own session: the terminal's Ctrl-C and hangup reach it only through its launcher
    const stat = readFileSync(`/proc/${sup}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])).toBe(sup);
    for (const fd of ['1', '2']) expect(execFileSync('readlink', [`/proc/${sup}/fd/${fd}`], { encoding: 'utf8' }).trim()).toBe('/dev/null');
    const environ = readFileSync(`/proc/${st.services.b!.pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((e) => e.startsWith('DEVNET_DETACH_FOR=') || e.startsWith('DEVNET_SUPERVISOR_DIED='))).toEqual([]);
    expect((await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    expect(pidAlive(sup)).toBe(false);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    for (const via of ['shell', 'node'] as const)
      it.skipIf(via === 'shell' && !hasSetsid)(`${signal} to the launcher (${via}) while the stack starts reaches the supervisor once: it stops what it started, exit 1`, async () => {
        const [a, b] = await freePorts(2);
        const id = `sig${signal.slice(3, 6).toLowerCase()}${via}`;
        await using s = tmpStack(`name: ${id}
services:
  a: { command: ["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: up } }
  b: { command: "${node} ${fixture('http.mjs')} \${port} --delay 8000", port: ${b}, depends_on: [a], ready: { http: /health } }
  c: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${a}, depends_on: [b], ready: { http: /health } }
`);
        try {
          const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env, via });
          const stateFile = join(s.stateDir, id, 'state.json');
          await waitFor(() => existsSync(stateFile) && stateOf(s.stateDir, id).services.b?.pid !== undefined, 10_000, 'b started');
          const sup = stateOf(s.stateDir, id).supervisor.pid;
          process.kill(up.pid!, signal);
          const r = await up;
          expect(r.exitCode, r.all).toBe(1);
          // a second signal would have hurried the stop: the one given was a graceful stop
          expect(r.all).not.toMatch(/kill what is left/);
          await waitFor(() => !pidAlive(sup), 10_000, 'the supervisor gone');
          expect(pidsOfStack(id)).toEqual([]);
          const st = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
          expect((JSON.parse(st.stdout) as { services: { pid: number | null }[] }).services.every((x) => x.pid === null)).toBe(true);
        } finally {
          reapStack(id);
        }
      });
});
