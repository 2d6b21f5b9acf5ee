// A wave of stops on real processes: every service hears its stop signal before the process
// table is read (the read waits on services that are busy exiting on the same cores), and
// what only the table finds (a process carrying the run's marker outside the tree) still
// hears its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { identityOf } from '../../src/platform/identity.js';
import { platform } from '../../src/platform/index.js';
import { MARKER } from '../../src/platform/marker.js';
import { sharedScan, stopService } from '../../src/service/stop.js';
import { pidAlive, waitFor } from '../helpers.js';

const node = process.execPath;
const started: ChildProcess[] = [];

function start(env: Record<string, string> = {}): ChildProcess {
  const child = spawn(node, ['-e', "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 50)); console.log('up'); setInterval(() => {}, 1000)"], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, ...env },
  });
  started.push(child);
  return child;
}

const up = (c: ChildProcess) => new Promise((r) => c.stdout!.once('data', r));

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  vi.restoreAllMocks();
});

// only a backend that lists a leader's tree from the processes themselves (Linux) can signal
// before the table is read; the POSIX backend (ps) reads the table first, by design
describe.runIf(platform().descendants !== undefined)('a wave of stops', () => {
  it('signals every service of the wave before it reads the process table, then what only the table finds', async () => {
    const runId = `wave-${process.pid}`;
    const marker = (service: string) => ({ [MARKER.stack]: 'wave', [MARKER.service]: service, [MARKER.run]: runId });
    const leaders = ['a', 'b', 'c'].map((name) => ({ name, child: start(marker(name)) }));
    // outside every tree (a process of its own), found by service a's marker alone
    const stray = start(marker('a'));
    await Promise.all([...leaders.map((l) => up(l.child)), up(stray)]);
    const kills: [number, string][] = [];
    const realKill = process.kill.bind(process);
    vi.spyOn(process, 'kill').mockImplementation((pid: number, sig?: string | number) => {
      kills.push([pid, String(sig)]);
      return realKill(pid, sig);
    });
    const shared = sharedScan();
    let atScan: [number, string][] | undefined;
    // taken as the table is read: the first callback after the read, before any stop goes on
    const scan = () => shared().then((procs) => ((atScan ??= [...kills]), procs));
    const results = await Promise.all(
      leaders.map(({ name, child }) => {
        const id = identityOf(child.pid!)!;
        return stopService({ name, pid: id.pid, pgid: id.pid, startTime: id.startTime, runId, stopTimeoutMs: 5000 }, 5000, scan);
      }),
    );
    // each leader's group had its SIGTERM before the one read of the table
    for (const { child } of leaders) expect(atScan).toContainEqual([-child.pid!, 'SIGTERM']);
    expect(atScan!.some(([pid]) => pid === stray.pid)).toBe(false);
    // once each: the stray by its pid after the read, no group twice
    expect(kills.filter(([, s]) => s === 'SIGTERM').map(([p]) => p).sort()).toEqual([...leaders.map((l) => -l.child.pid!), stray.pid!].sort());
    expect(results.map((r) => r.forced)).toEqual([false, false, false]);
    expect(results[0]!.signalled).toBe(2);
    await waitFor(() => ![...leaders.map((l) => l.child), stray].some((c) => pidAlive(c.pid!)), 5000, 'every process gone');
  });
});
