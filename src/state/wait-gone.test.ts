import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePlatform, platform, usePlatform } from '../platform/index.js';
import { waitGone } from '../platform/wait-gone.js';

/** A child that exits after `ms` and stays a zombie: its parent (exec'd into sleep) never reaps it. */
async function zombieSoon(ms: number) {
  const parent = spawn('sh', ['-c', `sleep ${ms / 1000} & echo $!; exec sleep 10`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  const id = platform().stat(pid);
  return { id: { pid, startTime: id!.startTime }, [Symbol.dispose]: () => parent.kill('SIGKILL') };
}

describe.each(['linux', 'posix'])('waitGone (%s backend)', (name) => {
  afterEach(() => usePlatform(undefined));

  it('ends once a process is gone, a zombie counting as gone', async () => {
    usePlatform(choosePlatform(name));
    using z = await zombieSoon(300);
    // its parent lives on for 10s: a wait that took the zombie for a process would last the full 5s and return it
    expect(await waitGone([z.id], 5000)).toEqual([]);
  });

  it('returns what still runs when the time is up, or when cut short', async () => {
    usePlatform(choosePlatform(name));
    using z = await zombieSoon(8000);
    expect(await waitGone([z.id], 150)).toEqual([z.id]);
    expect(await waitGone([z.id], 5000, AbortSignal.abort())).toEqual([z.id]);
  });

  it('takes a reused pid for gone: another start time is another process', async () => {
    usePlatform(choosePlatform(name));
    using z = await zombieSoon(8000);
    expect(await waitGone([{ pid: z.id.pid, startTime: z.id.startTime - 5 }], 1000)).toEqual([]);
  });
});
