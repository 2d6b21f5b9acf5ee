// One `up` per stack: the lock names its holder; a lock whose holder is gone is stale and taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockError } from '../errors.js';
import { identityOf, isSameProcess, type ProcessIdentity } from './proc.js';

export interface LockInfo extends ProcessIdentity {
  runId: string;
  stackId: string;
  acquiredAt: string;
}

export function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export function acquireLock(file: string, stackId: string, runId: string, pid = process.pid): LockInfo {
  mkdirSync(dirname(file), { recursive: true });
  const info: LockInfo = { ...identityOf(pid)!, runId, stackId, acquiredAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return info;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(file);
      if (holder && isSameProcess(holder))
        throw new LockError(`stack ${stackId} is already up (devnet pid ${holder.pid}, since ${holder.acquiredAt})`, {
          hint: 'stop it first with devnet down, or run a second copy beside it with --port-offset N',
        });
      // holder gone (or the file half-written by a crash): the lock is stale
      rmSync(file, { force: true });
    }
  }
  throw new LockError(`could not take the lock ${file}: another devnet keeps taking it`);
}

export function releaseLock(file: string, info: ProcessIdentity): void {
  const holder = readLock(file);
  if (holder && holder.pid === info.pid && holder.startTime === info.startTime) rmSync(file, { force: true });
}
