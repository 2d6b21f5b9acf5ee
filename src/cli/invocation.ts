// How this CLI process was launched, as bin/devnet.cjs found it before anything loaded: the
// argv it was given, and for `up -d` (see src/supervisor/launch.ts) whether this process is
// the supervisor a waiter launched (the waiter's pid), or the cleanup after one that died;
// for `down`, the stop request it sent before the CLI loaded.
import type { EarlyDown } from '../control/early-down.js';
import type { Died } from '../supervisor/launch.js';

export interface Invocation {
  /** the program file and the arguments, to launch this same command again */
  bin: string;
  args: readonly string[];
  /** this process is an up -d's supervisor: a SIGUSR1 to this pid says the stack is up */
  detachFor?: number;
  /** the supervisor an up -d launched died before the stack was up */
  died?: Died;
  /** devnet down: the stop request bin/devnet.cjs already sent, its answer still to read */
  earlyDown?: EarlyDown;
}

let current: Invocation = { bin: process.argv[1] ?? '', args: process.argv.slice(2) };

export function setInvocation(i: Invocation): void {
  current = i;
}

export function invocation(): Invocation {
  return current;
}
