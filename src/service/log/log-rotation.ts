// A service's log keeps evidence: the logs of earlier runs are kept beside the current one
// (api.log -> api.1.log -> api.2.log ...), so the last crash survives the next up, and a log
// that grows past its size cap rotates the same way while the service runs.
import { existsSync, renameSync, rmSync } from 'node:fs';

/** Earlier logs kept per service (api.1.log is the newest of them). */
export const LOG_GENERATIONS = 3;

export const generationFile = (file: string, n: number): string => file.replace(/(\.log)?$/, `.${n}.log`);

/** Moves `file` to generation 1 and each older generation one up; the oldest is dropped. */
export function rotateLog(file: string, generations = LOG_GENERATIONS): void {
  rmSync(generationFile(file, generations), { force: true });
  for (let n = generations - 1; n >= 1; n--) if (existsSync(generationFile(file, n))) renameSync(generationFile(file, n), generationFile(file, n + 1));
  if (existsSync(file)) renameSync(file, generationFile(file, 1));
}
