// Links planted on the paths devnet writes and deletes: a rendered file's place in the state
// folder, a files: path through a linked project folder, a data: path through a linked folder.
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack } from '../helpers.js';

const node = process.execPath;
const sleeper = `["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"]`;

describe('links on the paths devnet writes and deletes', () => {
  it('replaces a link planted at a rendered file in the state folder instead of writing through it', async () => {
    await using s = tmpStack(`name: plant\nservices:\n  a: { command: ${sleeper}, ready: { log: up }, files: { conf: { content: "rendered" } } }\n`);
    const target = join(s.dir, 'victim.txt');
    writeFileSync(target, 'precious');
    const at = join(s.stateDir, 'plant', 'files', 'a');
    mkdirSync(at, { recursive: true, mode: 0o700 });
    for (const d of [s.stateDir, join(s.stateDir, 'plant'), join(s.stateDir, 'plant', 'files')]) (await import('node:fs')).chmodSync(d, 0o700);
    symlinkSync(target, join(at, 'conf'));
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(lstatSync(join(at, 'conf')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(at, 'conf'), 'utf8')).toBe('rendered');
    expect(lstatSync(target).mode & 0o777).not.toBe(0o600);
  });

  it('refuses a files: path that a linked project folder leads outside the stack root', async () => {
    await using s = tmpStack(`name: outlink\nservices:\n  a: { command: ${sleeper}, ready: { log: up }, files: { conf: { path: out/conf, content: "x" } } }\n`);
    const elsewhere = `${s.dir}-elsewhere`;
    mkdirSync(elsewhere);
    try {
      symlinkSync(elsewhere, join(s.dir, 'out'));
      const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(up.code).toBe(1);
      expect(up.stderr).toMatch(/cannot write .*out\/conf \(files\.conf of a\): a symbolic link on its path leads outside the stack root/);
      expect(existsSync(join(elsewhere, 'conf'))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('down --volumes refuses a data directory that a link on its path leads outside the root, deleting nothing there', async () => {
    await using s = tmpStack(`name: vol\nservices:\n  a: { command: ${sleeper}, ready: { log: up }, data: ["\${stack.dir}/link/d"] }\n`);
    const o = { cwd: s.dir, env: s.env };
    const precious = `${s.dir}-precious`;
    mkdirSync(join(precious, 'd'), { recursive: true });
    writeFileSync(join(precious, 'd', 'keep.txt'), 'keep');
    try {
      mkdirSync(join(s.dir, 'link'));
      expect((await devnet(['up', '-d', '--stack', s.file], o)).code).toBe(0);
      expect((await devnet(['down', '--stack', s.file], o)).code).toBe(0);
      // between runs, the folder on the data path becomes a link to a folder outside the project
      rmSync(join(s.dir, 'link'), { recursive: true });
      symlinkSync(precious, join(s.dir, 'link'));
      const down = await devnet(['down', '--volumes', '--stack', s.file], o);
      expect(down.code).toBe(1);
      expect(down.stderr).toContain('a symbolic link on its path leads outside the stack root');
      expect(readFileSync(join(precious, 'd', 'keep.txt'), 'utf8')).toBe('keep');
      // and up does not create data through it either
      const up = await devnet(['up', '-d', '--stack', s.file], o);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain('cannot create data directory');
    } finally {
      rmSync(precious, { recursive: true, force: true });
    }
  });
});
