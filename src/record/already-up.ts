// up on a stack that is already up, as docker compose up -d: nothing to do is success, and
// services asked for that do not run are handed to its supervisor to start.
import { withPlatform } from '../platform/index.js';
import type { StatePaths } from '../state/paths.js';
import { isSameProcess } from '../platform/identity.js';
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
  if (!state) return undefined;
  // the backend that recorded it, for this look only: a new run started next uses its own
  const { supervisorAlive, running } = withPlatform(state.platform, () => ({
    supervisorAlive: isSameProcess(state.supervisor),
    running: new Set(wanted.filter((n) => !!state.services[n] && isRecordAlive(state.services[n]))),
  }));
  if (!supervisorAlive) return undefined;
  const alive = (name: string) => running.has(name);
  // still coming up (not started, or started and not ready yet): the lock answers for it
  const comingUp = new Set(['pending', 'starting', 'running']);
  if (wanted.some((n) => comingUp.has(state.services[n]?.state ?? ''))) return undefined;
  const missing = wanted.filter((n) => !alive(n) && state.services[n]?.state !== 'completed');
  return { running: wanted.filter(alive), missing };
}
