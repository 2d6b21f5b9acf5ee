// The build replaces dist/ under whatever uses it: `npx devnet` reinstalls the checkout (its
// `prepare` builds) while a test run or a running stack reads dist/devnet.cjs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

let warnings = '';
const build = (...args: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (warnings += d.toString()));
    child.once('exit', (c) => resolve(c ?? 1));
  });

// in a plain Node, as bin/load-cached.cjs loads it (a test worker's V8 flags may differ)
const CACHE_CHECK = `
const { readFileSync } = require('node:fs'); const Module = require('node:module'); const { Script } = require('node:vm');
const file = process.argv[1]; const code = Module.wrap(readFileSync(file, 'utf8'));
const warm = new Script(code, { filename: file, cachedData: readFileSync(file + '.v8cache') });
const cold = new Script(code, { filename: file }).createCachedData();
console.log(JSON.stringify({ rejected: warm.cachedDataRejected, warm: readFileSync(file + '.v8cache').length, cold: cold.length }));`;

describe('the build', () => {
  it('never leaves a moment without dist/devnet.cjs while it rebuilds', async () => {
    const cli = join(ROOT, 'dist', 'devnet.cjs');
    let missing = 0;
    let looks = 0;
    const done = build('--force');
    let over = false;
    void done.then(() => (over = true));
    while (!over) {
      looks++;
      if (!existsSync(cli) || !existsSync(join(ROOT, 'dist', 'launch.cjs'))) missing++;
      await new Promise((r) => setImmediate(r));
    }
    expect(await done).toBe(0);
    expect(looks).toBeGreaterThan(50);
    expect(missing).toBe(0);
    expect(warnings).toBe('');
  });

  it('warms the code cache of dist/devnet.cjs with a real up -d and down: V8 takes it, and it holds far more than the top level', () => {
    const r = JSON.parse(execFileSync(process.execPath, ['-e', CACHE_CHECK, join(ROOT, 'dist', 'devnet.cjs')], { encoding: 'utf8' })) as { rejected: boolean; warm: number; cold: number };
    expect(r.rejected).toBe(false);
    // the functions up -d and down ran, compiled: about four times the compile-only cache
    expect(r.warm).toBeGreaterThan(2 * r.cold);
  });

  it('does nothing when nothing changed since the last build', async () => {
    expect(await build()).toBe(0);
    const before = statSync(join(ROOT, 'dist', 'devnet.cjs')).mtimeMs;
    expect(await build()).toBe(0);
    expect(statSync(join(ROOT, 'dist', 'devnet.cjs')).mtimeMs).toBe(before);
  });
});
