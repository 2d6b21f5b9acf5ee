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
  /** why, without the service's name: "exited with code 1", "not ready after 30s (...)"; a restart policy quotes it */
  readonly reason: string;
  constructor(service: string, message: string, logTail: string[], options: { hint?: string; cause?: unknown; reason?: string } = {}) {
    super(message, options);
    this.service = service;
    this.logTail = logTail;
    this.reason = options.reason ?? message;
  }
}

/** A service's program or working directory is missing: nothing was started. */
export class ProgramMissingError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** A container service's engine is missing or its daemon does not answer: nothing was started. */
export class EngineError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
}

/** down could not free something (a process that would not die, a port still held). */
export class StopError extends DevnetError {
  override readonly exitCode = ExitCode.failed;
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

/** A start that ended because a stop was asked (or another service failed): not this service's failure. */
export class StartAborted extends DevnetError {
  constructor(service: string, options: { hint?: string } = {}) {
    super(service.includes(' ') ? service : `${service} was not started: a stop was asked, or what it needs failed`, options);
  }
}

/** The system cannot be read the way devnet needs (no /proc, no lsof or ps). */
export class PlatformError extends DevnetError {}

/** A tool's output that is not what it prints: believing it would call live services exited. */
export class ToolOutputError extends PlatformError {}

/** The state directory cannot be used safely: not ours, open to others, a link, or not writable. */
export class StateDirError extends DevnetError {}

/** The supervisor of an up -d died while it started the stack: its launcher stops what it had started. */
export class SupervisorDiedError extends DevnetError {}

/** Errors cross from a supervisor to the CLI (a control request's answer) as plain data. */
export interface SerializedError {
  name: string;
  message: string;
  hint?: string;
  problems?: Problem[];
  lines?: string[];
  service?: string;
  logTail?: string[];
  reason?: string;
}

/**
 * Every error class of the core, by name: the detached supervisor's errors arrive in the CLI
 * as what they were (so --json kinds and exit codes are those of a foreground up). A class
 * missing here fails test/unit/errors.test.ts.
 */
const REVIVE: Record<string, (s: SerializedError, o: { hint?: string }) => DevnetError> = {
  DevnetError: (s, o) => new DevnetError(s.message, o),
  UsageError: (s, o) => new UsageError(s.message, o),
  StackError: (s, o) => new StackError(s.problems ?? [], o),
  PreflightError: (s, o) => new PreflightError(s.lines ?? [s.message], o),
  LockError: (s, o) => new LockError(s.message, o),
  ServiceFailedError: (s, o) => new ServiceFailedError(s.service ?? '?', s.message, s.logTail ?? [], { ...o, reason: s.reason }),
  ProgramMissingError: (s, o) => new ProgramMissingError(s.message, o),
  EngineError: (s, o) => new EngineError(s.message, o),
  StopError: (s, o) => new StopError(s.message, o),
  NoSupervisorError: (s, o) => new NoSupervisorError(s.message, o),
  UnresponsiveSupervisorError: (s, o) => new UnresponsiveSupervisorError(s.message, o),
  InterruptedError: (s, o) => new InterruptedError(s.message, o),
  StartAborted: (s, o) => new StartAborted(s.message, o),
  PlatformError: (s, o) => new PlatformError(s.message, o),
  ToolOutputError: (s, o) => new ToolOutputError(s.message, o),
  StateDirError: (s, o) => new StateDirError(s.message, o),
  SupervisorDiedError: (s, o) => new SupervisorDiedError(s.message, o),
};

export const revivableErrors = (): string[] => Object.keys(REVIVE);

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
    reason: e instanceof ServiceFailedError ? e.reason : undefined,
  };
}

export function deserializeError(s: SerializedError): Error {
  if (s.name === 'Error') return new Error(s.message);
  return (REVIVE[s.name] ?? REVIVE.DevnetError!)(s, { hint: s.hint });
}
