// Where devnet keeps what outlives one command, as plain functions of the environment: the
// user's state directory and the index of runs. A leaf on purpose, and light (no node:crypto,
// 3 ms to load): the launcher's quick look at whether a stack is up (src/supervisor/launch.ts,
// built alone) reads them before anything loads.
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** The user's own devnet state directory. */
export function userStateDir(env: Env = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'devnet');
}

/** The index of runs: one small file per stack file and port offset (see run-index.ts). */
export function indexDir(env: Env = process.env): string {
  return env.DEVNET_STATE_DIR ? join(env.DEVNET_STATE_DIR, '.runs') : join(userStateDir(env), 'runs');
}
