// How a command's lines reach stdout: the CLI's and the early down's (bin/devnet.cjs, before
// the CLI loads) alike. Light on purpose: the early down's bundle carries it.
import { relative } from 'node:path';
import { colorEnabled } from '../report/style.js';
import { cleanForTerminal, redactForOutput } from '../report/terminal-output.js';

export const print = (line = ''): void => void process.stdout.write(cleanForTerminal(`${line}\n`, colorEnabled()));
// JSON.stringify escapes control characters itself (an escape of ours would not be JSON); only secrets are left to remove
export const printJson = (value: unknown): void => void process.stdout.write(`${redactForOutput(JSON.stringify(value, null, 2))}\n`);

/** A path as the user would type it from here: relative below the working directory, else absolute. */
export function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}
