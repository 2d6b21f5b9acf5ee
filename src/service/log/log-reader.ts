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

  /** The whole lines written since the last read, those `filter` keeps. */
  read(filter?: LogFilter): LogLine[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) [this.offset, this.partial] = [0, Buffer.alloc(0)]; // truncated by a new up
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
        const text = buf.toString('utf8', 0, cut);
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
