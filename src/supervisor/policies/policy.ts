// The one shape of a policy: it hooks itself on one service's runner (ready, exit, stop,
// unhealthy) and acts through what the supervisor lends it. The list that says which
// policies a service gets, and in which order, is policies/index.ts.
import type { Emit } from '../../events.js';
import type { Clock } from '../../async/clock.js';
import type { Probe } from '../../service/probes/types.js';
import type { PolicyTarget } from './target.js';

export interface PolicyContext {
  clock: Clock;
  emit: Emit;
  probe: Probe;
  /** starts the service again as a restart does: its ports checked first */
  start(): Promise<void>;
  /** stops its process (an unhealthy service, before its restart) */
  stop(): Promise<void>;
  /** restarts services now, inside whatever request is under way (followers of a restarted service) */
  restartNow(names: string[], reason: string): Promise<unknown>;
  /** restarts this service as a request of its own, queued like devnet restart (a watched change) */
  restartLater(reason: string): Promise<unknown>;
  /** the running services that follow this one (depends_on: { X: { restart: true } }) */
  followers(): string[];
  /** the service changed by itself (a policy gave up on it): the supervisor looks at the stack again */
  changed(): void;
  /** resolves once the stack's first start is done (a watcher waits for it) */
  firstStart: Promise<void>;
  /** up --watch: watches paths of the service; absent without --watch */
  watch?(patterns: readonly string[], cwd: string, onChange: (path: string) => void): Promise<() => Promise<void>>;
  /** the service's cwd, as its plan resolved it */
  cwd: string;
}

/** What an attached policy leaves the supervisor: `settled` once it is in force, `close` when the stack stops. */
export interface PolicyHandle {
  settled?: Promise<void>;
  close(): Promise<void>;
}

export interface Policy {
  readonly name: string;
  attach(t: PolicyTarget, ctx: PolicyContext): PolicyHandle | void;
}
