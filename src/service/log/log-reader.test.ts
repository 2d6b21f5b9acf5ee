import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine } from './log-file.js';
import { LogCursor, tailAcrossRotations } from './log-reader.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => formatLogLine(at(from + i), 'out', `line ${from + i}`)).join('');

function logs(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-logs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, 'a.log');
}

const tailOf = (file: string, tail: number, runStart: Date) => {
  const cursor = new LogCursor('a', file);
  return tailAcrossRotations(cursor, cursor.read(undefined, tail), tail, runStart.toISOString()).map((l) => l.line);
};

describe('the last lines of a log that rotated', () => {
  it('come from the generation before it when the current file has fewer', () => {
    const file = logs({ 'a.log': lines(10, 10), 'a.1.log': lines(1, 9) });
    expect(tailOf(file, 3, at(0))).toEqual(['line 8', 'line 9', 'line 10']);
  });

  it("reach back over more than one generation, and stop at the run's start", () => {
    const file = logs({ 'a.log': '', 'a.1.log': lines(5, 5), 'a.2.log': lines(3, 4), 'a.3.log': lines(1, 2) });
    expect(tailOf(file, 10, at(3))).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it("leave an earlier run's lines out", () => {
    const file = logs({ 'a.log': lines(20, 20), 'a.1.log': lines(1, 5) });
    expect(tailOf(file, 5, at(20))).toEqual(['line 20']);
  });
});
