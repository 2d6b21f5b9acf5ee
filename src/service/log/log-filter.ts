// Which log lines a reader keeps: a time window and a regex over the service's own text (not
// the timestamp or stream devnet writes before it), kept or inverted as grep -v does. A big log
// is searched a chunk at a time: one regex scan over many lines finds the few that may match,
// and only those are parsed and tested alone, so --grep over a gigabyte runs at the regex
// engine's speed, not at one match call per line.

export interface LogFilterSpec {
  grep?: string;
  ignoreCase?: boolean;
  invert?: boolean;
  /** ISO times: lines at or after since, at or before until */
  since?: string;
  until?: string;
}

export class LogFilter {
  private readonly re: RegExp | undefined;
  /** the same pattern over a whole chunk: only for patterns whose meaning does not change there */
  private readonly scan: RegExp | undefined;

  /** a piece of text every match holds: lines without it are passed over as bytes, never decoded */
  private readonly literal: Buffer | undefined;

  constructor(private readonly spec: LogFilterSpec) {
    const flags = spec.ignoreCase ? 'i' : '';
    this.re = spec.grep === undefined ? undefined : new RegExp(spec.grep, flags);
    // ^ and $ (even in [^...]) and lookbehind mean something else at a line's start in a chunk
    // (the timestamp stands before the text there): such patterns are tested line by line
    if (this.re && !spec.invert && !/[\^$]|\(\?<[=!]/.test(spec.grep!)) this.scan = new RegExp(spec.grep!, `${flags}g`);
    const lit = this.re && !spec.invert && !spec.ignoreCase ? requiredLiteral(spec.grep!) : undefined;
    this.literal = lit && lit.length >= 3 ? Buffer.from(lit, 'utf8') : undefined;
  }

  /**
   * The raw lines of buf[0, end) (whole lines) that may be kept. With a literal every match
   * holds, the bytes are searched for it (memmem speed) and only the lines holding it are
   * decoded; otherwise the text is decoded and scanned as a whole (candidates()).
   */
  candidatesIn(buf: Buffer, start: number, end: number): string[] {
    const lit = this.literal;
    if (!lit) {
      // decoded a piece at a time: strings past V8's large-object size (~512 KiB) are each
      // mapped and unmapped by the kernel, which cost 4 s of a gigabyte's search (measured)
      const out: string[] = [];
      for (let at = start; at < end; ) {
        let to = at + TEXT_PIECE >= end ? end : buf.lastIndexOf(NEWLINE, at + TEXT_PIECE);
        if (to < at) to = Math.min(end, Math.max(buf.indexOf(NEWLINE, at + TEXT_PIECE), at + 1) || end);
        if (to < 0 || to > end) to = end;
        for (const l of this.candidates(buf.toString('utf8', at, to))) out.push(l);
        at = to + 1;
      }
      return out;
    }
    const out: string[] = [];
    let at = start;
    for (;;) {
      const hit = buf.indexOf(lit, at);
      if (hit < 0 || hit >= end) return out;
      const from = buf.lastIndexOf(NEWLINE, hit) + 1;
      let to = buf.indexOf(NEWLINE, hit);
      if (to < 0 || to > end) to = end;
      out.push(buf.toString('utf8', Math.max(from, start), to));
      at = to + 1;
      if (at >= end) return out;
    }
  }

  /** No grep and no window: every line is kept. */
  get keepsAll(): boolean {
    return !this.re && this.spec.since === undefined && this.spec.until === undefined;
  }

  keep(l: { at: string; line: string }): boolean {
    if (this.spec.since !== undefined && l.at < this.spec.since) return false;
    if (this.spec.until !== undefined && l.at > this.spec.until) return false;
    if (!this.re) return true;
    return this.re.test(l.line) !== !!this.spec.invert;
  }

  /**
   * The raw lines of `text` (whole lines, joined by \n) that may be kept: all of them unless a
   * chunk scan can rule most out. Each is still to be parsed and passed through keep().
   */
  candidates(text: string): string[] {
    const scan = this.scan;
    if (!scan) return text.split('\n');
    const out: string[] = [];
    scan.lastIndex = 0;
    for (;;) {
      const m = scan.exec(text);
      if (!m) return out;
      const start = text.lastIndexOf('\n', m.index) + 1;
      let end = text.indexOf('\n', m.index);
      if (end < 0) end = text.length;
      // a copy, not a slice: V8's slice holds the whole piece it came from, and the few lines
      // kept of a gigabyte would hold it all (878 MB of memory, measured)
      out.push(Buffer.from(text.slice(start, end), 'utf8').toString('utf8'));
      // the next line is scanned from its own start, whatever this match spanned
      scan.lastIndex = end + 1;
      if (scan.lastIndex > text.length) return out;
    }
  }
}

const NEWLINE = 0x0a;
/** Bytes decoded at once on the text path: young-generation strings, cheap to make and drop. */
const TEXT_PIECE = 64 * 1024;

/**
 * The longest run of plain characters every match of `pattern` must contain, or undefined
 * when that cannot be told simply: runs are taken only outside groups and classes, a
 * character made optional (? * {0,) is not part of one, and a | outside groups gives up
 * (either side may match). Conservative by design: a wrong literal would hide matching lines.
 */
export function requiredLiteral(pattern: string): string | undefined {
  const runs: string[] = [];
  let run = '';
  let depth = 0;
  const end = () => {
    if (run) runs.push(run);
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    let lit: string | undefined;
    if (c === '\\') {
      const n = pattern[i + 1];
      // \x41, \u0041, \cJ, \p{L}, \k<name>: what follows is the escape's own, not text to find
      if (n === undefined || 'xucpPk'.includes(n) || /\d/.test(n)) return undefined;
      i++;
      // an escaped punctuation mark is itself; \d, \w, \b, \u.... and the rest are not plain
      if (/[^\w\s]/.test(n)) lit = n;
    } else if (c === '[') {
      // a class: skipped whole ([] and [^]] included)
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    // either side of a | at the top may match: no text is sure (one inside a group only makes that group's text unsure)
    else if (c === '|' && depth === 0) return undefined;
    else if (!'.*+?{}^$'.includes(c)) lit = c;
    const next = pattern[i + 1];
    const optional = next === '?' || next === '*' || (next === '{' && /^\{0[,}]/.test(pattern.slice(i + 1)));
    if (lit !== undefined && depth === 0 && !optional) {
      run += lit;
      // a+ : a is there at least once, but what follows may be another a
      if (next === '+' || next === '{') end();
    } else end();
  }
  end();
  return runs.sort((a, b) => b.length - a.length)[0];
}

/** A --grep pattern as JavaScript reads it, or the one line that says why not. */
export function checkPattern(p: string, ignoreCase?: boolean): string | undefined {
  try {
    new RegExp(p, ignoreCase ? 'i' : '');
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}
