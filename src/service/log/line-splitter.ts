// A service's output cut into lines. readline keeps a line in memory until its newline
// comes: a service that writes 600 MB without one grows the supervisor to 600 MB and then
// crashes it. Here a line longer than the cap is cut into pieces of at most the cap.
import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; longer ones are split into pieces of this many characters. */
export const MAX_LINE_CHARS = 64 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly max = MAX_LINE_CHARS) {}

  /** The complete lines in `chunk` (with any kept from before); a trailing partial line waits. */
  push(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    const out: string[] = [];
    for (const l of lines) this.cut(l.endsWith('\r') ? l.slice(0, -1) : l, out);
    while (this.partial.length >= this.max) {
      out.push(this.partial.slice(0, this.max));
      this.partial = this.partial.slice(this.max);
    }
    return out;
  }

  /** What is left when the stream ends. */
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    const out: string[] = [];
    if (rest) this.cut(rest, out);
    return out;
  }

  private cut(line: string, out: string[]): void {
    if (line.length <= this.max) return void out.push(line);
    for (let i = 0; i < line.length; i += this.max) out.push(line.slice(i, i + this.max));
  }
}
