// Where devnet keeps what outlives one command, as plain functions of the environment: the
// user's state directory and the index of runs. A leaf on purpose: the launcher's quick look
// at whether a stack is up (src/supervisor/fork.ts, built alone) reads them before anything loads.
import { createHash } from 'node:crypto';
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

/** The name of a run's index entry: its stack file and offset. */
export const entryKey = (stackFile: string, portOffset: number): string => createHash('sha256').update(`${stackFile}\0${portOffset}`).digest('hex').slice(0, 24);
