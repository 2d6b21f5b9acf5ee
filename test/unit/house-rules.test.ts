// House rules that a linter would otherwise hold: the core never prints or exits; only the
// CLI and the reporters (devnet ui's view among them) do.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

// ui/view.tsx draws devnet ui: a reporter of its own, on the terminal's alternate screen
const ALLOWED = [/^src\/cli\//, /^src\/report\//, /^src\/ui\/view\.tsx$/];

describe('house rules', () => {
  it('keeps printing and exiting out of the core', () => {
    const offenders = sources(join(ROOT, 'src'))
      .map((f) => relative(ROOT, f))
      .filter((f) => !ALLOWED.some((a) => a.test(f)))
      .flatMap((f) =>
        readFileSync(join(ROOT, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ f, line, i }))
          .filter(({ line }) => /\bconsole\.|process\.(stdout|stderr)\.write|process\.exit\(/.test(line))
          .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
