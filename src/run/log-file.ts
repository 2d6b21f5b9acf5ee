// Per-service log files: every line of stdout and stderr with a timestamp, and the
// last lines kept in memory for the failure report.
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, openFreshPrivateFile } from '../state/private-fs.js';

export const TAIL_LINES = 20;

export class ServiceLog {
  private readonly stream: WriteStream;
  private readonly tail: string[] = [];
  private readonly waiting = new Set<() => void>();
  private broken = false;

  constructor(readonly file: string) {
    // 0600 and never through a planted link: logs carry env values and inherited secrets
    ensurePrivateDir(dirname(file));
    this.stream = createWriteStream(file, { fd: openFreshPrivateFile(file) });
    this.stream.on('drain', () => {
      const fns = [...this.waiting];
      this.waiting.clear();
      for (const fn of fns) fn();
    });
    this.stream.on('error', () => {
      // a full disk must not take the stack down with it, nor leave the service paused
      this.broken = true;
      this.stream.emit('drain');
    });
  }

  /** false when the file is behind: the caller should pause the output until `onDrain`. */
  write(stream: 'out' | 'err', line: string): boolean {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    return this.broken || this.stream.write(formatLogLine(new Date(), stream, line));
  }

  /** Calls fn once the file has caught up; the same fn asked for twice is called once. */
  onDrain(fn: () => void): void {
    this.waiting.add(fn);
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

export function formatLogLine(at: Date, stream: 'out' | 'err', line: string): string {
  return `${at.toISOString()} ${stream} ${line}\n`;
}

export function parseLogLine(raw: string): { at: string; stream: 'out' | 'err'; line: string } | undefined {
  // s: a line may hold a lone \r (a progress bar); it is still one line
  const m = /^(\S+) (out|err) (.*)$/s.exec(raw);
  return m ? { at: m[1]!, stream: m[2] as 'out' | 'err', line: m[3]! } : undefined;
}
