// One finding of doctor or preflight: the shape `devnet doctor --json` prints.
import type { Owner } from './owners.js';

export type Level = 'ok' | 'warn' | 'error';

export interface Check {
  id: string;
  level: Level;
  message: string;
  service?: string;
  port?: number;
  owner?: { pid: number; command: string };
  suggestions?: number[];
}

export function ownerField(o: Owner | undefined): Check['owner'] {
  return o ? { pid: o.pid, command: o.command } : undefined;
}

export const worst = (checks: readonly Check[]): Level =>
  checks.some((c) => c.level === 'error') ? 'error' : checks.some((c) => c.level === 'warn') ? 'warn' : 'ok';
