// Ctrl-C, SIGTERM (devnet down) and SIGHUP stop the stack, in reverse order, once.
// devnet down leaves its --timeout in a stop request beside the state.
import { rmSync } from 'node:fs';
import type { StatePaths } from '../state/paths.js';
import { readPrivateFile } from '../fs/private-fs.js';

export function readStopRequest(paths: StatePaths): number | undefined {
  try {
    const { timeoutMs } = JSON.parse(readPrivateFile(paths.stopRequest) ?? '{}') as { timeoutMs?: number };
    rmSync(paths.stopRequest, { force: true });
    return timeoutMs;
  } catch {
    return undefined;
  }
}

/**
 * Aborts the controller on the first stop signal; a second one calls `again` (force: end the
 * grace periods). Returns a function that removes the handlers.
 */
export function abortOnStopSignals(controller: AbortController, proc: Pick<NodeJS.Process, 'on' | 'off'> = process, again?: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = () => (controller.signal.aborted ? again?.() : controller.abort());
  for (const s of signals) proc.on(s, handler);
  return () => {
    for (const s of signals) proc.off(s, handler);
  };
}
