// Where a stack's state lives: DEVNET_STATE_DIR, else .devnet/ beside the stack file,
// one folder per stack and port offset so a shifted copy has its own.
import { join } from 'node:path';
import type { Stack } from '../stack/model.js';

export interface StatePaths {
  /** names the stack in markers and messages: name, or name+offset */
  stackId: string;
  dir: string;
  stateFile: string;
  lockFile: string;
  logDir: string;
  logFile(service: string): string;
}

export function stackIdOf(stack: Pick<Stack, 'name' | 'portOffset'>): string {
  return stack.portOffset ? `${stack.name}${stack.portOffset > 0 ? '+' : ''}${stack.portOffset}` : stack.name;
}

export function statePaths(stack: Pick<Stack, 'name' | 'portOffset' | 'dir'>, env: Record<string, string | undefined> = process.env): StatePaths {
  const stackId = stackIdOf(stack);
  const dir = join(env.DEVNET_STATE_DIR || join(stack.dir, '.devnet'), stackId);
  const logDir = join(dir, 'logs');
  return {
    stackId,
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'lock'),
    logDir,
    logFile: (service) => join(logDir, `${service}.log`),
  };
}
