// The last step before a terminal: every line devnet prints goes through here, whatever
// wrote it (a service, a stack file, an error). Secrets of the loaded stack are redacted,
// control characters are escaped so a service cannot move the cursor, retitle the window or
// hide text (colour codes pass where colour is on), and service output that a slow terminal
// cannot take is dropped, never queued in memory: the log files keep every line.
import { redact } from '../stack/env-files.js';

let secrets: readonly string[] = [];

/** Values to redact in everything printed from now on (the loaded stack's secrets). */
export function redactInOutput(values: readonly string[]): void {
  secrets = values;
}

// SGR colour sequences, then single control characters other than tab and newline
const CONTROL = /\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function escapeControl(text: string, keepColor: boolean): string {
  return text.replace(CONTROL, (m) => {
    if (m.length > 1) return keepColor ? m : '';
    return m === '\x1b' ? '\\e' : m === '\r' ? '\\r' : `\\x${m.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** The loaded stack's secrets replaced by ***; for JSON, which escapes its own control characters. */
export function redactForOutput(text: string): string {
  return secrets.length ? redact(text, secrets) : text;
}

export function cleanForTerminal(text: string, keepColor: boolean): string {
  return escapeControl(redactForOutput(text), keepColor);
}

export type Write = (s: string) => void;

/** A writer to `stream` that cleans what it writes; colour codes survive only when `color`. */
export function terminalWriter(stream: NodeJS.WritableStream, color: boolean): Write {
  return (s) => void stream.write(cleanForTerminal(s, color));
}

/** Above this many bytes waiting for the terminal, service output is dropped. */
export const BACKLOG_LIMIT = 1 << 20;

/**
 * Service output for a terminal that may be slower than the services: lines are dropped while
 * the stream's backlog is over the limit, and a note says how many once it has caught up.
 */
export function serviceOutput(write: Write, backlog: () => number = () => process.stdout.writableLength ?? 0): Write {
  let dropped = 0;
  return (line) => {
    if (backlog() > BACKLOG_LIMIT) {
      dropped++;
      return;
    }
    if (dropped) {
      write(`… ${dropped} line${dropped === 1 ? '' : 's'} of service output not shown: the terminal was too slow (devnet logs has them)\n`);
      dropped = 0;
    }
    write(line);
  };
}
