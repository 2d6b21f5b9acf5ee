// What the core tells the outside while it runs a stack. Reporters map each kind to output;
// the core never prints.
import type { Check } from './check.js';

export type RunEvent =
  | { kind: 'preflight'; checks: Check[] }
  | { kind: 'remap'; service: string; portName: string; from: number; to: number }
  | { kind: 'service:starting'; service: string; pid: number; command: string }
  | { kind: 'service:waiting'; service: string; probe: string }
  | { kind: 'service:ready'; service: string; ms: number; url?: string; completed?: boolean }
  | { kind: 'service:failed'; service: string; reason: string; logTail: string[] }
  | { kind: 'service:exited'; service: string; code: number | null; signal: string | null; expected: boolean }
  | { kind: 'service:log'; service: string; stream: 'out' | 'err'; line: string }
  /** via: how it is asked to stop where that is not SIGTERM (a container: docker stop, the image's own stop signal) */
  | { kind: 'service:stopping'; service: string; graceMs?: number; via?: string }
  /** down asked a live supervisor to stop the stack and waits for it, at most `ms` */
  | { kind: 'stack:stopping'; stack: string; supervisorPid: number; ms: number }
  | { kind: 'service:stopped'; service: string; forced: boolean; ms: number }
  /** a restart by policy, health check, watch or devnet restart; `delayMs` the back-off before it */
  | { kind: 'service:restarting'; service: string; reason: string; byPolicy: boolean; restarts: number; delayMs: number; logTail: string[] }
  | { kind: 'service:unhealthy'; service: string; reason: string }
  | { kind: 'service:healthy'; service: string }
  /** its restart policy gave up: it stays failed */
  | { kind: 'service:gave-up'; service: string; restarts: number; reason: string }
  /** some replicas of a replicated service are down, some serve: its users keep running */
  | { kind: 'group:degraded'; group: string; serving: number; of: number }
  /** up --watch: the service's watched paths passed the bound; what is past it is not watched */
  | { kind: 'watch:limited'; service: string; limit: number }
  /** the state file could not be written (a full disk): the supervisor goes on from memory */
  | { kind: 'state:unsaved'; stack: string; reason: string }
  /** running, but something it depends on is failed or stopped */
  | { kind: 'service:degraded'; service: string; because: string[] }
  | { kind: 'stack:ready'; stack: string; ms: number; services: ReadyService[] }
  | { kind: 'stack:stopped'; stack: string }
  /** a request on a running stack (start, restart) is done: `verb` says what was done to `services` */
  /** what applying the stack file (or a scale) does, before it is done; dryRun: only said */
  | { kind: 'stack:changes'; stack: string; changes: PlanChange[]; dryRun: boolean; why: string }
  /** up --watch: the edited stack file was not applied */
  | { kind: 'stack:invalid'; stack: string; file: string; message: string }
  | { kind: 'stack:applied'; stack: string; ms: number; changes: PlanChange[] }
  | { kind: 'services:done'; stack: string; verb: string; ms: number; names: string[]; services: ReadyService[] };

export interface ReadyService {
  name: string;
  url?: string;
  ports: Record<string, number>;
  pid?: number;
  /** a one-shot task that finished: left out of the URL table */
  completed?: boolean;
}

/**
 * One service's part in applying an edited stack file: recreate (it runs and its plan
 * changed; or it follows one that is recreated), add (new), start (known, not running),
 * remove (no longer in the stack), update (not running: its new plan is kept for its next
 * start). `reasons`: what differs, for people (port 8071 -> 8072, env LOG_LEVEL changed).
 */
export interface PlanChange {
  action: 'recreate' | 'add' | 'start' | 'remove' | 'update';
  service: string;
  reasons: string[];
}

export type Emit = (event: RunEvent) => void;
