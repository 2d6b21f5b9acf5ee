// Per-service log files: every line of stdout and stderr with a timestamp, and the
// last lines kept in memory for the failure report.
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, openFreshPrivateFile } from '../state/private-fs.js';

export const TAIL_LINES = 20;

export class ServiceLog {
  private readonly stream: WriteStream;
  private readonly tail: string[] = [];

  constructor(readonly file: string) {
    // 0600 and never through a planted link: logs carry env values and inherited secrets
    ensurePrivateDir(dirname(file));
    this.stream = createWriteStream(file, { fd: openFreshPrivateFile(file) });
    this.stream.on('error', () => {
      // a full disk must not take the stack down with it; the lines still reach the terminal
    });
  }

  write(stream: 'out' | 'err', line: string): void {
    this.stream.write(formatLogLine(new Date(), stream, line));
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
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
  const m = /^(\S+) (out|err) (.*)$/.exec(raw);
  return m ? { at: m[1]!, stream: m[2] as 'out' | 'err', line: m[3]! } : undefined;
}
