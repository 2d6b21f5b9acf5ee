import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcText, readStat } from './procfs.js';

describe('readProcText', () => {
  it('reads a text longer than its buffer whole, and the next one from the start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-procfs-'));
    try {
      const long = join(dir, 'long');
      const text = Array.from({ length: 3000 }, (_, i) => `VAR_${i}=${'x'.repeat(i % 17)}`).join('\0');
      writeFileSync(long, text, 'latin1');
      expect(readProcText(long)).toBe(text);
      const short = join(dir, 'short');
      writeFileSync(short, 'a\0b');
      expect(readProcText(short)).toBe('a\0b');
      writeFileSync(short, 'é', 'utf8');
      expect(readProcText(short, 'utf8')).toBe('é');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === 'linux')('reads /proc files the kernel reports as empty, as readFileSync does', () => {
    expect(readProcText('/proc/self/cmdline')).toBe(readFileSync('/proc/self/cmdline', 'latin1'));
    expect(readStat(process.pid)).toMatchObject({ pid: process.pid, ppid: process.ppid });
  });

  it('throws for a file that cannot be read', () => {
    expect(() => readProcText('/nonexistent/devnet/stat')).toThrow(/ENOENT/);
  });
});
