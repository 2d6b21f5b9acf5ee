// A process-compose.yaml as a stack: processes, their commands and working directories,
// environment, depends_on conditions, readiness and liveness probes, restart policy.
import { dict } from '../../stack/own.js';
import { duration, serviceName, type Imported, type RawService } from './result.js';

type Obj = Record<string, unknown>;
const CONDITION: Record<string, string> = {
  process_healthy: 'ready',
  process_started: 'started',
  process_completed_successfully: 'completed',
  process_completed: 'completed',
  process_log_ready: 'ready',
};
const RESTART: Record<string, string> = { no: 'no', on_failure: 'on-failure', always: 'always', exit_on_failure: 'no' };
const CARRIED = new Set(['command', 'working_dir', 'environment', 'depends_on', 'readiness_probe', 'liveness_probe', 'availability', 'shutdown', 'disabled', 'description', 'ready_log_line']);

function probe(p: Obj | undefined): { probe?: Obj; port?: number; interval?: string; timeout?: string; retries?: number; delay?: string } {
  if (!p) return {};
  const common = { interval: duration(p.period_seconds), timeout: duration(p.timeout_seconds), retries: p.failure_threshold as number | undefined, delay: duration(p.initial_delay_seconds) };
  const http = p.http_get as Obj | undefined;
  if (http) return { ...common, probe: { http: String(http.path ?? '/') }, port: http.port === undefined ? undefined : Number(http.port) };
  const exec = p.exec as Obj | undefined;
  if (exec?.command) return { ...common, probe: { exec: String(exec.command), shell: true } };
  return {};
}

export function importProcessCompose(doc: Obj, name: string): Imported {
  const notes: string[] = [];
  const services: Record<string, RawService> = dict();
  for (const [rawName, value] of Object.entries((doc.processes ?? {}) as Record<string, Obj>)) {
    const id = serviceName(rawName);
    const s = value ?? {};
    const svc: RawService = { command: String(s.command ?? `TODO ${id}`), shell: true };
    if (s.description) svc.description = String(s.description);
    if (s.working_dir) svc.cwd = String(s.working_dir);
    if (Array.isArray(s.environment)) svc.env = dict(s.environment.map(String).map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]));
    if (s.depends_on && typeof s.depends_on === 'object')
      svc.depends_on = dict(Object.entries(s.depends_on as Record<string, Obj>).map(([d, c]) => [serviceName(d), { condition: CONDITION[String(c?.condition ?? 'process_started')] ?? 'started' }]));
    const ready = probe(s.readiness_probe as Obj | undefined);
    const live = probe(s.liveness_probe as Obj | undefined);
    const port = ready.port ?? live.port;
    if (port) svc.port = port;
    if (ready.probe) svc.ready = { ...ready.probe, ...(ready.interval ? { interval: ready.interval } : {}) };
    else if (s.ready_log_line) svc.ready = { log: String(s.ready_log_line).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') };
    if (live.probe)
      svc.health = { ...live.probe, ...(live.interval ? { interval: live.interval } : {}), ...(live.timeout ? { timeout: live.timeout } : {}), ...(live.retries ? { retries: live.retries } : {}), ...(live.delay ? { start_period: live.delay } : {}) };
    const avail = s.availability as Obj | undefined;
    if (avail?.restart && RESTART[String(avail.restart)]) svc.restart = RESTART[String(avail.restart)];
    if (avail?.max_restarts) svc.max_restarts = Number(avail.max_restarts);
    if (avail?.backoff_seconds) svc.backoff = duration(avail.backoff_seconds);
    const shutdown = s.shutdown as Obj | undefined;
    if (shutdown?.timeout_seconds) svc.stop_timeout = duration(shutdown.timeout_seconds);
    if (s.disabled) svc.profiles = ['disabled'];
    for (const k of Object.keys(s)) if (!CARRIED.has(k)) notes.push(`${id}: ${k}: is not carried over`);
    services[id] = svc;
  }
  for (const svc of Object.values(services)) {
    const deps = svc.depends_on as Record<string, { condition: string }> | undefined;
    for (const [d, c] of Object.entries(deps ?? {})) if (c.condition === 'completed' && services[d] && !services[d]!.ready) services[d]!.ready = { exit: true };
  }
  if (Object.keys(services).length) notes.push('commands run through /bin/sh as process-compose runs them (shell: true)');
  for (const k of Object.keys(doc)) if (!['processes', 'version', 'environment'].includes(k)) notes.push(`${k}: (top level) is not carried over`);
  return { name, services, notes };
}
