// The control channel: one JSON request line from a command, then JSON reply lines from the
// supervisor (its events while the request runs, then done or error). A Unix socket in the
// stack's state folder, 0600 in a 0700 folder: devnet holds no TCP port.
import type { SerializedError } from '../errors.js';
import type { ReadyService, RunEvent } from '../events.js';
import type { Stack } from '../stack/model.js';
import type { ScaleRecord } from '../stack/replicas.js';
import type { ResolvedService } from '../stack/resolved-config.js';

export type ControlOp = 'start' | 'stop' | 'restart' | 'pause' | 'resume' | 'down' | 'ping' | 'apply' | 'scale' | 'config';

export interface ControlRequest {
  op: ControlOp;
  /** the state folder of the stack the client means: a supervisor serving another refuses */
  stateDir?: string;
  services?: string[];
  withDependents?: boolean;
  timeoutMs?: number;
  /** apply: the stack as the client loaded it now (its env, its recorded scale applied); `services`: what it asks to run */
  stack?: Stack;
  /** apply: the client's env, which the stack was resolved in */
  env?: Record<string, string | undefined>;
  /** apply: the scale counts the client kept (the stack file still gives the count they were scaled from) */
  scale?: ScaleRecord;
  /** apply: what asked for it, for the output and the logs (the stack file changed, devnet up --profile x) */
  why?: string;
  /** apply, scale: say what would change, change nothing */
  dryRun?: boolean;
  /** scale: the service and its new count */
  group?: string;
  count?: number;
  /** config: the secrets' values too (devnet exec's own process needs them; nothing printed does) */
  reveal?: boolean;
}

export type ControlReply =
  | { type: 'event'; event: RunEvent }
  /** the services the request acted on, as they are now */
  | {
      type: 'done';
      services: ReadyService[];
      config?: ResolvedService[];
      /** down: the supervisor saw every service gone and bound every port free (Supervisor.provenStopped) */
      proven?: boolean;
    }
  /** while a request runs: the supervisor is alive and working on it */
  | { type: 'beat' }
  | { type: 'error'; error: SerializedError };

/** A request line longer than this is not one of devnet's (an apply carries a whole stack, of a file of at most 1 MiB). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** The supervisor says it is alive this often while a request runs... */
export const BEAT_MS = 1000;
/** ...so a client that hears nothing for this long knows it is frozen or wedged. */
export const SILENCE_MS = 10_000;
/** A client must send its request within this, or the connection is closed. */
export const REQUEST_WAIT_MS = 5000;
/** Connections served at once; more are refused by the kernel's backlog, not held for ever. */
export const MAX_CLIENTS = 64;
