// The normalized stack: what the rest of devnet works with after load.

export type ServiceStatus = 'active' | 'planned' | 'deprecated';
export type Condition = 'ready' | 'started' | 'completed';
/** public: meant to be reached from other machines; a wildcard bind without it is warned about */
export type Exposure = 'internal' | 'external' | 'public';
export type ReadyKind = 'http' | 'tcp' | 'log' | 'exit' | 'none';

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
}

export interface Service {
  name: string;
  description?: string;
  command?: string | string[];
  /** run instead when the program of command is not installed */
  fallback?: string | string[];
  shell: boolean;
  /** cwd template, relative to the stack root */
  cwd?: string;
  host: string;
  /** named ports after --port-offset; `${port}` is the first */
  ports: Record<string, number>;
  env: Record<string, string>;
  /** env from the service's own env files, already read */
  fileEnv: Record<string, string>;
  dependsOn: Record<string, Condition>;
  ready: ReadySpec;
  profiles: string[];
  status: ServiceStatus;
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
  services: Record<string, Service>;
  ranges: PortSpan[];
  groups: PortSpan[];
  portOffset: number;
  /** stacks this one stands in for (or that stand in for it): never run at once, so shared ports are fine */
  alternatives: string[];
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
export const DEFAULT_READY_INTERVAL_MS = 50;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
export const DEFAULT_LOG_MAX_BYTES = 20 * 1024 * 1024;

export function isLaunchable(s: Service): boolean {
  return s.status !== 'planned' && s.command !== undefined;
}
