// Reading service log files back: the last lines of each, merged by time, and following.
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { parseLogLine, type LogStream } from './log-file.js';
import type { LogFilter } from './log-filter.js';
import { generationFile, LOG_GENERATIONS } from './log-rotation.js';

export interface LogLine {
  service: string;
  at: string;
  stream: LogStream;
  line: string;
}

/** Read this much at a time: a log of any size is never one string (V8 caps a string near 512 MiB). */
const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;

/** A file read from an offset; a partial last line waits for the next read. */
export class LogCursor {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  constructor(
    readonly service: string,
    readonly file: string,
  ) {}

  /**
   * Skips to the last `bytes` of the file (a screen of the newest lines, not a gigabyte of
   * history); the cut line is dropped whole.
   */
  startNear(bytes: number): void {
    let size: number;
    try {
      ({ size, ino: this.ino } = statSync(this.file));
    } catch {
      return;
    }
    if (size <= bytes) return;
    this.offset = size - bytes;
    this.skipPartial = true;
  }

  /** Where the next whole line to be read begins. */
  get position(): number {
    return this.offset - this.partial.length;
  }

  private skipPartial = false;
  private ino: number | undefined;

  /**
   * The whole lines written since the last read, those `filter` keeps; with `tail`, only the
   * last `tail` of them are parsed (the rest is passed over as bytes: a flood costs its read).
   */
  read(filter?: LogFilter, tail?: number, until?: number): LogLine[] {
    let size: number;
    let ino: number;
    try {
      ({ size, ino } = statSync(this.file));
    } catch {
      return [];
    }
    if (until !== undefined) size = Math.min(size, until);
    // another file by the name (rotated: a new up, or past log_max_bytes), or truncated: read it from its start
    if (size < this.offset || (this.ino !== undefined && ino !== this.ino)) [this.offset, this.partial] = [0, Buffer.alloc(0)];
    this.ino = ino;
    if (size === this.offset) return [];
    let fd: number;
    try {
      // a planted link is not a log: never follow one out of the state directory
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return [];
    }
    const out: LogLine[] = [];
    const all = !filter || filter.keepsAll;
    try {
      // one buffer for the whole read, reused chunk after chunk: a fresh 8 MiB each time would
      // cost a page fault per 4 KiB (most of a gigabyte's search time, measured)
      const want = Math.min(CHUNK_BYTES, size - this.offset) + this.partial.length;
      // a follower's small reads share one scratch buffer: its lines are decoded out of it at once
      let buf = want <= SCRATCH_BYTES ? (scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES)) : Buffer.allocUnsafeSlow(want);
      while (this.offset < size) {
        // the partial line first, the next chunk read in after it
        const kept = this.partial.length;
        if (buf.length < kept + Math.min(CHUNK_BYTES, size - this.offset)) buf = Buffer.allocUnsafeSlow(kept + CHUNK_BYTES);
        this.partial.copy(buf, 0);
        const n = readSync(fd, buf, kept, Math.min(CHUNK_BYTES, size - this.offset), this.offset);
        if (n <= 0) break;
        this.offset += n;
        const len = kept + n;
        // \n never occurs inside a multi-byte UTF-8 character: cutting there keeps every character whole
        const cut = buf.lastIndexOf(NEWLINE, len - 1);
        if (cut < 0) {
          this.partial = Buffer.from(buf.subarray(0, len));
          continue;
        }
        this.partial = Buffer.from(buf.subarray(cut + 1, len));
        let from = 0;
        if (this.skipPartial) {
          // the first line read after startNear began before the cut: not a whole line
          from = buf.indexOf(NEWLINE) + 1;
          this.skipPartial = false;
          if (from > cut) continue;
        }
        if (tail !== undefined && all) from = tailStart(buf, from, cut, tail);
        for (const raw of all ? buf.toString('utf8', from, cut).split('\n') : filter.candidatesIn(buf, from, cut)) {
          const p = parseLogLine(raw);
          if (p && (all || filter.keep(p))) out.push({ service: this.service, ...p });
        }
      }
      return tail !== undefined && out.length > tail ? out.slice(-tail) : out;
    } finally {
      closeSync(fd);
    }
  }
}

/** Where the last `n` lines of buf[from, cut) begin (cut is the end of the last line). */
function tailStart(buf: Buffer, from: number, cut: number, n: number): number {
  let at = cut;
  for (let i = 0; i < n; i++) {
    // (a negative offset would count from the buffer's end)
    if (at <= from) return from;
    const nl = buf.lastIndexOf(NEWLINE, at - 1);
    if (nl < from) return from;
    at = nl;
  }
  return at + 1;
}

/**
 * `have` (the last lines read by `current`, a service's log) made up to `tail` from its earlier
 * generations (api.1.log ...), with lines of this run only (at or after `runStart`): a log that
 * rotated at its size cap a moment ago holds a line or two, and its last lines are in the file
 * before it. An earlier run's lines are left there: they are not what this run printed last.
 */
export function tailAcrossRotations(current: LogCursor, have: LogLine[], tail: number, runStart: string, filter?: LogFilter): LogLine[] {
  let lines = have;
  for (let n = 1; lines.length < tail && n <= LOG_GENERATIONS; n++) {
    const read = new LogCursor(current.service, generationFile(current.file, n)).read(filter, tail - lines.length);
    const ours = read.filter((l) => l.at >= runStart);
    lines = [...ours, ...lines];
    // lines before the run began: every older generation is older still
    if (ours.length < read.length || !read.length) break;
  }
  return lines;
}

export function mergeByTime(perService: LogLine[][], tail?: number): LogLine[] {
  const all = perService.flatMap((l) => (tail === undefined ? l : l.slice(Math.max(0, l.length - tail))));
  // ISO timestamps sort as strings; the sort is stable, so one service's lines keep their order
  return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
