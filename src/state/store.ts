// The state file: written before each process starts, so down can find every process
// even after the CLI that started them was killed. Atomic and private: see private-fs.ts.
import { dirname } from 'node:path';
import { DevnetError } from '../errors.js';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from '../fs/private-fs.js';
import type { Platform } from '../platform/types.js';
import type { ExitStatus } from '../platform/exit.js';
import { isSameProcess, type ProcessIdentity } from '../platform/identity.js';
import { nullProtoDeep } from '../stack/own.js';
import type { ContainerRef } from '../container/engine.js';

export const STATE_VERSION = 1;

/**
 * completed: a one-shot task (ready: exit) that exited 0; unhealthy: ready once, now failing
 * its health check; restarting: exited, waiting out its restart back-off; paused: ready, its
 * whole tree frozen by devnet pause (SIGSTOP) until devnet resume
 */
export type ServiceState = 'pending' | 'starting' | 'running' | 'ready' | 'unhealthy' | 'paused' | 'restarting' | 'stopping' | 'stopped' | 'completed' | 'exited' | 'failed';

/** A service whose process was started and has not exited or been stopped. */
export const isActive = (s: ServiceState): boolean => s === 'starting' || s === 'running' || s === 'ready' || s === 'unhealthy' || s === 'paused';

export interface LastExit extends ExitStatus {
  at: string;
  /** devnet asked it to stop (stop, restart, down): not a crash */
  stopped?: boolean;
}

/** The recorded process still runs and is the very one started (its pid not reused). */
export const isRecordAlive = (r: Pick<ServiceRecord, 'pid' | 'startTime'>): boolean =>
  r.pid !== undefined && r.startTime !== undefined && isSameProcess({ pid: r.pid, startTime: r.startTime });

export interface ServiceRecord {
  name: string;
  state: ServiceState;
  pid?: number;
  pgid?: number;
  startTime?: number;
  ports: Record<string, number>;
  /** its UDP ports, where it has some: down proves them free too */
  udpPorts?: Record<string, number>;
  /** the address it binds (absent in states written before it was recorded) */
  host?: string;
  url?: string;
  logFile: string;
  startedAt?: string;
  readyAt?: string;
  exitCode?: number | null;
  signal?: string | null;
  stopTimeoutMs: number;
  /** services this one depends on: down stops dependents first */
  dependsOn: string[];
  /** the replicated service this is a replica of */
  replicaOf?: string;
  /** false: its ports are held by another process by design (docker-proxy; ready.owned: false) */
  ownsPorts?: boolean;
  /** restarts by policy, health or watch since up (a devnet restart does not count) */
  restarts?: number;
  lastExit?: LastExit;
  /** why it is failed or unhealthy, for status */
  reason?: string;
  /** running, not ready yet: the readiness probe it waits on (http http://127.0.0.1:8080/health) */
  probe?: string;
  /** restarting: when its restart policy starts it again */
  restartAt?: string;
  /** its data directories, absolute: down --volumes deletes them */
  data?: string[];
  /** the hash of its resolved plan (stack/service-plan.ts): a stack file edited since changes the services whose hash differs */
  plan?: string;
  /** stop_signal where it is not SIGTERM: down sends it */
  stopSignal?: string;
  /** engine services: the container and the engine that runs it (down removes it by name and by label) */
  container?: ContainerRef;
  /** its plan part by part (short hashes; a port's number): why an edited stack file changes it */
  parts?: Record<string, string>;
}

export interface StackState {
  version: number;
  stack: string;
  stackId: string;
  stackFile: string;
  /** the --port-offset of the run (absent in states written before it was recorded) */
  portOffset?: number;
  runId: string;
  /** the devnet process that supervises the services (the foreground CLI or the detached supervisor) */
  supervisor: ProcessIdentity;
  startedAt: string;
  /** the stack root: data directories are only ever deleted inside it */
  root?: string;
  /** the supervisor's control socket */
  control?: string;
  /** the platform backend whose start times are recorded here (absent in states written before it was recorded) */
  platform?: Platform['name'];
  /** start order; down goes in reverse */
  order: string[];
  services: Record<string, ServiceRecord>;
  /** what up was asked to run (--only, --profile): a reload of the stack file selects the same */
  selection?: { only?: readonly string[]; profiles?: readonly string[] };
  /** devnet scale: replicated services run with another count than the stack file gives (`file`: its count then) */
  scale?: Record<string, { count: number; file: number }>;
}

export function readState(file: string): StackState | undefined {
  const text = readPrivateFile(file);
  return text === undefined ? undefined : parseState(text, file);
}

/** The state in `text`, as read from `file`. */
export function parseState(text: string, file: string): StackState {
  let state: StackState;
  try {
    // keyed by service names the user wrote: no inherited `constructor` may answer for one
    state = nullProtoDeep(JSON.parse(text) as StackState);
  } catch (e) {
    throw new DevnetError(`state file ${file} is not valid JSON`, { cause: e, hint: 'it was edited or damaged; stop what still runs by hand, then remove the file' });
  }
  if (state.version !== STATE_VERSION)
    throw new DevnetError(`state file ${file} has version ${state.version}; this devnet reads version ${STATE_VERSION}`, { hint: 'stop the stack with the devnet that started it' });
  return state;
}

export function writeState(file: string, state: StackState): void {
  ensurePrivateDir(dirname(file));
  // one line: it is read by devnet, and rewritten often while a stack changes (jq reads it too)
  writePrivateFile(file, JSON.stringify(state));
}
