// One finding of doctor or preflight: the shape `devnet doctor --json` prints.

export type Level = 'ok' | 'warn' | 'error';

export interface Check {
  id: string;
  level: Level;
  message: string;
  service?: string;
  port?: number;
  owner?: { pid: number; command: string };
  /** port.own: the service of this stack that holds the port */
  heldBy?: string;
  suggestions?: number[];
}

export const worst = (checks: readonly Check[]): Level =>
  checks.some((c) => c.level === 'error') ? 'error' : checks.some((c) => c.level === 'warn') ? 'warn' : 'ok';
