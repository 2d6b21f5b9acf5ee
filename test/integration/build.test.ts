// The build replaces dist/ under whatever uses it: `npx devnet` reinstalls the checkout (its
// `prepare` builds) while a test run or a running stack reads dist/devnet.cjs.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const build = (...args: string[]) =>
  new Promise<number>((resolve) => spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), ...args], { cwd: ROOT, stdio: 'ignore' }).once('exit', (c) => resolve(c ?? 1)));

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
  });

  it('does nothing when nothing changed since the last build', async () => {
    expect(await build()).toBe(0);
    const before = statSync(join(ROOT, 'dist', 'devnet.cjs')).mtimeMs;
    expect(await build()).toBe(0);
    expect(statSync(join(ROOT, 'dist', 'devnet.cjs')).mtimeMs).toBe(before);
  });
});
