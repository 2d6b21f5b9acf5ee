// up on a stack that is already up, as docker compose up -d: nothing to do is success, and
// services asked for that do not run are handed to its supervisor to start.
import type { StatePaths } from '../state/paths.js';
import { isSameProcess } from '../state/proc.js';
import { isRecordAlive, readState } from '../state/store.js';

export type AlreadyUp = { running: string[]; missing: string[] } | undefined;

/** undefined: the stack is not up. Otherwise which wanted services run, and which do not. */
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
  return { running: wanted.filter(alive), missing };
}
