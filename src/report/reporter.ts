// A reporter turns run events into output. `startupDone` marks the end of the live
// task list: from then on, log lines stream to the terminal.
import type { Reporter, ReporterOptions } from './types.js';

export type { Reporter, ReporterOptions };

export async function createReporter(kind: 'listr' | 'plain' | 'silent', o: ReporterOptions): Promise<Reporter> {
  if (kind === 'silent') return { emit: () => {}, startupDone: async () => {} };
  if (kind === 'listr') return (await import('./listr.js')).listrReporter(o);
  return (await import('./plain.js')).plainReporter(o);
}
