// The test file of devnet test: plain text, one sentence a line, # comments. Each line is an
// assertion on services (a name or a glob), an action on them, or a sleep. Parsing is pure: it
// returns the steps with their positions, or every problem with FILE:LINE:COL.
import type { Problem } from '../errors.js';
import { didYouMean } from '../stack/schema-dsl.js';
import { parseMetricCondition, type MetricOp } from '../stack/metric-condition.js';

export type Op = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'contains';
export type Value = number | string | boolean | null;

export type Check =
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'http'; method: string; path: string; status?: { op: Op; value: number }; json?: { path: string; op: Op; value: Value }; body?: string }
  | { kind: 'metric'; name: string; labels: Record<string, string>; op: MetricOp; value: number }
  | { kind: 'log'; regex: RegExp }
  | { kind: 'exec'; command: string; exits: number };

export type ActionKind = 'restart' | 'stop' | 'start' | 'pause' | 'resume' | 'kill';

export type Step =
  | { kind: 'assert'; line: number; text: string; services: string; servicesCol: number; check: Check; withinMs?: number }
  | { kind: 'action'; line: number; text: string; services: string; servicesCol: number; action: ActionKind; signal?: NodeJS.Signals }
  | { kind: 'sleep'; line: number; text: string; ms: number };

const KEYWORDS = ['is', 'http', 'metric', 'log', 'exec', 'restart', 'stop', 'start', 'pause', 'resume', 'kill'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const OPS: Op[] = ['==', '!=', '>=', '<=', '>', '<', 'contains'];
const SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGSTOP', 'SIGCONT', 'SIGUSR1', 'SIGUSR2'];

class ParseError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** A cursor over one line: each read skips the blanks before it and knows its column. */
class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  blank(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  get col(): number {
    this.blank();
    return this.i + 1;
  }
  get done(): boolean {
    this.blank();
    return this.i >= this.s.length;
  }
  peek(): string {
    this.blank();
    const m = /^\S+/.exec(this.s.slice(this.i));
    return m ? m[0] : '';
  }
  word(what: string): string {
    this.blank();
    const m = /^[^\s"']+/.exec(this.s.slice(this.i));
    if (!m) throw new ParseError(`expected ${what}`, this.i + 1);
    this.i += m[0].length;
    return m[0];
  }
  expect(word: string, hint?: string): void {
    const col = this.col;
    const got = this.peek();
    if (got !== word) throw new ParseError(`expected \`${word}\`${got ? `, got \`${got}\`` : ''}${hint ?? didYouMean(got, [word])}`, col);
    this.word(word);
  }
  quoted(what: string): string {
    this.blank();
    const q = this.s[this.i];
    if (q !== '"' && q !== "'") throw new ParseError(`expected ${what} in quotes`, this.i + 1);
    let out = '';
    let j = this.i + 1;
    for (; j < this.s.length && this.s[j] !== q; j++) {
      if (this.s[j] === '\\' && q === '"' && j + 1 < this.s.length) out += this.s[++j];
      else out += this.s[j];
    }
    if (j >= this.s.length) throw new ParseError(`unterminated ${q === '"' ? 'double' : 'single'} quote`, this.i + 1);
    this.i = j + 1;
    return out;
  }
  regex(): RegExp {
    this.blank();
    const start = this.i;
    if (this.s[this.i] !== '/') throw new ParseError('expected a /regex/', start + 1);
    let j = this.i + 1;
    let inClass = false;
    for (; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === '\\') j++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    if (j >= this.s.length) throw new ParseError('unterminated /regex/', start + 1);
    const source = this.s.slice(this.i + 1, j);
    const flags = /^[imsu]*/.exec(this.s.slice(j + 1))![0];
    this.i = j + 1 + flags.length;
    try {
      return new RegExp(source, flags);
    } catch (e) {
      throw new ParseError((e as Error).message.replace(/^Invalid regular expression: /, 'not a regular expression: '), start + 1);
    }
  }
}

/** 10s, 500ms, 2m, 1.5s */
export function parseDuration(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  return m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'] : undefined;
}

function duration(c: Cursor, what: string): number {
  const col = c.col;
  const w = c.word(what);
  const ms = parseDuration(w);
  if (ms === undefined) throw new ParseError(`expected ${what} (500ms, 10s, 2m), got \`${w}\``, col);
  return ms;
}

function op(c: Cursor): Op {
  const col = c.col;
  const w = c.word('an operator');
  if (!OPS.includes(w as Op)) throw new ParseError(`expected an operator (${OPS.join(' ')}), got \`${w}\``, col);
  return w as Op;
}

function value(c: Cursor): Value {
  c.blank();
  if (c.s[c.i] === '"' || c.s[c.i] === "'") return c.quoted('a string');
  const col = c.col;
  const w = c.word('a value');
  if (w === 'true' || w === 'false') return w === 'true';
  if (w === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
  throw new ParseError(`expected a number, a "quoted string", true, false or null, got \`${w}\``, col);
}

function number(c: Cursor, what: string): number {
  const col = c.col;
  const w = c.word(what);
  if (!/^-?\d+(\.\d+)?$/.test(w)) throw new ParseError(`expected ${what}, got \`${w}\``, col);
  return Number(w);
}

function within(c: Cursor): number | undefined {
  if (c.done) return undefined;
  c.expect('within', '; a check ends with `within DURATION` or nothing');
  return duration(c, 'a duration');
}

function check(c: Cursor): Check {
  const col = c.col;
  const kw = c.word('a check or an action');
  switch (kw) {
    case 'is': {
      const wcol = c.col;
      const w = c.word('up or down');
      if (w !== 'up' && w !== 'down') throw new ParseError(`expected \`up\` or \`down\`, got \`${w}\`${didYouMean(w, ['up', 'down'])}`, wcol);
      return { kind: w };
    }
    case 'http': {
      const mcol = c.col;
      const method = c.word('a method (GET)').toUpperCase();
      if (!METHODS.includes(method)) throw new ParseError(`expected an HTTP method (${METHODS.join(', ')}), got \`${method}\`${didYouMean(method, METHODS)}`, mcol);
      const pcol = c.col;
      const path = c.word('a path (/health)');
      if (!path.startsWith('/')) throw new ParseError(`expected a path starting with /, got \`${path}\``, pcol);
      const what = c.peek();
      if (what === 'status') {
        c.word('status');
        const next = c.peek();
        const o: Op = OPS.includes(next as Op) ? op(c) : '==';
        return { kind: 'http', method, path, status: { op: o, value: number(c, 'a status code') } };
      }
      if (what === 'json') {
        c.word('json');
        const jcol = c.col;
        const jpath = c.word('a JSON path (.a.b[0])');
        if (!/^\.|^\[/.test(jpath)) throw new ParseError(`expected a JSON path starting with . (.height, .peers[0].name), got \`${jpath}\``, jcol);
        parseJsonPath(jpath, jcol);
        const o = op(c);
        return { kind: 'http', method, path, json: { path: jpath, op: o, value: value(c) } };
      }
      if (what === 'body') {
        c.word('body');
        c.expect('contains');
        return { kind: 'http', method, path, body: c.quoted('the text') };
      }
      if (what && what !== 'within') throw new ParseError(`expected \`status\`, \`json\`, \`body contains\` or \`within\`, got \`${what}\`${didYouMean(what, ['status', 'json', 'body', 'within'])}`, c.col);
      // nothing more: any 2xx answer
      return { kind: 'http', method, path, status: { op: '<', value: 300 } };
    }
    case 'metric': {
      // the same parser as ready: { metric: ... } in a stack file
      c.blank();
      const start = c.i;
      const r = parseMetricCondition(c.s.slice(start));
      if ('error' in r) throw new ParseError(r.error, start + r.at + 1);
      c.i = c.s.length - r.rest.length;
      return { kind: 'metric', ...r.condition };
    }
    case 'log': {
      c.expect('matches');
      return { kind: 'log', regex: c.regex() };
    }
    case 'exec': {
      const command = c.quoted('the command');
      c.expect('exits');
      return { kind: 'exec', command, exits: number(c, 'an exit code') };
    }
  }
  throw new ParseError(`expected a check (is up, is down, http, metric, log matches, exec) or an action (restart, stop, start, pause, resume, kill), got \`${kw}\`${didYouMean(kw, KEYWORDS)}`, col);
}

/** `.a.b[0]` as keys and indexes; a bad one is a ParseError at `col`. */
export function parseJsonPath(p: string, col = 1): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]*)"\]/y;
  let i = 0;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (!m) throw new ParseError(`not a JSON path: \`${p}\` (at \`${p.slice(i)}\`); write .key, [0] or ["odd key"]`, col + i);
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    i = re.lastIndex;
  }
  return out;
}

