// What every reporter is and takes; the reporters themselves load only when chosen.
import type { Emit } from '../events.js';

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
