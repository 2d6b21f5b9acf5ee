// The state tree (state, lock, logs, stop requests) is private and never followed out of:
// planted links are replaced, not written through; modes hold under any umask.
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, devnet, pidsOfStack, tmpStack } from '../helpers.js';

const node = process.execPath;
const sleeper = (name: string) =>
  `name: ${name}\nservices:\n  a: { command: ["${node}", "-e", "console.log(process.env.SECRET_TOKEN, 'listening'); setInterval(() => {}, 1000)"], env: { SECRET_TOKEN: hunter2hunter2 }, ready: { log: listening } }\n`;
/** A stack whose state directory exists already, with `mode` (and its parent with `parentMode`). */
function withStateDir(name: string, mode: number, parentMode = 0o700) {
  const s = tmpStack(sleeper(name));
  const dir = join(s.stateDir, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(s.stateDir, parentMode);
  chmodSync(dir, mode);
  return Object.assign(s, { stackState: dir });
}
const mode = (p: string) => (lstatSync(p).mode & 0o777).toString(8);

describe('the state tree', () => {
  it('is 0700 and its files 0600 under a umask of 000', async () => {
    await using s = tmpStack(sleeper('modes'));
    const r = await execa('/bin/sh', ['-c', `umask 000; exec "${node}" "${CLI}" up -d --stack "${s.file}"`], { cwd: s.dir, env: { ...s.env, NO_COLOR: '1' }, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    const dir = join(s.stateDir, 'modes');
    expect(mode(s.stateDir)).toBe('700');
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'logs'))).toBe('700');
    for (const f of ['state.json', 'lock', 'logs/a.log']) expect(`${f} ${mode(join(dir, f))}`).toBe(`${f} 600`);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    for (const f of readdirSync(dir)) if (!lstatSync(join(dir, f)).isDirectory()) expect(`${f} ${mode(join(dir, f))}`).toBe(`${f} 600`);
  });

  it('replaces planted links instead of writing through them', async () => {
    await using s = withStateDir('links', 0o700);
    const dir = s.stackState;
    mkdirSync(join(dir, 'logs'), { mode: 0o700 });
    const victims = ['victim-log', 'victim-stop', 'victim-state', 'victim-tmp'].map((v) => join(s.dir, v));
    for (const v of victims) writeFileSync(v, 'precious\n');
    symlinkSync(victims[0]!, join(dir, 'logs', 'a.log'));
    symlinkSync(victims[1]!, join(dir, 'stop-request.json'));
    // the temp names devnet used before were guessable: plant a link for many of them
    for (let pid = process.pid; pid < process.pid + 300; pid++) symlinkSync(victims[3]!, join(dir, `state.json.${pid}.tmp`));
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    expect(lstatSync(join(dir, 'logs', 'a.log')).isSymbolicLink()).toBe(false);
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    for (const v of victims) expect(readFileSync(v, 'utf8')).toBe('precious\n');
    expect(pidsOfStack('links')).toEqual([]);
  });

  it('refuses a state link planted where state.json goes, in one line', async () => {
    await using s = withStateDir('statelink', 0o700);
    const dir = s.stackState;
    writeFileSync(join(s.dir, 'fake.json'), '{}');
    symlinkSync(join(s.dir, 'fake.json'), join(dir, 'state.json'));
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(1);
    expect(r.stderr).toContain('state.json is a symbolic link; devnet never follows links in its state directory');
    expect(r.stderr).not.toContain('internal error');
    expect(pidsOfStack('statelink')).toEqual([]);
  });

  it('refuses a state directory that another user owns or can write', async () => {
    await using s = withStateDir('shared', 0o777);
    const dir = s.stackState;
    let r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(1);
    expect(r.stderr).toMatch(/state directory .*shared is writable by other users \(mode 0777\)/);
    expect(r.stderr).toContain('hint: chmod 700');
    if (process.getuid?.() === 0) {
      chmodSync(dir, 0o700);
      chownSync(dir, 65534, 65534);
      r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(r.code, r.all).toBe(1);
      expect(r.stderr).toMatch(/state directory .*shared belongs to uid 65534, not to you \(uid 0\)/);
      chownSync(dir, 0, 0);
    }
    expect(pidsOfStack('shared')).toEqual([]);
  });

  it('tightens a 0755 state directory left by an older devnet', async () => {
    await using s = withStateDir('old', 0o755, 0o755);
    const dir = s.stackState;
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
