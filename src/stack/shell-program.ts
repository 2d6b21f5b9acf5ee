// The program a shell line runs first, where that can be told without running a shell:
// `exec node server.js` runs node; `PORT=1 node x` runs node; `cd api && python3 -m x`
// starts with a builtin, and what runs after it is the shell's business, not a PATH lookup.
import { splitCommand } from './argv.js';

// POSIX special and regular builtins and reserved words, plus the common bash ones
const BUILTINS = new Set(
  ('. : [ [[ alias bg break builtin case cd command continue declare do done echo elif else esac eval export false fc fg for function getopts ' +
    'hash if in jobs kill let local printf pwd read readonly return select set shift source test then time times trap true type typeset ' +
    'ulimit umask unalias unset until wait while { } ! (').split(' '),
);
const SYNTAX = /[;&|<>()`$*?]/;

/** The first program of a shell line, or undefined when it starts with a builtin, a keyword or syntax. */
export function firstShellProgram(line: string): string | undefined {
  let words: string[];
  try {
    words = splitCommand(line);
  } catch {
    return undefined;
  }
  for (const w of words) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || w === 'exec') continue; // assignments, exec: the next word runs
    if (BUILTINS.has(w) || SYNTAX.test(w)) return undefined;
    return w;
  }
  return undefined;
}
