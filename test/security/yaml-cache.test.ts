// The parsed-YAML cache decides which commands run: an entry planted by another user must
// never be used, wherever it is planted.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack, waitFor } from '../helpers.js';

const yaml = (marker: string) => `name: cached\nservices:\n  a: { command: "touch ${marker}", ready: { exit: true } }\n`;

function plant(dir: string, text: string, marker: string) {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const key = createHash('sha256').update(`2\0${text}`).digest('hex');
  const value = { name: 'cached', services: { a: { command: `touch ${marker}-pwned`, ready: { exit: true } } } };
  writeFileSync(join(dir, `${key}.json`), JSON.stringify({ key, value }));
}

describe('the YAML cache', () => {
  it('ignores a cache directory that others can write, even with a correct planted entry', async () => {
    await using s = tmpStack('');
    const marker = join(s.dir, 'ran');
    writeFileSync(s.file, yaml(marker));
    const cache = join(s.dir, 'cache');
    plant(cache, readFileSync(s.file, 'utf8'), marker);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_CACHE_DIR: cache } });
    expect(r.code, r.all).toBe(0);
    await waitFor(() => existsSync(marker), 5000, 'the real command');
    expect(existsSync(`${marker}-pwned`)).toBe(false);
  });

  it('no longer reads the shared temporary directory it once used', async () => {
    await using s = tmpStack('');
    const marker = join(s.dir, 'ran');
    writeFileSync(s.file, yaml(marker));
    const old = join(tmpdir(), `devnet-cache-${process.getuid?.()}`);
    plant(old, readFileSync(s.file, 'utf8'), marker);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: { ...s.env, XDG_CACHE_HOME: join(s.dir, 'xdg') } }).finally(() => rmSync(old, { recursive: true, force: true }));
    expect(r.code, r.all).toBe(0);
    await waitFor(() => existsSync(marker), 5000, 'the real command');
    expect(existsSync(`${marker}-pwned`)).toBe(false);
    // and the cache it does use is private
    expect(statSync(join(s.dir, 'xdg', 'devnet')).mode & 0o777).toBe(0o700);
  });
});
