// Per-service log files: every line of stdout and stderr with a timestamp, and the
// last lines kept in memory for the failure report. The previous runs' logs are kept and a
// log over its size cap rotates (log-rotation.ts).
import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, openFreshPrivateFile } from '../../fs/private-fs.js';
import { DEFAULT_LOG_MAX_BYTES } from '../../stack/model.js';
import { rotateLog } from './log-rotation.js';

export const TAIL_LINES = 20;

export class ServiceLog {
  private stream: WriteStream;
  private readonly tail: string[] = [];
  private readonly waiting = new Set<() => void>();
  private broken = false;
  private bytes = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
  ) {
    // 0600 and never through a planted link: logs carry env values and inherited secrets
    ensurePrivateDir(dirname(file));
    rotateLog(file);
    this.stream = this.open();
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.file, { fd: openFreshPrivateFile(this.file) });
    stream.on('drain', () => this.resumeWaiting());
    stream.on('error', () => {
      // a full disk must not take the stack down with it, nor leave the service paused
      this.broken = true;
      this.resumeWaiting();
    });
    return stream;
  }

  private resumeWaiting(): void {
    const fns = [...this.waiting];
    this.waiting.clear();
    for (const fn of fns) fn();
  }

  /** Over its cap: the current file becomes generation 1, and a new one starts. */
  private roll(): void {
    this.stream.end();
    rotateLog(this.file);
    this.stream = this.open();
    this.bytes = 0;
    // the new file has room, but a reader that asked to wait pauses only after the chunk
    // it is in: resume it on the next turn, not now, or the pause comes last and holds
    setImmediate(() => this.resumeWaiting());
  }

  /** false when the file is behind: the caller should pause the output until `onDrain`. */
  write(stream: 'out' | 'err', line: string): boolean {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (this.broken) return true;
    const text = formatLogLine(new Date(), stream, line);
    const size = Buffer.byteLength(text);
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) this.roll();
    this.bytes += size;
    return this.stream.write(text);
  }

  /** A new run starts: its last lines are its own, not a mix with the runs before it. */
  newRun(): void {
    this.tail.length = 0;
  }

  /** Calls fn once the file has caught up; the same fn asked for twice is called once. */
  onDrain(fn: () => void): void {
    this.waiting.add(fn);
  }

  /** A line of devnet's own in the service's log (a restart, a health change), shown by devnet logs. */
  marker(text: string): void {
    if (this.broken) return;
    const line = formatLogLine(new Date(), 'devnet', `--- ${text} ---`);
    this.bytes += Buffer.byteLength(line);
    this.stream.write(line);
  }

  /** The last lines, without those `noise` picks (a readiness probe's own requests), counted instead. */
  lastLines(noise?: (line: string) => boolean): string[] {
    if (!noise) return [...this.tail];
    const kept = this.tail.filter((l) => !noise(l));
    const hidden = this.tail.length - kept.length;
    return hidden ? [...kept, `(${hidden} line${hidden === 1 ? '' : 's'} of readiness-probe requests not shown)`] : kept;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

export type LogStream = 'out' | 'err' | 'devnet';

export function formatLogLine(at: Date, stream: LogStream, line: string): string {
  return `${at.toISOString()} ${stream} ${line}\n`;
}

export function parseLogLine(raw: string): { at: string; stream: LogStream; line: string } | undefined {
  // s: a line may hold a lone \r (a progress bar); it is still one line
  const m = /^(\S+) (out|err|devnet) (.*)$/s.exec(raw);
  return m ? { at: m[1]!, stream: m[2] as LogStream, line: m[3]! } : undefined;
}
