// Where devnet keeps what outlives one command, as plain functions of the environment: the
// user's state directory and the index of runs. Light on purpose (no node:crypto, 3 ms to
// load; the index's names are quick hashes): the launcher's quick looks (supervisor/launch.ts,
// control/early-down.ts, each built alone) read them before anything loads.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quickHash } from '../quick-hash.js';

type Env = Record<string, string | undefined>;

/** The user's own devnet state directory. */
export function userStateDir(env: Env = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'devnet');
}

/** The index of runs: one small file per stack file and port offset (see run-index.ts). */
export function indexDir(env: Env = process.env): string {
  return env.DEVNET_STATE_DIR ? join(env.DEVNET_STATE_DIR, '.runs') : join(userStateDir(env), 'runs');
}

/** The name, in the index, of a stack file at a port offset (run-index.ts: its entry, its start claim). */
export const runEntryKey = (stackFile: string, portOffset: number): string => quickHash(`${stackFile}\0${portOffset}`);

/** The index entry of a stack file at a port offset. */
export const runEntryFile = (stackFile: string, portOffset: number, env: Env = process.env): string => join(indexDir(env), `${runEntryKey(stackFile, portOffset)}.json`);
