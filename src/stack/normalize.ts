// Raw (schema-valid) YAML values -> the Stack model. Pure: env files are read by load.
import { parseMetricCondition, type MetricCondition } from './metric-condition.js';
import { dict } from './own.js';
import {
  DEFAULT_READY_INTERVAL_MS,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_STOP_TIMEOUT_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_HEALTH,
  type Condition,
  type ExecProbe,
  type FileSpec,
  type HealthSpec,
  type RestartPolicyName,
  type Exposure,
  type PortSpan,
  type ReadySpec,
  type Service,
  type ServiceLifecycle,
} from './model.js';

// Values the schema has already checked; `any` here saves restating the schema as types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = Record<string, any>;

export const MIN_BACKOFF_MS = 100;

export function parseDuration(v: number | string | undefined, fallbackMs: number): number {
  if (v === undefined) return fallbackMs;
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v)!;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1000, KIB: 1024, MB: 1e6, MIB: 1 << 20, GB: 1e9, GIB: 1 << 30 };

/** `20MB`, `1GiB` or a number of bytes (the schema has checked the form). */
export function parseSize(v: number | string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(\w+)$/.exec(v)!;
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
}

/** `8080` or `"30000-32767"` -> [from, to] (unchecked: rules report bad ones). */
export function parseSpan(v: number | string): [number, number] {
  if (typeof v === 'number') return [v, v];
  const [a, b] = v.split('-').map((s) => Number(s.trim()));
  return [a!, b!];
}

