// Forking the detached supervisor of `up -d`. Node's start-up is the longest wait of an
// up -d, and the supervisor's cannot begin before the CLI's has ended; but it can begin
// before the CLI loads its own code: bin/devnet.cjs forks it first thing through this file
// (built alone as dist/fork-supervisor.cjs), and the CLI adopts the child. Its channel is
// not referenced until the CLI hands it the stack, so a CLI that ends first (bad usage,
// --help, a stack already up) is not held open by it; the child sees the channel close and
// exits, having started nothing.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

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
