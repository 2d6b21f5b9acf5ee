// devnet down in its plain forms sends its stop request before the CLI loads
// (src/control/early-down.ts), and where the answer is the usual one ends without loading it
// (src/cli/early-down.ts). Any other form, or a stack file changed since up, is left to the
// CLI, which asks as before.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devnet, fixture, freePorts, pidAlive, tmpStack } from '../helpers.js';

const node = process.execPath;
const linux = process.platform === 'linux' && process.env.DEVNET_PLATFORM !== 'posix';

/** The trace lines (pid, ms, label) of one command: its own and its supervisor's. */
const traced = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([pid, at, ...label]) => ({ pid: Number(pid), at: Number(at), label: label.join(' ') }));

describe.runIf(linux)('an early down', () => {
  it('asks the supervisor at once and ends the down without loading the CLI, saying and proving what a down does', async () => {
    const [a, b] = await freePorts(2);
    await using s = tmpStack(`name: early
services:
  a: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${a}, ready: { http: /health } }
  b: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${b}, depends_on: [a], ready: { http: /health } }
`);
    const trace = join(s.dir, 'trace');
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_TRACE: trace } })).code).toBe(0);
    const state = JSON.parse(readFileSync(join(s.stateDir, 'early', 'state.json'), 'utf8')) as { supervisor: { pid: number }; services: Record<string, { pid: number }> };
    writeFileSync(trace, '');
    const r = await devnet(['down', '--stack', s.file, '--timeout', '5'], { cwd: s.dir, env: { ...s.env, DEVNET_TRACE: trace } });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/^stack early \(.*\)\n/);
    expect(r.stdout).toMatch(/stop +stack early: its supervisor \(pid \d+\) stops the services, dependents first; waiting up to 15s/);
    for (const n of ['a', 'b']) expect(r.stdout).toMatch(new RegExp(`^stop +${n}$`, 'm'));
    expect(r.stdout).toContain('stack early is down; all ports free');
    const lines = traced(trace);
    const asked = lines.find((l) => l.label === 'down asking (early)');
    const heard = lines.find((l) => l.pid === state.supervisor.pid && l.label === 'request down');
    const finished = lines.find((l) => l.label === 'down finished (early)');
    expect(asked && heard && finished, lines.map((l) => l.label).join('; ')).toBeTruthy();
    // the down's process never loaded the CLI
    expect(lines.filter((l) => l.pid === asked!.pid && l.label.startsWith('cli main'))).toEqual([]);
    // one request, and the run ended as the CLI ends it: its index entry and socket gone
    expect(lines.filter((l) => l.label === 'request down')).toHaveLength(1);
    expect(readdirSync(join(s.stateDir, '.runs')).filter((f) => f.endsWith('.json'))).toEqual([]);
    for (const pid of [state.supervisor.pid, state.services.a!.pid, state.services.b!.pid]) expect(pidAlive(pid)).toBe(false);
    const again = await devnet(['down', '--stack', s.file, '--json'], { cwd: s.dir, env: s.env });
    expect(JSON.parse(again.stdout)).toMatchObject({ stack: 'early', wasUp: false });
  });

  it('--json: the answer as JSON; other forms and an edited stack file are left to the CLI', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: early2
services:
  a: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${a}, ready: { http: /health } }
`);
    const trace = join(s.dir, 'trace');
    const env = { ...s.env, DEVNET_TRACE: trace };
    const cycle = async (args: string[]) => {
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env })).code).toBe(0);
      writeFileSync(trace, '');
      const r = await devnet(['down', '--stack', s.file, ...args], { cwd: s.dir, env });
      expect(r.code, r.all).toBe(0);
      return { r, early: traced(trace).some((l) => l.label === 'down asking (early)') };
    };
    const json = await cycle(['--json']);
    expect(json.early).toBe(true);
    expect(JSON.parse(json.r.stdout)).toMatchObject({ stack: 'early2', wasUp: true, stopped: ['a'], held: [], survivors: [] });
    const volumes = await cycle(['--volumes']);
    expect(volumes.early).toBe(false);
    expect(volumes.r.stdout).toContain('stack early2 is down; all ports free');
    // the file edited since up: the CLI loads it (and says what it acts on)
    const edited = async () => {
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env })).code).toBe(0);
      writeFileSync(s.file, `${readFileSync(s.file, 'utf8')}# edited\n`);
      writeFileSync(trace, '');
      const r = await devnet(['down', '--stack', s.file], { cwd: s.dir, env });
      expect(r.code, r.all).toBe(0);
      expect(r.stdout).toContain('stack early2 is down; all ports free');
      return traced(trace).some((l) => l.label === 'down asking (early)');
    };
    expect(await edited()).toBe(false);
  });
});
