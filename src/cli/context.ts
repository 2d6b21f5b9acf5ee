// Flags -> loaded stack, shared by the commands that read one.
import type { Problem } from '../errors.js';
import { loadStack } from '../stack/load.js';
import type { Stack } from '../stack/model.js';
import { resolveStackFile } from '../stack/resolve.js';
import { statePaths, type StatePaths } from '../state/paths.js';
import { colorEnabled } from '../report/style.js';
import { cleanForTerminal, redactInOutput } from '../report/terminal-output.js';
import type { StackFlags } from './program.js';

export interface StackContext {
  stack: Stack;
  warnings: Problem[];
  paths: StatePaths;
}

export async function openStack(flags: StackFlags): Promise<StackContext> {
  const file = resolveStackFile({ stack: flags.stack });
  const { stack, warnings } = await loadStack(file, { portOffset: flags.portOffset });
  // from here on, nothing printed shows the stack's secrets
  redactInOutput(stack.secretValues);
  return { stack, warnings, paths: statePaths(stack) };
}

export function splitList(v: string | undefined): string[] | undefined {
  return v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const print = (line = ''): void => void process.stdout.write(cleanForTerminal(`${line}\n`, colorEnabled()));
// JSON.stringify escapes control characters itself; only secrets are left to remove
export const printJson = (value: unknown): void => void process.stdout.write(`${cleanForTerminal(JSON.stringify(value, null, 2), true)}\n`);
