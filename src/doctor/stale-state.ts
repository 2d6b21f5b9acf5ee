// State left by an `up` whose devnet is gone: its services may still hold ports.
import { DevnetError } from '../errors.js';
import type { Check } from '../check.js';
import { withPlatform } from '../platform/index.js';
import { holderAlive, readLock } from '../state/lock.js';
import { isSameProcess } from '../platform/identity.js';
import { isRecordAlive, readState } from '../state/store.js';

export function staleStateChecks(stateFile: string, lockFile: string): Check[] {
  let state;
  try {
    state = readState(stateFile);
  } catch (e) {
    // damaged, newer, or a planted link: a finding, with the way out, not a crash of doctor
    return [{ id: 'state.damaged', level: 'error', message: `${e instanceof Error ? e.message : String(e)}${e instanceof DevnetError && e.hint ? `; ${e.hint}` : ''}` }];
  }
  let lock;
  try {
    lock = readLock(lockFile);
  } catch (e) {
    return [{ id: 'state.damaged', level: 'error', message: `${e instanceof Error ? e.message : String(e)}${e instanceof DevnetError && e.hint ? `; ${e.hint}` : ''}` }];
  }
  if (!state && !lock) return [{ id: 'state.clean', level: 'ok', message: 'no devnet state: the stack is not up' }];
  const [supervisorAlive, alive] = state ? withPlatform(state.platform, () => [isSameProcess(state.supervisor), Object.values(state.services).filter(isRecordAlive)] as const) : [false, []];
  if (supervisorAlive)
    return [{ id: 'state.running', level: 'ok', message: `the stack is up (devnet pid ${state!.supervisor.pid}, ${alive.length} service${alive.length === 1 ? '' : 's'} running)` }];
  if (alive.length)
    return [
      {
        id: 'state.unsupervised',
        level: 'warn',
        message: `unsupervised: the devnet that ran the stack (pid ${state!.supervisor.pid}) is gone, but ${alive.map((s) => `${s.name} (pid ${s.pid})`).join(', ')} still run with nothing to restart, health-check or log them; devnet down stops them, then devnet up`,
      },
    ];
  if (lock && !holderAlive(lock))
    return [{ id: 'state.stale', level: 'warn', message: `stale devnet lock of pid ${lock.pid} (gone); the next devnet up or down clears it` }];
  return [{ id: 'state.stale', level: 'ok', message: 'leftover state of an earlier run; nothing of it runs' }];
}
