// The normalized stack: what the rest of devnet works with after load.

export type ServiceLifecycle = 'active' | 'planned' | 'deprecated';
export type Condition = 'ready' | 'started' | 'completed';
/** public: meant to be reached from other machines; a wildcard bind without it is warned about */
export type Exposure = 'internal' | 'external' | 'public';import type { MetricCondition } from './metric-condition.js';

export type StopSignal = 'SIGTERM' | 'SIGINT' | 'SIGQUIT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2';
export type ReadyKind = 'http' | 'tcp' | 'log' | 'exit' | 'exec' | 'metric' | 'none';
export type HealthKind = 'http' | 'tcp' | 'exec' | 'metric';
/** compose's words; within one run always and unless-stopped behave the same (devnet has no daemon restart) */
export type RestartPolicyName = 'no' | 'on-failure' | 'always' | 'unless-stopped';

/** A command run as a probe: in the service's cwd and env, ready on exit 0. */
export interface ExecProbe {
  command: string | string[];
  shell: boolean;
}

export interface ReadySpec {
  kind: ReadyKind;
  /** http: path or URL template; log: regex source */
  target?: string;
  /** name of the port the probe uses */
  port?: string;
  /** the listener must be in the service's process tree (false: a proxy such as docker-proxy holds it) */
  owned: boolean;
  timeoutMs: number;
  intervalMs: number;
  exec?: ExecProbe;
  /** metric: the condition on the service's metrics: path (target holds its text) */
  metric?: MetricCondition;
}

/** Liveness after ready: `retries` failures in a row make the service unhealthy. */
export interface HealthSpec {
  kind: HealthKind;
  /** http: path or URL template */
  target?: string;
  port?: string;
  exec?: ExecProbe;
  metric?: MetricCondition;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  /** failures in this first period after ready do not count */
  startPeriodMs: number;
}

export interface RestartSpec {
  policy: RestartPolicyName;
  /** 0: no limit */
  maxRestarts: number;
  /** the first delay; it doubles with each restart in a row, up to backoffMaxMs */
  backoffMs: number;
  backoffMaxMs: number;
}

/** replicas: N: how the copies are placed */
export type Spread = 'hosts' | 'ports';

export interface ReplicaSpec {
  count: number;
  spread: Spread;
  /** spread: ports: replica i gets port + (i-1) * stride */
  stride: number;
}

/** One copy of a replicated service: NAME-1 ... NAME-N. */
export interface ReplicaOf {
  /** the service as the stack file names it */
  of: string;
  /** 1-based */
  index: number;
  count: number;
  /** how the copies are placed: devnet scale places new ones the same way */
  spread: Spread;
  stride: number;
}

/** A file rendered at up with the same interpolation as commands; referenced as ${files.NAME}. */
export interface FileSpec {
  name: string;
  /** where it goes, relative to the stack root; default: the state folder */
  path?: string;
  /** a template file, relative to the stack file */
  template?: string;
  content?: string;
  /** a file devnet writes from the plan: prometheus (scrape config of the ports in use) */
  generate?: 'prometheus';
  mode: number;
}

export interface Service {
  name: string;
  /** the container image: run from when engine is set, else only devnet export reads it */
  image?: string;
  /** set: the service runs image as a container through this engine's CLI (host networking) */
  engine?: 'docker';
  /** engine services: who the container runs as (undefined: devnet's own uid:gid; 'image': the image's USER) */
  user?: string;
  /** engine services: HOST:CONTAINER[:ro] mounts, HOST relative to the stack root (interpolated) */
  volumes: string[];
  /** files rendered for this service (per replica) */
  files: Record<string, FileSpec>;
  /** directories it keeps data in, relative to the stack root (interpolated); down --volumes deletes them */
  data: string[];
  /** set on a replicated service before expansion; the expanded copies carry `replica` */
  replicas?: ReplicaSpec;
  replica?: ReplicaOf;
  description?: string;
  command?: string | string[];
  /** run instead when the program of command is not installed */
  fallback?: string | string[];
  shell: boolean;
  /** cwd template, relative to the stack root */
  cwd?: string;
  host: string;
  /** set by export only: the address others reach it at where that is not host (its name on a container network) */
  address?: string;
  /** named ports after --port-offset; `${port}` is the first */
  ports: Record<string, number>;
  /** named UDP ports after --port-offset (${udp_ports.NAME}): planned and preflighted, never probed */
  udpPorts: Record<string, number>;
  env: Record<string, string>;
  /** env from the service's own env files, already read */
  fileEnv: Record<string, string>;
  dependsOn: Record<string, Condition>;
  /** dependencies whose restart restarts this service too (depends_on: {x: {restart: true}}) */
  restartWith: string[];
  ready: ReadySpec;
  health?: HealthSpec;
  restart: RestartSpec;
  /** paths or globs (relative to its cwd) that restart it on change under up --watch */
  watch: string[];
  profiles: string[];
  status: ServiceLifecycle;
  migration?: string;
  location?: string;
  notes?: string;
  protocol?: string;
  group?: string;
  exposure: Exposure;
  metrics?: string;
  url?: string;
  setup?: string;
  stopTimeoutMs: number;
  /** what a stop sends first (default SIGTERM) */
  stopSignal: StopSignal;
  /** run to stop it instead of stopSignal (as the supervisor runs it; a down without one signals) */
  stopCommand?: string | string[];
  /** the log rotates past this size */
  logMaxBytes: number;
}

export interface PortSpan {
  name: string;
  from: number;
  to: number;
  purpose?: string;
  description?: string;
  exposure: Exposure;
  protocol?: string;
}

export interface Stack {
  name: string;
  description?: string;
  /** absolute path of the stack file */
  file: string;
  /** directory of the stack file */
  dir: string;
  /** absolute directory services run from (root: key, default the stack file's directory) */
  root: string;
  /** how to get the stack root, shown by doctor when it is missing */
  setup?: string;
  host: string;
  /** env read from the stack's env files (literal values) */
  fileEnv: Record<string, string>;
  /** the stack's env: values (may use ${...}, resolved per service) */
  env: Record<string, string>;
  /** env keys whose values came from env files and look secret: redacted in output */
  secretValues: string[];
  /** the secret-looking variables (env files, literal env: values) by name: export writes references to them, never values */
  secretVars: Record<string, string>;
  services: Record<string, Service>;
  ranges: PortSpan[];
  groups: PortSpan[];
  portOffset: number;
  /** stacks this one stands in for (or that stand in for it): never run at once, so shared ports are fine */
  alternatives: string[];
  /** files rendered once for the whole stack */
  files: Record<string, FileSpec>;
  /** the files the stack was read from (the stack file, its env files, its templates): up --watch applies it again when one changes */
  sources?: string[];
  /** SHA-256 of the stack file's text as loaded: a command on the running stack skips loading a file unchanged since up */
  textHash?: string;
  /** the state folder of the run (set when the stack is opened to act on it): rendered files go there */
  stateDir?: string;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
export const DEFAULT_READY_INTERVAL_MS = 50;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
export const DEFAULT_LOG_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_HEALTH = { intervalMs: 5000, timeoutMs: 2000, retries: 3, startPeriodMs: 0 };
export const DEFAULT_BACKOFF_MS = 1000;
export const DEFAULT_BACKOFF_MAX_MS = 30_000;

export function isLaunchable(s: Service): boolean {
  return s.status !== 'planned' && (s.command !== undefined || s.engine !== undefined);
}
