// Forking the detached supervisor of `up -d`. Node's start-up is the longest wait of an
// up -d, and the supervisor's cannot begin before the CLI's has ended; but it can begin
// before the CLI loads its own code: bin/devnet.cjs forks it first thing through this file
// (built alone as dist/fork-supervisor.cjs), and the CLI adopts the child. Its channel is
// not referenced until the CLI hands it the stack, so a CLI that ends first (bad usage,
// --help, a stack already up) is not held open by it; the child sees the channel close and
// exits, having started nothing.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { indexDir } from '../state/locations.js';

export function forkSupervisor(distDir: string): ChildProcess {
  // through the loader that uses the bundle's code cache (bin/load-cached.cjs)
  const child = fork(join(distDir, '..', 'bin', 'load-cached.cjs'), [join(distDir, 'supervisor.cjs')], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  child.channel?.unref();
  child.unref();
  return child;
}

/** `up` with -d or --detach among its flags (before any `--`): worth forking for. */
export function wantsDetachedUp(args: readonly string[]): boolean {
  if (args[0] !== 'up') return false;
  const flags = args.slice(1, args.includes('--') ? args.indexOf('--') : undefined);
  return flags.some((a) => a === '--detach' || /^-[a-zA-Z]*d[a-zA-Z]*$/.test(a)) && !flags.some((a) => a === '-h' || a === '--help');
}

/**
 * A quick look, before anything loads: the stack this `up -d` names (by a path, or the
 * devnet.yaml found from here) is up already, its supervisor alive, so the edit it applies
 * needs no new one, and an early fork would only take CPU from the work. Unsure is false: the
 * fork then happens as always, and a stack found up by the CLI simply lets it go.
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
    // the index entry of this file and offset, by its fields: its name is a SHA-256, and
    // node:crypto alone would cost this look more than all the rest
    const dir = indexDir(env);
    type Entry = { stateDir: string; stackFile: string; portOffset: number };
    const entry = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Entry)
      .find((e) => e.stackFile === file && e.portOffset === offset);
    if (!entry) return false;
    const state = JSON.parse(readFileSync(join(entry.stateDir, 'state.json'), 'utf8')) as { supervisor: { pid: number; startTime: number }; platform?: string };
    const { pid, startTime } = state.supervisor;
    process.kill(pid, 0);
    if (process.platform !== 'linux' || state.platform !== 'linux') return true;
    // the very process: its start time, as the state recorded it (a reused pid is not it)
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) === startTime;
  } catch {
    return false;
  }
}

let early: ChildProcess | undefined;

/** bin/devnet.cjs hands its early fork to the CLI here. */
export function adoptEarlyFork(child: ChildProcess | undefined): void {
  early = child;
}

/** The early fork, once (a second up in one process forks its own). */
export function takeEarlyFork(): ChildProcess | undefined {
  const c = early;
  early = undefined;
  return c;
}
