// One `up` per stack: the lock names its holder; a lock whose holder is gone is stale and taken over.
//
// The lock appears with its content or not at all: it is written to a private temp file and
// link()ed into place, so a reader never sees it empty and calls it stale. Taking over a stale
// lock is the one step two devnets can race on (both read the same stale lock; one replaces it,
// the other must not then remove the winner's). Takeover therefore happens under a second,
// short-lived lock (`lock.break`): its holder checks again that the lock is still the stale one
// it read, and replaces it with rename(), which never leaves a moment with no lock.
import { linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockError } from '../errors.js';
import { createPrivateTemp, ensurePrivateDir, readPrivateFile } from '../fs/private-fs.js';
import { platform, withPlatform } from '../platform/index.js';
import type { Platform } from '../platform/types.js';
import { identityOf, isSameProcess, type ProcessIdentity } from '../platform/identity.js';

export interface LockInfo extends ProcessIdentity {
  /** the backend whose start time this is (see adoptPlatform) */
  platform?: Platform['name'];
  runId: string;
  stackId: string;
  acquiredAt: string;
}

/** A breaker that died mid-takeover leaves lock.break behind; after this long nobody is using it. */
const BREAK_STALE_MS = 2000;
const ATTEMPTS = 200;

function parseLock(text: string | undefined): LockInfo | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.startTime === 'number' ? (v as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** The lock's holder still runs: its start time read with the backend that recorded it. */
export function holderAlive(lock: LockInfo | undefined): boolean {
  return !!lock && withPlatform(lock.platform, () => isSameProcess(lock));
}

/** The lock at `file`, or undefined when there is none or it is not a lock; one that cannot be read (EACCES, a link) is an error, never "no lock". */
export function readLock(file: string): LockInfo | undefined {
  return parseLock(readPrivateFile(file));
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `act` under the break lock (taken by linking `tmp` to lock.break) if the lock still reads
 * `staleText`; false when another devnet holds the break lock or the lock changed meanwhile.
 */
function whileStillStale(file: string, staleText: string, tmp: string, act: () => void): boolean {
  const breaker = `${file}.break`;
  if (!tryLink(tmp, breaker)) {
    clearDeadBreaker(breaker);
    return false;
  }
  try {
    if (readPrivateFile(file) !== staleText) return false;
    act();
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** A breaker that died mid-takeover leaves lock.break behind: it goes once nobody can be using it. */
function clearDeadBreaker(breaker: string): void {
  const holder = readLock(breaker);
  let age = 0;
  try {
    age = Date.now() - statSync(breaker).mtimeMs;
  } catch {
    // gone already
  }
  if (!holderAlive(holder) && age > BREAK_STALE_MS) rmSync(breaker, { force: true });
}

function alreadyUp(stackId: string, holder: LockInfo): LockError {
  return new LockError(`stack ${stackId} is already up (devnet pid ${holder.pid}, since ${holder.acquiredAt})`, {
    hint: 'stop it first with devnet down, or run a second copy beside it with --port-offset N',
  });
}

/** Takes the lock for this process; throws LockError while a live devnet holds it. */
export function acquireLock(file: string, stackId: string, runId: string): LockInfo {
  const holder = identityOf(process.pid);
  if (!holder) throw new LockError(`cannot take the lock ${file}: the identity of pid ${process.pid} cannot be read (is /proc mounted?)`);
  ensurePrivateDir(dirname(file));
  const info: LockInfo = { pid: holder.pid, startTime: holder.startTime, platform: platform().name, runId, stackId, acquiredAt: new Date().toISOString() };
  const tmp = createPrivateTemp(file, JSON.stringify(info));
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (tryLink(tmp, file)) return info;
      const text = readPrivateFile(file);
      if (text === undefined) continue; // released meanwhile: try again at once
      const current = parseLock(text);
      if (current && holderAlive(current)) throw alreadyUp(stackId, current);
      // the holder is gone, or the file is not a lock at all: stale
      if (whileStillStale(file, text, tmp, () => renameSync(tmp, file))) return info;
      pause(1 + (attempt % 5));
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new LockError(`could not take the lock ${file}: another devnet keeps taking it`);
}

/** Removes the lock if `info` still holds it. */
export function releaseLock(file: string, info: ProcessIdentity): void {
  const holder = readLock(file);
  if (holder && holder.pid === info.pid && holder.startTime === info.startTime) rmSync(file, { force: true });
}

/** Removes a lock whose holder is gone, under the same break lock as a takeover. */
export function clearStaleLock(file: string): void {
  const text = readPrivateFile(file);
  const holder = parseLock(text);
  const me = identityOf(process.pid);
  if (text === undefined || holderAlive(holder) || !me) return;
  const tmp = createPrivateTemp(`${file}.break`, JSON.stringify({ ...me, platform: platform().name }));
  try {
    whileStillStale(file, text, tmp, () => rmSync(file, { force: true }));
  } finally {
    rmSync(tmp, { force: true });
  }
}