export function envStrings(env: Raw | undefined): Record<string, string> {
  return dict(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}

export function normalizeService(name: string, raw: Raw, stackHost: string, offset: number, fileEnv: Record<string, string>): Service {
  const ports: Record<string, number> = dict();
  if (raw.port !== undefined) ports.default = raw.port + offset;
  for (const [k, v] of Object.entries((raw.ports ?? {}) as Record<string, number>)) ports[k] = v + offset;
  const udpPorts: Record<string, number> = dict();
  for (const [k, v] of Object.entries((raw.udp_ports ?? {}) as Record<string, number>)) udpPorts[k] = v + offset;
  const dependsOn: Record<string, Condition> = Array.isArray(raw.depends_on)
    ? dict((raw.depends_on as string[]).map((d) => [d, 'ready' as Condition]))
    : dict(Object.entries((raw.depends_on ?? {}) as Record<string, { condition?: Condition }>).map(([d, c]) => [d, c.condition ?? 'ready']));
  const restartWith = Array.isArray(raw.depends_on) ? [] : Object.entries((raw.depends_on ?? {}) as Record<string, { restart?: boolean }>).filter(([, c]) => c.restart).map(([d]) => d);
  return {
    name,
    description: raw.description,
    command: raw.command,
    fallback: raw.fallback,
    shell: raw.shell ?? false,
    cwd: raw.cwd,
    host: raw.host ?? stackHost,
    ports,
    udpPorts,
    env: envStrings(raw.env),
    fileEnv,
    dependsOn,
    restartWith,
    ready: normalizeReady(raw.ready, Object.keys(ports).length > 0),
    health: normalizeHealth(raw.health),
    restart: {
      policy: (raw.restart ?? 'no') as RestartPolicyName,
      maxRestarts: raw.max_restarts ?? 0,
      // a floor: backoff: 0 restarted a crashing service 53 times a second, a state write each
      backoffMs: Math.max(MIN_BACKOFF_MS, parseDuration(raw.backoff, DEFAULT_BACKOFF_MS)),
      backoffMaxMs: Math.max(MIN_BACKOFF_MS, parseDuration(raw.backoff_max, DEFAULT_BACKOFF_MAX_MS)),
    },
    watch: raw.watch ?? [],
    files: normalizeFiles(raw.files),
    data: raw.data ?? [],
    image: raw.image,
    volumes: raw.volumes ?? [],
    user: raw.user,
    replicas: raw.replicas === undefined ? undefined : { count: raw.replicas, spread: raw.spread ?? 'hosts', stride: raw.stride ?? 1 },
    profiles: raw.profiles ?? [],
    status: (raw.status ?? 'active') as ServiceLifecycle,
    migration: raw.migration,
    location: raw.location,
    notes: raw.notes,
    protocol: raw.protocol,
    group: raw.group,
    exposure: (raw.exposure ?? 'external') as Exposure,
    metrics: raw.metrics,
    url: raw.url,
    setup: raw.setup,
    stopTimeoutMs: parseDuration(raw.stop_timeout, DEFAULT_STOP_TIMEOUT_MS),
    stopSignal: raw.stop_signal ?? 'SIGTERM',
    ...(raw.stop_command !== undefined ? { stopCommand: raw.stop_command } : {}),
    logMaxBytes: parseSize(raw.log_max_size, DEFAULT_LOG_MAX_BYTES),
  };
}

function normalizeReady(raw: Raw | undefined, hasPort: boolean): ReadySpec {
  const timeoutMs = parseDuration(raw?.timeout, DEFAULT_READY_TIMEOUT_MS);
  const intervalMs = parseDuration(raw?.interval, DEFAULT_READY_INTERVAL_MS);
  const base = { timeoutMs, intervalMs, port: raw?.port as string | undefined, owned: (raw?.owned as boolean | undefined) ?? true };
  if (raw?.http !== undefined) return { kind: 'http', target: raw.http, ...base };
  if (raw?.log !== undefined) return { kind: 'log', target: raw.log, ...base };
  if (raw?.metric !== undefined) return { kind: 'metric', target: raw.metric, ...metricOf(raw.metric), ...base };
  if (raw?.exit) return { kind: 'exit', ...base };
  if (raw?.exec !== undefined) return { kind: 'exec', exec: execProbe(raw), ...base };
  if (raw?.tcp || hasPort) return { kind: 'tcp', ...base };
  return { kind: 'none', ...base };
}

export function normalizeFiles(raw: Raw | undefined): Record<string, FileSpec> {
  return dict(
    Object.entries(raw ?? {}).map(([name, f]: [string, Raw]) => [
      name,
      { name, path: f.path, template: f.template, content: f.content, generate: f.generate, mode: f.mode === undefined ? 0o600 : parseInt(String(f.mode), 8) },
    ]),
  );
}

/** The parsed condition; a bad one is reported with its position by the rules (checkReady). */
function metricOf(text: unknown): { metric?: MetricCondition } {
  if (typeof text !== 'string') return {};
  const r = parseMetricCondition(text);
  return 'condition' in r && !r.rest.trim() ? { metric: r.condition } : {};
}

const execProbe = (raw: Raw): ExecProbe => ({ command: raw.exec, shell: raw.shell ?? false });

function normalizeHealth(raw: Raw | undefined): HealthSpec | undefined {
  if (!raw) return undefined;
  const base = {
    port: raw.port as string | undefined,
    intervalMs: parseDuration(raw.interval, DEFAULT_HEALTH.intervalMs),
    timeoutMs: parseDuration(raw.timeout, DEFAULT_HEALTH.timeoutMs),
    retries: (raw.retries as number | undefined) ?? DEFAULT_HEALTH.retries,
    startPeriodMs: parseDuration(raw.start_period, DEFAULT_HEALTH.startPeriodMs),
  };
  if (raw.http !== undefined) return { kind: 'http', target: raw.http, ...base };
  if (raw.exec !== undefined) return { kind: 'exec', exec: execProbe(raw), ...base };
  if (raw.metric !== undefined) return { kind: 'metric', target: raw.metric, ...metricOf(raw.metric), ...base };
  return { kind: 'tcp', ...base };
}

export function normalizeSpans(raw: Raw[] | undefined, offset: number): PortSpan[] {
  return (raw ?? []).map((r) => {
    const [from, to] = parseSpan(r.ports);
    return {
      name: r.name,
      from: from + offset,
      to: to + offset,
      purpose: r.purpose,
      description: r.description,
      exposure: (r.exposure ?? 'external') as Exposure,
      protocol: r.protocol,
    };
  });
}

