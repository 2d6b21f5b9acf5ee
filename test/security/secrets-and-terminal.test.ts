// Secrets never reach a terminal or a log; a service never reaches the terminal's controls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const say = (js: string) => `["${node}", "-e", ${JSON.stringify(js)}]`;

describe('secrets', () => {
  it('are redacted longest first, line by line when multi-line, in logs, output and errors', async () => {
    await using s = tmpStack(
      `name: secrets
env_file: .env
services:
  a:
    command: ${say('console.log(process.env.ADMIN_PASSWORD, process.env.DB_PASSWORD); console.log(process.env.PRIVATE_KEY); console.log("ready")')}
    ready: { log: ready }
  b:
    command: "\${env.API_TOKEN}"
    depends_on: [a]
`,
      { '.env': 'DB_PASSWORD=hunter22\nADMIN_PASSWORD=hunter22-and-more\nPRIVATE_KEY="line-one-secret\nline-two-secret"\nAPI_TOKEN=tok_abcdef123456\n' },
    );
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    // b's program is the token itself: the refusal names it, redacted
    expect(up.code, up.all).toBe(1);
    expect(up.all).toContain('program *** not found');
    expect(up.all).not.toContain('tok_abcdef');
    const doctor = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(doctor.all).toContain('***');
    expect(doctor.all).not.toContain('tok_abcdef');
    const only = await devnet(['up', '-d', '--only', 'a', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(only.code, only.all).toBe(0);
    const log = join(s.stateDir, 'secrets', 'logs', 'a.log');
    await waitFor(() => readFileSync(log, 'utf8').includes('ready'), 5000, 'the log');
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('out *** ***\n');
    expect(text).not.toMatch(/hunter|-and-more|line-one|line-two/);
    const logs = await devnet(['logs', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(logs.stdout).not.toMatch(/hunter|line-one/);
  });
});

describe('a service writing terminal controls', () => {
  it('has them escaped in plain output, never sent raw', async () => {
    await using s = tmpStack(`name: ctl\nservices:\n  a: { command: ${say('console.log("x\\u001b]0;owned\\u0007 \\u001b[2J \\u001b[31mred\\u001b[39m \\r done"); console.log("ready")')}, ready: { log: ready } }\n`);
    const up = await devnet(['up', '-d', '--only', 'a', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const logs = await devnet(['logs', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(logs.stdout).toContain('x\\e]0;owned\\x07 \\e[2J red \\r done');
    expect(logs.stdout).not.toMatch(/\x1b|\x07|\r/);
  });
});

describe('a service bound to every interface', () => {
  it('is warned about unless the stack says exposure: public', async () => {
    await using s = tmpStack(`name: wild\nservices:\n  a: { command: "sleep 1", host: 0.0.0.0, port: 1 }\n  b: { command: "sleep 1", host: "::", port: 2, exposure: public }\n`);
    const r = await devnet(['doctor', '--stack', s.file, '--json'], { cwd: s.dir, env: s.env });
    const warnings = (JSON.parse(r.stdout) as { checks: { level: string; message: string }[] }).checks.filter((c) => c.level === 'warn').map((c) => c.message);
    expect(warnings.join('\n')).toMatch(/devnet\.yaml:3:\d+: services\.a\.host: service a binds 0\.0\.0\.0, every network interface: other machines can reach it; bind 127\.0\.0\.1, or mark it exposure: public/);
    expect(warnings.join('\n')).not.toContain('service b binds');
  });
});