/** Strips a # comment that is not inside quotes or a /regex/. */
function stripComment(line: string): string {
  let q: string | undefined;
  let inRegex = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (q) {
      if (c === q) q = undefined;
    } else if (inRegex) {
      if (c === '/') inRegex = false;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '/' && /\bmatches\s*$/.test(line.slice(0, i))) inRegex = true;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

export interface Parsed {
  steps: Step[];
  problems: Problem[];
}

/**
 * The steps of a test file. `services`: the stack's services (replicas by their own names);
 * a name or glob that matches none is a problem, with a did-you-mean.
 */
export function parseTestFile(text: string, file: string, services: readonly string[]): Parsed {
  const steps: Step[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    const body = stripComment(raw);
    if (!body.trim()) return;
    const c = new Cursor(body);
    const textOf = body.trim();
    try {
      if (c.peek() === 'sleep') {
        c.word('sleep');
        const ms = duration(c, 'a duration');
        if (!c.done) throw new ParseError(`unexpected \`${c.peek()}\` after sleep`, c.col);
        steps.push({ kind: 'sleep', line, text: textOf, ms });
        return;
      }
      c.blank();
      const servicesCol = c.i + 1;
      const m = /^([A-Za-z0-9_.*?\[\]-]+)\s*:/.exec(c.s.slice(c.i));
      if (!m) throw new ParseError('expected SERVICE: then a check or an action (or sleep DURATION)', servicesCol);
      const pattern = m[1]!;
      c.i += m[0].length;
      if (!matchServices(pattern, services).length) {
        const glob = /[*?[]/.test(pattern);
        const near = glob ? '' : didYouMean(pattern, services);
        throw new ParseError(`no service ${glob ? 'matches' : 'is named'} \`${pattern}\`${near}; the stack has ${services.join(', ')}`, servicesCol);
      }
      const next = c.peek();
      if (['restart', 'stop', 'start', 'pause', 'resume', 'kill'].includes(next)) {
        c.word(next);
        let signal: NodeJS.Signals | undefined;
        if (next === 'kill') {
          const scol = c.col;
          const s = c.done ? 'SIGKILL' : c.word('a signal').toUpperCase();
          const sig = s.startsWith('SIG') ? s : `SIG${s}`;
          if (!SIGNALS.includes(sig)) throw new ParseError(`expected a signal (${SIGNALS.join(', ')}), got \`${s}\`${didYouMean(sig, SIGNALS)}`, scol);
          signal = sig as NodeJS.Signals;
        }
        if (!c.done) throw new ParseError(`unexpected \`${c.peek()}\` after ${next}`, c.col);
        steps.push({ kind: 'action', line, text: textOf, services: pattern, servicesCol, action: next as ActionKind, ...(signal ? { signal } : {}) });
        return;
      }
      const ch = check(c);
      const withinMs = within(c);
      if (!c.done) throw new ParseError(`unexpected \`${c.peek()}\``, c.col);
      steps.push({ kind: 'assert', line, text: textOf, services: pattern, servicesCol, check: ch, ...(withinMs !== undefined ? { withinMs } : {}) });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      problems.push({ file, line, col: e.col, message: e.message });
    }
  });
  return { steps, problems };
}

/** The services a name or glob (* any run, ? one character, [1-3] a class) stands for; a replicated service's name stands for its copies. */
export function matchServices(pattern: string, services: readonly string[]): string[] {
  if (services.includes(pattern)) return [pattern];
  if (/[*?[]/.test(pattern)) {
    // * any run, ? one character, [1-3] one of a class, as a shell's globs
    let re: RegExp;
    try {
      re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    } catch {
      return []; // an unclosed [
    }
    return services.filter((s) => re.test(s));
  }
  return services.filter((s) => new RegExp(`^${pattern.replace(/[.+^${}()|\\[\]*?]/g, '\\$&')}-\\d+$`).test(s));
}
