// The control channel: one JSON request line from a command, then JSON reply lines from the
// supervisor (its events while the request runs, then done or error). A Unix socket in the
// stack's state folder, 0600 in a 0700 folder: devnet holds no TCP port.
import type { SerializedError } from '../../errors.js';
import type { ReadyService, RunEvent } from '../../report/events.js';

export type ControlOp = 'start' | 'stop' | 'restart' | 'down' | 'ping';

export interface ControlRequest {
  op: ControlOp;
  services?: string[];
  withDependents?: boolean;
  timeoutMs?: number;
}

export type ControlReply =
  | { type: 'event'; event: RunEvent }
  /** the services the request acted on, as they are now */
  | { type: 'done'; services: ReadyService[] }
  | { type: 'error'; error: SerializedError };

/** A request line longer than this is not one of devnet's. */
export const MAX_REQUEST_BYTES = 64 * 1024;
