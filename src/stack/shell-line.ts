// Interpolation into a /bin/sh line. A value is never pasted into the line: quoting it
// for one context is wrong in another (single quotes added around a value are literal
// inside the user's double quotes, so `$(...)` in the value would run). Each reference
// becomes an expansion of an environment variable that holds the value, written for the
// quoting context it sits in, so the shell expands it once and never parses it.
import { dict } from './own.js';
import { resolveReference, shellQuote, type InterpolationContext } from './interpolate.js';

export interface ShellLine {
  /** the line /bin/sh -c runs */
  line: string;
  /** the variables the line expands: name -> value */
  env: Record<string, string>;
  /** the line with values quoted in place, for people to read; never run */
  display: string;
}

export const SHELL_VALUE_PREFIX = 'DEVNET_VALUE_';

type Context = 'bare' | 'single' | 'double' | 'backtick' | 'subshell';

/** The expansion of `name` that yields exactly its value in `ctx`. */
function expansion(name: string, ctx: Context, insideDouble: boolean): string {
  switch (ctx) {
    case 'single':
      // close the single quotes, expand in double quotes, reopen
      return `'"\${${name}}"'`;
    case 'double':
      return `\${${name}}`;
    case 'backtick':
      // inside "`...`" the inner double quotes are written \" (dash and bash agree)
      return insideDouble ? `\\"\${${name}}\\"` : `"\${${name}}"`;
    default:
      return `"\${${name}}"`;
  }
}

const escapeIn = (chars: RegExp, value: string) => value.replace(chars, '\\$&');

/** The value written literally for `ctx`, for the display line only. */
function quoted(value: string, ctx: Context, insideDouble: boolean): string {
  if (ctx === 'single') return `'${shellQuote(value)}'`;
  if (ctx === 'double') return escapeIn(/[\\"$`]/g, value);
  // the text between backticks loses one level of backslashes before it is parsed
  if (ctx === 'backtick' && insideDouble) return `\\"${escapeIn(/[\\"$`]/g, escapeIn(/[\\"$`]/g, value))}\\"`;
  if (ctx === 'backtick') return escapeIn(/[\\$`]/g, shellQuote(value));
  return shellQuote(value);
}

export function shellLine(template: string, ctx: InterpolationContext): ShellLine {
  const env: Record<string, string> = dict();
  let display = '';
  const stack: Context[] = ['bare'];
  const parens: number[] = [0];
  let line = '';
  let n = 0;
  const top = () => stack[stack.length - 1]!;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    const here = top();
    if (c === '$' && template.startsWith('$${', i)) {
      line += '${';
      display += '${';
      i += 2;
      continue;
    }
    if (c === '$' && template[i + 1] === '{') {
      const end = template.indexOf('}', i + 2);
      if (end !== -1) {
        const value = resolveReference(template.slice(i + 2, end).trim(), ctx);
        const name = `${SHELL_VALUE_PREFIX}${++n}`;
        env[name] = value;
        const insideDouble = stack[stack.length - 2] === 'double';
        line += expansion(name, here, insideDouble);
        display += quoted(value, here, insideDouble);
        i = end;
        continue;
      }
    }
    line += c;
    display += c;
    if (here === 'single') {
      if (c === "'") stack.pop();
      continue;
    }
    if (c === '\\' && i + 1 < template.length) {
      line += template[++i];
      display += template[i];
      continue;
    }
    if (here === 'double') {
      if (c === '"') stack.pop();
      else if (c === '`') stack.push('backtick');
      else if (c === '$' && template[i + 1] === '(') {
        line += template[++i];
        display += '(';
        stack.push('subshell');
        parens.push(0);
      }
      continue;
    }
    // bare, backtick and subshell: quotes open, backticks and $( nest
    if (c === "'") stack.push('single');
    else if (c === '"') stack.push('double');
    else if (c === '`') {
      if (here === 'backtick') stack.pop();
      else stack.push('backtick');
    } else if (c === '$' && template[i + 1] === '(') {
      line += template[++i];
      display += '(';
      stack.push('subshell');
      parens.push(0);
    } else if (here === 'subshell' && c === '(') parens[parens.length - 1]!++;
    else if (here === 'subshell' && c === ')') {
      if (parens[parens.length - 1] === 0) {
        stack.pop();
        parens.pop();
      } else parens[parens.length - 1]!--;
    }
  }
  return { line, env, display };
}
