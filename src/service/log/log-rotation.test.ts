import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generationFile, rotateLog } from './log-rotation.js';

describe('rotateLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-rotate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the newest generations and drops the oldest', () => {
    const log = join(dir, 'api.log');
    for (const run of ['one', 'two', 'three', 'four', 'five']) {
      rotateLog(log, 3);
      writeFileSync(log, run);
    }
    expect(readFileSync(log, 'utf8')).toBe('five');
    expect([1, 2, 3].map((n) => readFileSync(generationFile(log, n), 'utf8'))).toEqual(['four', 'three', 'two']);
    expect(existsSync(generationFile(log, 4))).toBe(false);
  });
});
