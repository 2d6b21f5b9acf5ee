// Logs keep evidence: the previous runs' logs survive the next up, a log rotates at its
// size cap, and devnet logs can show times and start from one.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;

describe('service logs', () => {
  it("keep the previous run's log as a.1.log, rotate at log_max_size, and show times and --since", async () => {
    const chatty = `["${node}", "-e", "console.log('run ' + process.env.RUN); let i = 0; setInterval(() => console.log('line ' + ++i + ' ' + 'x'.repeat(60)), 5)"]`;
    await using s = tmpStack(`name: evidence\nservices:\n  a: { command: ${chatty}, env: { RUN: "\${env.RUN}" }, ready: { log: "^run" }, log_max_size: 4KiB }\n`);
    const logs = join(s.stateDir, 'evidence', 'logs');
    const run = (n: string) => devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, RUN: n } });
    expect((await run('one')).code).toBe(0);
    // past 4 KiB the log rotates while the service runs
    await waitFor(() => existsSync(join(logs, 'a.1.log')), 10_000, 'a rotation at the size cap');
    expect(statSync(join(logs, 'a.log')).size).toBeLessThanOrEqual(4096 + 200);
    expect((await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    expect((await run('two')).code).toBe(0);
    const earlier = [1, 2, 3].map((n) => join(logs, `a.${n}.log`)).filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('');
    expect(readFileSync(join(logs, 'a.log'), 'utf8')).toContain('run two');
    expect(existsSync(join(logs, 'a.4.log'))).toBe(false);
    expect(earlier).toMatch(/line \d+/); // the first run's lines are still there
    const shown = await devnet(['logs', '-t', '--since', '1h', '-n', '2', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(shown.stdout).toMatch(/^a \| \d{4}-\d\d-\d\dT[\d:.]+Z /m);
    const none = await devnet(['logs', '--since', '2999-01-01T00:00:00Z', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(none.stdout.trim()).toBe('');
    const bad = await devnet(['logs', '--since', 'yesterday-ish', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: expected a time');
  });
});
