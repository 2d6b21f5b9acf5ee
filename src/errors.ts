// Typed errors of the core. The core throws these; only src/cli/ turns them
// into messages and exit codes, so every command reports failures the same way.

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  preflight: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface Problem {
  message: string;
  /** dotted path inside the stack, e.g. services.api.depends_on[0] */
  path?: string;
  file?: string;
  line?: number;
  col?: number;
}

export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.col ?? 1}` : ''}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${where}${path}${p.message}`;
}

/** A name the user typed, quoted for a one-line message: a newline or an escape in it shows as \\n, never raw. */
export const quote = (name: string): string => JSON.stringify(name);

export class DevnetError extends Error {
  readonly exitCode: ExitCode = ExitCode.failed;
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

export class UsageError extends DevnetError {
  override readonly exitCode = ExitCode.usage;
}

/** An invalid stack: carries every problem found, so the user sees them all at once. */
export class StackError extends DevnetError {
  override readonly exitCode = ExitCode.usage;
  readonly problems: Problem[];
  constructor(problems: Problem[], options: { hint?: string } = {}) {
    super(problems.map(formatProblem).join('\n'), options);
    this.problems = problems;
  }
}

/** Preflight refused: a port is busy or claimed twice. Nothing was started. */
export class PreflightError extends DevnetError {
  override readonly exitCode = ExitCode.preflight;
  readonly lines: string[];
  constructor(lines: string[], options: { hint?: string } = {}) {
    super(lines.join('\n'), options);
    this.lines = lines;
  }
}

/** Another devnet already runs this stack. */
export class LockError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** A service exited early or was not ready in time; carries its last log lines. */
export class ServiceFailedError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
  readonly service: string;
  readonly logTail: string[];
  constructor(service: string, message: string, logTail: string[], options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.service = service;
    this.logTail = logTail;
  }
}

/** A service's program or working directory is missing: nothing was started. */
export class ProgramMissingError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** down could not free something (a process that would not die, a port still held). */
export class StopError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** Errors cross from the detached supervisor to the CLI over IPC as plain data. */
export interface SerializedError {
  name: string;
  message: string;
  hint?: string;
  problems?: Problem[];
  lines?: string[];
  service?: string;
  logTail?: string[];
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof DevnetError)) return { name: 'Error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  return {
    name: e.name,
    message: e.message,
    hint: e.hint,
    problems: e instanceof StackError ? e.problems : undefined,
    lines: e instanceof PreflightError ? e.lines : undefined,
    service: e instanceof ServiceFailedError ? e.service : undefined,
    logTail: e instanceof ServiceFailedError ? e.logTail : undefined,
  };
}

export function deserializeError(s: SerializedError): Error {
  const o = { hint: s.hint };
  switch (s.name) {
    case 'StackError':
      return new StackError(s.problems ?? [], o);
    case 'PreflightError':
      return new PreflightError(s.lines ?? [s.message], o);
    case 'ServiceFailedError':
      return new ServiceFailedError(s.service ?? '?', s.message, s.logTail ?? [], o);
    case 'LockError':
      return new LockError(s.message, o);
    case 'UsageError':
      return new UsageError(s.message, o);
    case 'NoSupervisorError':
      return new NoSupervisorError(s.message, o);
    case 'InterruptedError':
      return new InterruptedError(s.message, o);
    case 'ProgramMissingError':
      return new ProgramMissingError(s.message, o);
    case 'StopError':
      return new StopError(s.message, o);
    case 'UnresponsiveSupervisorError':
      return new UnresponsiveSupervisorError(s.message, o);
    case 'Error':
      return new Error(s.message);
    default:
      return new DevnetError(s.message, o);
  }
}

/** No supervisor answers on the stack's control socket: it is not up, or its supervisor is gone. */
export class NoSupervisorError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** A supervisor that runs but does not answer: frozen (SIGSTOP, Ctrl-Z) or wedged. */
export class UnresponsiveSupervisorError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** The stack was stopped on request (Ctrl-C, SIGTERM, devnet down) before it was up. */
export class InterruptedError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}
