// What a run records of its stack file's text: a later command finds the file unchanged
// without loading it (cli/context.ts), and without loading the loader either.
import { quickHash } from '../quick-hash.js';
import { readFileSync } from 'node:fs';

export const stackTextHash = (text: string): string => quickHash(text);

/** The hash of the stack file's text as it is now, or undefined when it cannot be read. */
export function stackFileHash(file: string): string | undefined {
  try {
    return stackTextHash(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
