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

  constructor(private readonly spec: LogFilterSpec) {
    const flags = spec.ignoreCase ? 'i' : '';
    this.re = spec.grep === undefined ? undefined : new RegExp(spec.grep, flags);
    // ^ and $ (even in [^...]) and lookbehind mean something else at a line's start in a chunk
    // (the timestamp stands before the text there): such patterns are tested line by line
    if (this.re && !spec.invert && !/[\^$]|\(\?<[=!]/.test(spec.grep!)) this.scan = new RegExp(spec.grep!, `${flags}g`);
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
      out.push(text.slice(start, end));
      // the next line is scanned from its own start, whatever this match spanned
      scan.lastIndex = end + 1;
      if (scan.lastIndex > text.length) return out;
    }
  }
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
