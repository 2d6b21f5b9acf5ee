// A state folder on a full file system (a chatty service filled it): the stack keeps running,
// restart and down work, and an up refuses cleanly and leaves nothing. Needs root to mount a
// small tmpfs; skipped elsewhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnet, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
let mnt = '';
let mounted = false;

beforeAll(() => {
  if (process.getuid?.() !== 0) return;
  mnt = mkdtempSync(join(tmpdir(), 'devnet-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
    mounted = true;
  } catch {
    // no mount here (a container without CAP_SYS_ADMIN)
  }
});

afterAll(() => {
  reapStack('fulldisk');
  if (mounted) execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
  if (mnt) rmSync(mnt, { recursive: true, force: true });
});

const free = () => statfsSync(mnt).bavail;

/** Live processes whose environment names this state folder (the CLI's and its supervisor's). */
function devnetsUsing(stateDir: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid).flatMap((d) => {
    try {
      return readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`DEVNET_STATE_DIR=${stateDir}`) ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

describe('a full disk under the state folder', () => {
  it('keeps the stack running; restart and down work; up refuses with one line and leaves nothing', async (t) => {
    if (!mounted) return t.skip();
    await using s = tmpStack(`name: fulldisk
services:
  chatty: { command: ["${node}", "-e", "console.log('up'); setInterval(() => console.log('x'.repeat(2000)), 1)"], ready: { log: up } }
  quiet: { command: ["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: up } }
`);
    const o = { cwd: s.dir, env: { DEVNET_STATE_DIR: join(mnt, 'state') } };
    const up = await devnet(['up', '-d', '--stack', s.file], o);
    expect(up.code, up.all).toBe(0);
    await waitFor(() => free() === 0, 15_000, 'the disk to fill');
    const r = await devnet(['restart', 'quiet', '--stack', s.file], { ...o, timeout: 20_000 });
    expect(r.code, r.all).toBe(0);
    expect(r.all).toContain('restarted quiet');
    const st = await devnet(['status', '--json', '--stack', s.file], o);
    expect(st.code, st.all).toBe(0);
    const down = await devnet(['down', '--stack', s.file], { ...o, timeout: 30_000 });
    expect(down.code, down.all).toBe(0);
    expect(pidsOfStack('fulldisk')).toEqual([]);
    // a disk with no byte left: up says so and starts nothing
    try {
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(2 << 20));
    } catch {
      // filled
    }
    const again = await devnet(['up', '-d', '--stack', s.file], { ...o, timeout: 20_000 });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no space left on the device/);
    expect(again.stderr).not.toContain('internal error');
    expect(pidsOfStack('fulldisk')).toEqual([]);
    // the supervisor forked for it was handed nothing and exits
    await waitFor(() => devnetsUsing(join(mnt, 'state')).length === 0, 5000, 'the refused up to leave no supervisor');
  }, 60_000);
});
