// Hostile stack files: user keys that name Object.prototype members, and values that
// would run as commands if pasted into a shell line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack, waitFor } from '../helpers.js';

describe('prototype keys in a stack', () => {
  const cases: [string, string, RegExp][] = [
    ['depends_on: [toString]', 'x: { command: "sleep 5", depends_on: [toString] }', /devnet\.yaml:3:\d+: services\.x\.depends_on\[0\]: unknown service "toString"/],
    ['${services.constructor.port}', 'x: { command: "echo ${services.constructor.port}" }', /devnet\.yaml:3:\d+: services\.x\.command: .*unknown service "constructor"/],
    ['ready.port: toString', 'x: { command: "sleep 5", port: 1, ready: { port: toString } }', /devnet\.yaml:3:\d+: services\.x\.ready\.port: unknown port "toString"/],
    ['${env.constructor}', 'x: { command: "echo ${env.constructor}" }', /environment variable constructor is not set/],
    ['--only hasOwnProperty', 'x: { command: "sleep 5" }', /unknown service "hasOwnProperty"/],
  ];
  for (const [what, service, message] of cases) {
    it(`refuses ${what} with one line and exit 2, starting nothing`, async () => {
      await using s = tmpStack(`name: proto\nservices:\n  ${service}\n`);
      const args = ['up', '-d', '--stack', s.file, ...(what.startsWith('--only') ? ['--only', 'hasOwnProperty'] : [])];
      const r = await devnet(args, { cwd: s.dir, env: s.env });
      expect(r.code, r.all).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(existsSync(join(s.stateDir, 'proto', 'state.json'))).toBe(false);
    });
  }
});

describe('services named after Object.prototype members', () => {
  it('run, show in status and survive a dependency exiting: constructor, toString, hasOwnProperty', async () => {
    const node = process.execPath;
    const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;
    await using s = tmpStack(`name: protonames
services:
  constructor: { command: ${sleeper}, ready: { log: up } }
  toString: { command: ${sleeper}, ready: { log: up }, depends_on: [constructor] }
  hasOwnProperty: { command: ${sleeper}, ready: { log: up }, depends_on: [toString] }
  valueOf: { command: ${sleeper}, ready: { log: up } }
`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const st = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(st.code, st.all).toBe(0);
    const before = JSON.parse(st.stdout) as { services: { name: string; state: string; pid: number }[] };
    expect(before.services.map((x) => `${x.name}:${x.state}`)).toEqual(['constructor:ready', 'valueOf:ready', 'toString:ready', 'hasOwnProperty:ready']);
    // a dependency exits: its dependents are degraded, the supervisor and the rest carry on
    process.kill(before.services.find((x) => x.name === 'constructor')!.pid, 'SIGKILL');
    await waitFor(async () => {
      const now = JSON.parse((await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env })).stdout) as { services: { name: string; state: string; degradedBy?: string[] }[] };
      return now.services.find((x) => x.name === 'toString')?.degradedBy?.[0] === 'constructor';
    }, 10_000, 'toString degraded by constructor');
    const text = await devnet(['status', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(text.code, text.all).toBe(0);
    expect(text.stdout).toMatch(/valueOf\s+ready/);
    const r = await devnet(['restart', 'valueOf', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
  });
});

describe('interpolated values in a shell line', () => {
  it('are data in every quoting context, never commands', async () => {
    const contexts = ['echo "DQ ${env.X}"', "echo 'SQ ${env.X}'", 'echo BARE ${env.X}', 'echo BT `echo ${env.X}`', 'echo "DP $(echo ${env.X})"'];
    await using s = tmpStack(
      `name: inject
env: { X: "$(touch pwned) \`touch pwned2\` '; touch pwned3; '" }
services:
  x:
    shell: true
    command: |
      ${contexts.join('; ')}
    ready: { exit: true }
`,
    );
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(s.dir, f)), f).toBe(false);
    const value = "$(touch pwned) `touch pwned2` '; touch pwned3; '";
    const log = () => readFileSync(join(s.stateDir, 'inject', 'logs', 'x.log'), 'utf8');
    // the detached supervisor may still be flushing the one-shot's log when up -d returns
    await waitFor(() => log().includes('DP '), 5000, 'the last line in the log');
    for (const tag of ['DQ', 'SQ', 'BARE', 'BT', 'DP']) expect(log()).toContain(`${tag} ${value}`);
  });

  it('are data in the script of sh -c and bash -ec too, without shell: true', async () => {
    await using s = tmpStack(
      `name: injectsh
env_file: .env
services:
  x: { command: ["sh", "-c", "echo SH \${env.X}"], ready: { exit: true } }
  y: { command: ["bash", "-ec", "echo BASH '\${env.X}'"], ready: { exit: true } }
`,
      { '.env': "X='$(touch pwned) `touch pwned2`'\n" },
    );
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    for (const f of ['pwned', 'pwned2']) expect(existsSync(join(s.dir, f)), f).toBe(false);
    const log = (n: string) => readFileSync(join(s.stateDir, 'injectsh', 'logs', `${n}.log`), 'utf8');
    await waitFor(() => log('x').includes('SH ') && log('y').includes('BASH '), 5000, 'both lines in the logs');
    expect(log('x')).toContain('SH $(touch pwned) `touch pwned2`');
    expect(log('y')).toContain('BASH $(touch pwned) `touch pwned2`');
  });
});
