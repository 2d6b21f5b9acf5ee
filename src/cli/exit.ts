// The one place that turns errors into messages and exit codes.
import { DevnetError, ExitCode, ServiceFailedError, StackError, formatProblem } from '../errors.js';
import { colorEnabled, painter } from '../report/style.js';
import { terminalWriter } from '../report/terminal-output.js';

export async function execute(fn: () => Promise<number | void>): Promise<void> {
  try {
    const code = await fn();
    process.exitCode = code ?? process.exitCode ?? ExitCode.ok;
  } catch (e) {
    process.exitCode = reportError(e);
  }
}

export function reportError(e: unknown, write: (s: string) => void = terminalWriter(process.stderr, colorEnabled(process.stderr))): number {
  const paint = painter(colorEnabled(process.stderr));
  const err = paint('red', 'error:');
  if (e instanceof StackError) {
    for (const p of e.problems) write(`${err} ${formatProblem(p)}\n`);
  } else if (e instanceof DevnetError) {
    write(`${err} ${e.message}\n`);
    if (e instanceof ServiceFailedError && e.logTail.length) {
      write(paint('dim', `${e.logTail.length === 1 ? `last log line of ${e.service}` : `last ${e.logTail.length} log lines of ${e.service}`}:\n`));
      for (const l of e.logTail) write(`  ${l}\n`);
    }
  } else {
    // not a user error: a bug in devnet, so the stack trace is wanted
    write(`${err} internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.failed;
  }
  if (e.hint) write(`${paint('dim', 'hint:')} ${e.hint}\n`);
  return e.exitCode;
}
