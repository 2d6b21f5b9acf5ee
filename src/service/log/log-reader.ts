// Reading service log files back: the last lines of each, merged by time, and following.
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { parseLogLine, type LogStream } from './log-file.js';
import type { LogFilter } from './log-filter.js';

export interface LogLine {
  service: string;
  at: string;
  stream: LogStream;
  line: string;
}

/** Read this much at a time: a log of any size is never one string (V8 caps a string near 512 MiB). */
const CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

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

  private skipPartial = false;
  private ino: number | undefined;

  /** The whole lines written since the last read, those `filter` keeps. */
  read(filter?: LogFilter): LogLine[] {
    let size: number;
    let ino: number;
    try {
      ({ size, ino } = statSync(this.file));
    } catch {
      return [];
    }
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
      while (this.offset < size) {
        const fresh = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - this.offset));
        const n = readSync(fd, fresh, 0, fresh.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const buf = this.partial.length ? Buffer.concat([this.partial, fresh.subarray(0, n)]) : fresh.subarray(0, n);
        // \n never occurs inside a multi-byte UTF-8 character: cutting there keeps every character whole
        const cut = buf.lastIndexOf(NEWLINE);
        if (cut < 0) {
          this.partial = Buffer.from(buf);
          continue;
        }
        this.partial = Buffer.from(buf.subarray(cut + 1));
        let from = 0;
        if (this.skipPartial) {
          // the first line read after startNear began before the cut: not a whole line
          from = buf.indexOf(NEWLINE) + 1;
          this.skipPartial = false;
          if (from > cut) continue;
        }
        const text = buf.toString('utf8', from, cut);
        for (const raw of all ? text.split('\n') : filter.candidates(text)) {
          const p = parseLogLine(raw);
          if (p && (all || filter.keep(p))) out.push({ service: this.service, ...p });
        }
      }
      return out;
    } finally {
      closeSync(fd);
    }
  }
}

export function mergeByTime(perService: LogLine[][], tail?: number): LogLine[] {
  const all = perService.flatMap((l) => (tail === undefined ? l : l.slice(Math.max(0, l.length - tail))));
  // ISO timestamps sort as strings; the sort is stable, so one service's lines keep their order
  return all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
