// up on a stack that is already up, as docker compose up -d: nothing to do is success.
// Starting more services inside a running stack needs its supervisor to take them, which
// comes with the control channel; until then that case is said plainly.
import { LockError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { isSameProcess } from '../state/proc.js';
import { isRecordAlive, readState } from '../state/store.js';

export type AlreadyUp = { running: string[] } | undefined;

/** undefined: the stack is not up. Otherwise every wanted service runs (else LockError names those that do not). */
export function checkAlreadyUp(paths: StatePaths, wanted: readonly string[]): AlreadyUp {
  let state;
  try {
    state = readState(paths.stateFile);
  } catch {
    return undefined; // up itself reports a damaged state
  }
  if (!state || !isSameProcess(state.supervisor)) return undefined;
  const alive = (name: string) => !!state.services[name] && isRecordAlive(state.services[name]);
  // still coming up (not started, or started and not ready yet): the lock answers for it
  const comingUp = new Set(['pending', 'starting', 'running']);
  if (wanted.some((n) => comingUp.has(state.services[n]?.state ?? ''))) return undefined;
  const missing = wanted.filter((n) => !alive(n) && state.services[n]?.state !== 'completed');
  if (missing.length)
    throw new LockError(`stack ${paths.stackId} is up, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not running in it; adding services to a running stack is not supported yet`, {
      hint: `devnet down, then devnet up with every service you want (devnet status shows what runs)`,
    });
  return { running: wanted.filter(alive) };
}
