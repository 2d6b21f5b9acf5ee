// A reporter turns run events into output. `startupDone` marks the end of the live
// task list: from then on, log lines stream to the terminal.
import type { Emit } from './events.js';

export interface Reporter {
  emit: Emit;
  /** the task list (if any) has finished rendering */
  startupDone(): Promise<void>;
}

export interface ReporterOptions {
  services: readonly string[];
  /** stream service output to the terminal (foreground up) */
  showLogs: boolean;
  color: boolean;
  write?: (s: string) => void;
}

export async function createReporter(kind: 'listr' | 'plain' | 'silent', o: ReporterOptions): Promise<Reporter> {
  if (kind === 'silent') return { emit: () => {}, startupDone: async () => {} };
  if (kind === 'listr') return (await import('./listr.js')).listrReporter(o);
  return (await import('./plain.js')).plainReporter(o);
}
