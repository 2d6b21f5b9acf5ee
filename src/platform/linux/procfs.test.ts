import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { linux } from './index.js';
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

describe.runIf(process.platform === 'linux')('descendants', () => {
  it('lists a process and its whole tree from the processes themselves, as a scan of every process finds it', async () => {
    // a shell with a child and a grandchild, in a group of its own
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & /bin/sh -c "sleep 30 & wait" & wait'], { detached: true, stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const fromScan = () => {
        const all = linux.processes();
        const tree = new Set([pid]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const p of all) if (tree.has(p.ppid) && !tree.has(p.pid)) grew = tree.add(p.pid).size > 0;
        }
        return [...tree].sort();
      };
      // until the shells have forked: root, sleep, inner shell, its sleep
      for (let i = 0; i < 400 && fromScan().length < 4; i++) await new Promise((r) => setTimeout(r, 5));
      const tree = linux.descendants!(pid)!;
      expect(tree[0]).toMatchObject({ pid, startTime: readStat(pid)!.startTime });
      expect(tree.map((p) => p.pid).sort()).toEqual(fromScan());
      expect(tree).toHaveLength(4);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    // gone: nothing to signal
    expect(linux.descendants!(child.pid!)).toEqual([]);
  });
});
