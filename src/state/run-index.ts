// The stacks this user has run, one small file per stack file and port offset, written at
// up. Commands on a running stack find its state here without reading the stack file, so
// they work when the file is now invalid, renamed or deleted; devnet ls lists them all.
// With DEVNET_STATE_DIR the index lives inside it, so separate state roots stay separate.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { platform } from '../platform/index.js';
import { join } from 'node:path';
import { indexDir, runEntryFile, runEntryKey } from './locations.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from '../fs/private-fs.js';
import { identityOf, isSameProcess, type ProcessIdentity } from '../platform/identity.js';

export interface RunEntry {
  stateDir: string;
  stackId: string;
  stackName: string;
  /** absolute path of the stack file at up */
  stackFile: string;
  portOffset: number;
  startedAt: string;
  /** the stack file's text hash at up (absent in entries written before it was recorded) */
  textHash?: string;
  /** the stack had secret values (env files): a command printing for it loads it, to redact them */
  secrets?: true;
}

type Env = Record<string, string | undefined>;

export { indexDir };

const entryFile = runEntryFile;
const claimFile = (stackFile: string, portOffset: number, env: Env) => join(indexDir(env), `${runEntryKey(stackFile, portOffset)}.starting`);

/**
 * An `up` of this stack file and offset is starting: written the moment the file is known,
 * before the stack is loaded and its lock (in the state folder the stack names) can be taken.
 * A `down` in that window waits for the claim to turn into a lock, then stops the run.
 */
export function claimStart(stackFile: string, portOffset: number, env: Env = process.env): () => void {
  // at once: on the POSIX backend a start time costs a ps run, by when a down started beside
  // this up may have looked already; the pid alone, within CLAIM_MAX_AGE_MS, is proof enough
  const me = platform().name === 'linux' ? identityOf(process.pid) : { pid: process.pid };
  if (!me) return () => {};
  const file = claimFile(stackFile, portOffset, env);
  try {
    ensurePrivateDir(indexDir(env));
    writePrivateFile(file, JSON.stringify(me));
  } catch {
    return () => {}; // a state folder it cannot write: up reports that itself, on the lock
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const held = parseClaim(readQuiet(file));
    if (held?.pid === me.pid && held.startTime === (me as Partial<ProcessIdentity>).startTime) rmSync(file, { force: true });
  };
}

/** A claim is an up loading its stack, which takes well under this: an older one is stale whatever its pid. */
const CLAIM_MAX_AGE_MS = 60_000;

const readQuiet = (file: string) => {
  try {
    return readPrivateFile(file);
  } catch {
    return undefined;
  }
};

function parseClaim(text: string | undefined): { pid: number; startTime?: number } | undefined {
  try {
    const v = JSON.parse(text ?? '') as Partial<ProcessIdentity>;
    return typeof v.pid === 'number' ? { pid: v.pid, ...(typeof v.startTime === 'number' ? { startTime: v.startTime } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

function claimLive(file: string, holder: { pid: number; startTime?: number }): boolean {
  if (holder.startTime !== undefined) return isSameProcess({ pid: holder.pid, startTime: holder.startTime });
  try {
    return Date.now() - statSync(file).mtimeMs < CLAIM_MAX_AGE_MS && platform().exists(holder.pid);
  } catch {
    return false;
  }
}

/** Waits (at most `ms`) while a live `up` holds the start claim; true if there was one. */
export async function waitForStartClaim(stackFile: string, portOffset: number, ms = 30_000, env: Env = process.env): Promise<boolean> {
  const file = claimFile(stackFile, portOffset, env);
  const until = Date.now() + ms;
  let waited = false;
  for (;;) {
    const holder = parseClaim(readQuiet(file));
    if (!holder || !claimLive(file, holder) || Date.now() > until) return waited;
    waited = true;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function parse(text: string | undefined): RunEntry | undefined {
  if (!text) return undefined;
  try {
    const e = JSON.parse(text) as Partial<RunEntry>;
    return typeof e.stateDir === 'string' && typeof e.stackFile === 'string' && typeof e.stackId === 'string' ? (e as RunEntry) : undefined;
  } catch {
    return undefined;
  }
}

export function recordRun(entry: RunEntry, env: Env = process.env): void {
  ensurePrivateDir(indexDir(env));
  writePrivateFile(entryFile(entry.stackFile, entry.portOffset, env), JSON.stringify(entry, null, 2));
}

/** The run recorded for this stack file and offset, if any. */
export function findRun(stackFile: string, portOffset: number, env: Env = process.env): RunEntry | undefined {
  try {
    const e = parse(readPrivateFile(entryFile(stackFile, portOffset, env)));
    return e?.stackFile === stackFile && e.portOffset === portOffset ? e : undefined;
  } catch {
    return undefined;
  }
}

export function listRuns(env: Env = process.env): RunEntry[] {
  let names: string[];
  try {
    names = readdirSync(indexDir(env)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((f) => {
    try {
      const e = parse(readPrivateFile(join(indexDir(env), f)));
      return e ? [e] : [];
    } catch {
      return [];
    }
  });
}

/** Removes the entry when it still names this state folder (a later up may have replaced it). */
export function forgetRun(stackFile: string, portOffset: number, stateDir: string, env: Env = process.env): void {
  if (findRun(stackFile, portOffset, env)?.stateDir === stateDir) rmSync(entryFile(stackFile, portOffset, env), { force: true });
}

/**
 * The stack file's text as now applied to the running stack (devnet up on a running stack,
 * up --watch): commands on it act from the run again, without loading the file, while it
 * stays so. Best effort: without it they load the file, slower and as right.
 */
export function noteAppliedText(stack: { file: string; portOffset: number; textHash?: string; secretValues: readonly string[] }, stateDir: string, env: Env = process.env): void {
  const entry = findRun(stack.file, stack.portOffset, env);
  if (!entry || entry.stateDir !== stateDir || !stack.textHash || entry.textHash === stack.textHash) return;
  const { secrets: _had, ...rest } = entry;
  try {
    recordRun({ ...rest, textHash: stack.textHash, ...(stack.secretValues.length ? { secrets: true as const } : {}) }, env);
  } catch {
    // an index that cannot be written is an index that is read slower
  }
}
