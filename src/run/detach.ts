// up -d: the stack is run by a detached supervisor process (its own session, no terminal),
// which reports its events back over IPC until the stack is ready, then runs on alone.
import { fork } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { DevnetError, deserializeError, type SerializedError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { Emit, RunEvent } from '../report/events.js';
import type { StatePaths } from '../state/paths.js';

export interface DetachedArgs {
  file: string;
  portOffset: number;
  services: string[];
  remap: boolean;
}

export type SupervisorMessage = { type: 'event'; event: RunEvent } | { type: 'ready' } | { type: 'error'; error: SerializedError };

/** `signal`: aborting it (Ctrl-C while the stack comes up) makes the supervisor roll back. */
export async function upDetached(args: DetachedArgs, paths: StatePaths, emit: Emit, signal?: AbortSignal): Promise<void> {
  mkdirSync(paths.dir, { recursive: true });
  const logFd = openSync(join(paths.dir, 'supervisor.log'), 'w');
  const child = fork(join(packageRoot(), 'dist', 'supervisor.cjs'), [JSON.stringify(args)], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
  });
  closeSync(logFd);
  const interrupt = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', interrupt, { once: true });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    child.on('message', (m: SupervisorMessage) => {
      if (m.type === 'event') emit(m.event);
      else if (m.type === 'ready') {
        settled = true;
        child.disconnect();
        child.unref();
        resolve();
      } else {
        settled = true;
        reject(deserializeError(m.error));
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled)
        reject(new DevnetError(`the devnet supervisor exited before the stack was up (${signal ?? `code ${code}`})`, { hint: `see ${join(paths.dir, 'supervisor.log')}` }));
    });
    child.on('error', reject);
  }).finally(() => signal?.removeEventListener('abort', interrupt));
}
