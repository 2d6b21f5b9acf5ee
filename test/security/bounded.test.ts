// Hostile sizes: stack and env files, YAML that expands or repeats, output without
// newlines, and a terminal slower than the services. Each ends in one line or a bounded
// process, never a trace or a supervisor that grows until it dies.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { CLI, devnet, pidAlive, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const peakKb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('bad input of any size', () => {
  const laughs = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefg'.split('').map((c, i) => `x-${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n');
  const cases: [string, () => { yaml: string; files?: Record<string, string> }, RegExp][] = [
    ['an alias bomb', () => ({ yaml: `name: bomb\n${laughs}\nservices:\n  a: { command: "true" }\n` }), /devnet\.yaml:\d+:\d+: aliases expand past devnet's limit of 1,000,000 nodes/],
    [
      '40,000 keys with one repeated',
      () => ({ yaml: `name: keys\nservices:\n  a: { command: "true" }\nx-k:\n${Array.from({ length: 40_000 }, (_, i) => `  k${i}: ${i}`).join('\n')}\n  k7: again\n` }),
      /devnet\.yaml:40005:3: duplicate key "k7" \(first at line 12\)/,
    ],
    ['a 2 MiB stack file', () => ({ yaml: `name: big\nx-big: ${'a'.repeat(2 << 20)}\nservices:\n  a: { command: "true" }\n` }), /devnet\.yaml: the stack file is 2\.0 MiB; devnet reads stack files of up to 1\.0 MiB/],
    ['an env file that is a directory', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", env_file: conf }\n', files: { 'conf/x': '' } }), /env file conf is a directory/],
    ['a binary env file', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", env_file: bin.env }\n', files: { 'bin.env': 'A=1\n\0\x01\x02' } }), /env file bin\.env contains a NUL byte/],
    ['a 2 MiB env file', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", env_file: big.env }\n', files: { 'big.env': `A=${'x'.repeat(2 << 20)}\n` } }), /env file big\.env is 2\.0 MiB; devnet reads env files of up to 1 MiB/],
    ['an empty command', () => ({ yaml: 'name: e\nservices:\n  a: { command: "" }\n' }), /devnet\.yaml:3:\d+: services\.a\.command: command is empty/],
    ['a NUL in an env value', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", env: { X: "a\\0b" } }\n' }), /services\.a\.env\.X: contains a NUL byte/],
    ['an unterminated quote', () => ({ yaml: 'name: e\nservices:\n  a: { command: "echo \\"abc" }\n' }), /devnet\.yaml:3:\d+: services\.a\.command: unterminated " quote/],
    ['a stop_timeout of 10^20 seconds', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", stop_timeout: 99999999999999999999 }\n' }), /services\.a\.stop_timeout: expected an integer in 0-86400/],
    ['a duration of a million seconds', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", ready: { log: x, timeout: 999999s } }\n' }), /services\.a\.ready\.timeout: expected a duration of at most about a day/],
    ['a ready regex that backtracks for ever', () => ({ yaml: 'name: e\nservices:\n  a: { command: "true", ready: { log: "^(a+)+$" } }\n' }), /services\.a\.ready\.log: \(a\+\)\+ repeats a group that repeats inside/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what} with exit 2 and one line, before anything starts`, async () => {
      const { yaml, files } = make();
      await using s = tmpStack(yaml, files);
      const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 20_000 });
      expect(r.code, r.all.slice(0, 500)).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    });
  }
});

describe('output without bounds', () => {
  it('cuts a 100 MB line without a newline into pieces, and the supervisor stays small and in charge', { timeout: 60_000 }, async () => {
    const flood = `const b = Buffer.alloc(1 << 20, 97); let n = 0; (function w() { while (n < 100) { n++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } process.stdout.write('\\nalive\\n'); setInterval(() => {}, 1000); })()`;
    await using s = tmpStack(`name: longline\nservices:\n  big: { command: ["${process.execPath}", "-e", ${JSON.stringify(flood)}], ready: { log: alive, timeout: 50s } }\n`);
    try {
      const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env, timeout: 55_000 });
      expect(up.code, up.all).toBe(0);
      const st = readState(join(s.stateDir, 'longline', 'state.json'))!;
      expect(pidAlive(st.supervisor.pid)).toBe(true);
      // the line alone is 100 MB, 200 MB as a JS string: the supervisor never held it
      expect(peakKb(st.supervisor.pid)).toBeLessThan(160_000);
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
    } finally {
      reapStack('longline');
    }
  });

  it('drops service output a terminal cannot take instead of queueing it in memory', { timeout: 60_000 }, async () => {
    const flood = `const b = Buffer.from(('x'.repeat(99) + '\\n').repeat(10000)); let n = 0; console.log('alive'); (function w() { while (n < 100) { n++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } console.log('done'); setInterval(() => {}, 1000); })()`;
    await using s = tmpStack(`name: slowterm\nservices:\n  chatty: { command: ["${process.execPath}", "-e", ${JSON.stringify(flood)}], ready: { log: alive } }\n`);
    // a foreground up whose stdout is a pipe nobody reads: the slowest terminal there is
    const up = spawn(process.execPath, [CLI, 'up', '--stack', s.file], { cwd: s.dir, env: { ...process.env, ...s.env, NO_COLOR: '1', DEVNET_STACK: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((r) => up.once('exit', r));
    try {
      const log = join(s.stateDir, 'slowterm', 'logs', 'chatty.log');
      await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes(' done'), 45_000, 'the service to write 100 MB');
      expect(peakKb(up.pid!)).toBeLessThan(160_000);
    } finally {
      up.kill('SIGINT');
      up.stdout!.resume();
      await exited;
      reapStack('slowterm');
    }
    expect(pidsOfStack('slowterm')).toEqual([]);
  });
});

describe('hostile state and restart loops', () => {
  it('devnet ls skips a FIFO planted in the run index instead of blocking on it', async () => {
    await using s = tmpStack('name: fifo\nservices:\n  a: { command: "true" }\n');
    const { mkdirSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    mkdirSync(join(s.stateDir, '.runs'), { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', [join(s.stateDir, '.runs', 'planted.json')]);
    const r = await devnet(['ls'], { cwd: s.dir, env: s.env, timeout: 10_000 });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('no stack is up');
  });

  it('restarts a crashing service with backoff: 0 no faster than the floor of 100ms', async () => {
    await using s = tmpStack(`name: floor\nservices:\n  a: { command: ["${process.execPath}", "-e", "console.log('up'); setTimeout(() => process.exit(1), 10)"], ready: { log: up }, restart: always, backoff: 0, backoff_max: 0 }\n`);
    const o = { cwd: s.dir, env: s.env };
    expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    const st = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { restarts: number }[] };
    // each run lives ~60ms (node start-up and 10ms) plus a 100ms wait: at most ~13 in 2s; backoff 0 gave 100
    expect(st.services[0]!.restarts).toBeLessThanOrEqual(16);
    expect(st.services[0]!.restarts).toBeGreaterThan(0);
  });
});

