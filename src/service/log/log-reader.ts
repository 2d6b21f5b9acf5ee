// Reading service log files back: the last lines of each, merged by time, and following.
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { parseLogLine, type LogStream } from './log-file.js';

export interface LogLine {
  service: string;
  at: string;
  stream: LogStream;
  line: string;
}

/** A file read from an offset; a partial last line waits for the next read. */
export class LogCursor {
  private offset = 0;
  private partial = '';
  constructor(
    readonly service: string,
    readonly file: string,
  ) {}

  read(): LogLine[] {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return [];
    }
    if (size < this.offset) [this.offset, this.partial] = [0, '']; // truncated by a new up
    if (size === this.offset) return [];
    let fd: number;
    try {
      // a planted link is not a log: never follow one out of the state directory
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return [];
    }
    try {
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop()!;
      return lines.flatMap((raw) => {
        const p = parseLogLine(raw);
        return p ? [{ service: this.service, ...p }] : [];
      });
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
