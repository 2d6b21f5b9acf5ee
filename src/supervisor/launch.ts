// Launching `up -d`. Its caller (a shell, a script) waits for this command to end, while the
// supervisor it starts must outlive it; Node cannot fork, so the supervisor is the same
// command run again in a process of its own session: it does all of up's work (the stack,
// preflight, the start, every line of output, the exit code of a failure) on the caller's
// stdout and stderr, and once the stack is up it lets go of them and tells its waiter, which
// ends with 0. The supervisor's Node start-up is then the only one before the first spawn
// where bin/devnet.cjs runs as the shell script it also is (see its first lines): the shell
// waits for the supervisor as waitForDetachedUp does here, without a Node of its own. This
// file is built alone (dist/launch.cjs) for bin/devnet.cjs: nothing heavy loads before the
// decision.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runEntryFile } from '../state/locations.js';
import { readStat } from '../platform/linux/proc-stat.js';

/**
 * Set for the supervisor of an up -d: the pid of the process that waits for it (a SIGUSR1 to
 * it says up). The shell waiter sets DEVNET_SUPERVISOR_DIED ("PID STATUS", 128 + the signal)
 * for the command it runs after its supervisor was killed; bin/devnet.cjs reads both.
 */
export const DETACH_FOR = 'DEVNET_DETACH_FOR';

export interface Died {
  pid: number;
  signal: NodeJS.Signals;
}
export type Launched = { code: number } | { died: Died };

/**
 * The waiter: runs `bin args` as the supervisor of an up -d, in its own session (a terminal's
 * Ctrl-C and hangup reach it through here, once), and settles on its SIGUSR1 (the stack is up:
 * 0) or on its exit (its own code; killed by a signal, a death the caller cleans up after).
 */
export function waitForDetachedUp(bin: string, args: readonly string[]): Promise<Launched> {
  return new Promise((settle) => {
    const child = spawn(process.execPath, [bin, ...args], { detached: true, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, [DETACH_FOR]: String(process.pid) } });
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, () => void child.kill(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (r: Launched) => {
      // the supervisor runs on: this process may end before it
      child.unref();
      for (const [s, h] of handlers) process.off(s, h);
      process.off('SIGUSR1', up);
      settle(r);
    };
    const up = () => done({ code: 0 });
    process.on('SIGUSR1', up);
    child.on('error', () => done({ code: 1 }));
    child.on('exit', (code, signal) => done(signal ? { died: { pid: child.pid!, signal } } : { code: code ?? 1 }));
  });
}

/**
 * The supervisor's side, once the stack is up and its last lines are written: it lets go of
 * the caller's stdout and stderr (a `$(devnet up -d)` or an ssh session ends only when every
 * writer has) and tells its waiter, which ends with 0. Nothing is written to them again.
 */
export async function releaseWaiter(waiter: number): Promise<void> {
  const streams = [process.stdout, process.stderr];
  // written, not just queued (pipes are asynchronous on macOS)
  for (const s of streams) await new Promise<void>((r) => (s.writableLength === 0 ? r() : s.write('', () => r())));
  for (const s of streams) s.write = (() => true) as typeof s.write;
  for (const fd of [1, 2]) {
    try {
      closeSync(fd);
    } catch {
      // not open: nothing held
    }
    try {
      // the lowest free numbers: fd 1 and 2 again, now /dev/null, so a file opened later never
      // takes a number Node still thinks of as stdout
      while (openSync('/dev/null', 'w') < fd);
    } catch {
      // out of descriptors: the numbers stay free, and nothing writes to them any more
    }
  }
  // a living process's parent is its waiter still (a waiter gone leaves it another parent)
  if (process.ppid === waiter) process.kill(waiter, 'SIGUSR1');
}

/** `up` with -d or --detach among its flags (before any `--`): launched so. The shell waiter of bin/devnet.cjs decides alike (a test holds them to one table). */
export function wantsDetachedUp(args: readonly string[]): boolean {
  if (args[0] !== 'up') return false;
  const flags = args.slice(1, args.includes('--') ? args.indexOf('--') : undefined);
  return flags.some((a) => a === '--detach' || /^-[a-zA-Z]*d[a-zA-Z]*$/.test(a)) && !flags.some((a) => a === '-h' || a === '--help');
}

/**
 * A quick look, before anything loads: the stack this `up -d` names (by a path, or the
 * devnet.yaml found from here) is up already, its supervisor alive, so the edit it applies
 * needs no new one, and the Node waiter runs the CLI in its own process rather than start a
 * second Node for nothing. Unsure is false: the supervisor is launched, and one that finds the
 * stack up applies the edit as the CLI would, and ends.
 */
export function looksUp(args: readonly string[], cwd = process.cwd(), env: Record<string, string | undefined> = process.env): boolean {
  try {
    const flags = args.slice(1, args.includes('--') ? args.indexOf('--') : undefined);
    const value = (long: string, short?: string): string | undefined => {
      for (let i = 0; i < flags.length; i++) {
        if (flags[i] === long || flags[i] === short) return flags[i + 1];
        if (flags[i]!.startsWith(`${long}=`)) return flags[i]!.slice(long.length + 1);
      }
      return undefined;
    };
    const named = value('--stack', '-s') ?? env.DEVNET_STACK;
    const offset = Number(value('--port-offset') ?? 0);
    let file: string | undefined;
    const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
    if (named !== undefined) file = isFile(resolve(cwd, named)) ? resolve(cwd, named) : undefined;
    else
      for (let dir = cwd; !file; dir = dirname(dir)) {
        file = ['devnet.yaml', 'devnet.yml'].map((f) => join(dir, f)).find(isFile);
        if (dirname(dir) === dir) break;
      }
    if (!file || !Number.isInteger(offset)) return false;
    // the index entry of this file and offset (run-index.ts), its fields checked
    const entry = JSON.parse(readFileSync(runEntryFile(file, offset, env), 'utf8')) as { stateDir: string; stackFile: string; portOffset: number };
    if (entry.stackFile !== file || entry.portOffset !== offset) return false;
    const state = JSON.parse(readFileSync(join(entry.stateDir, 'state.json'), 'utf8')) as { supervisor: { pid: number; startTime: number }; platform?: string };
    const { pid, startTime } = state.supervisor;
    process.kill(pid, 0);
    if (process.platform !== 'linux' || state.platform !== 'linux') return true;
    // the very process: its start time, as the state recorded it (a reused pid is not it)
    return readStat(pid)?.startTime === startTime;
  } catch {
    return false;
  }
}
