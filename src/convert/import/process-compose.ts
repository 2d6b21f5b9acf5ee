// A process-compose.yaml as a stack: processes, their commands and working directories,
// environment, depends_on conditions, readiness and liveness probes, restart policy.
import { dict } from '../../stack/own.js';
import { toDevnet } from './compose-interpolation.js';
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
const CARRIED = new Set(['command', 'working_dir', 'environment', 'depends_on', 'readiness_probe', 'liveness_probe', 'availability', 'shutdown', 'disabled', 'description', 'ready_log_line', 'vars']);

/**
 * A process-compose probe: period, timeout, failure threshold and initial delay as devnet's
 * interval, timeout, retries and start period; for readiness, the whole wait process-compose
 * allows (delay + threshold x (period + timeout)). An http_get on another host or scheme is a
 * full URL.
 */
function probe(p: Obj | undefined, vars: Record<string, string>): { probe?: Obj; port?: number; interval?: string; timeout?: string; retries?: number; delay?: string; wait?: string } {
  if (!p) return {};
  const period = Number(p.period_seconds ?? 10);
  const timeout = Number(p.timeout_seconds ?? 1);
  const retries = Number(p.failure_threshold ?? 3);
  const common = {
    interval: duration(p.period_seconds),
    timeout: duration(p.timeout_seconds),
    retries: p.failure_threshold as number | undefined,
    delay: duration(p.initial_delay_seconds),
    wait: duration(Number(p.initial_delay_seconds ?? 0) + retries * (period + timeout)),
  };
  const http = p.http_get as Obj | undefined;
  if (http) {
    const path = String(http.path ?? '/');
    const host = http.host === undefined ? undefined : String(http.host);
    const scheme = String(http.scheme ?? 'http');
    const port = http.port === undefined ? undefined : Number(http.port);
    const local = !host || host === 'localhost' || host === '127.0.0.1';
    return { ...common, probe: { http: local && scheme === 'http' ? path : `${scheme}://${host ?? '127.0.0.1'}${port ? `:${port}` : ''}${path}` }, port };
  }
  const exec = p.exec as Obj | undefined;
  if (exec?.command) return { ...common, probe: { exec: shellText(String(exec.command), vars), shell: true } };
  return {};
}

/**
 * A command as process-compose gives it to the shell: its {{.VAR}} templates filled from vars:,
 * and ${...} kept for the shell (the shell's variables, not devnet's references: $${ in devnet).
 */
function shellText(s: string, vars: Record<string, string>): string {
  return s.replace(/\{\{\s*\.([A-Za-z_][\w]*)\s*\}\}/g, (whole, v: string) => vars[v] ?? whole).replace(/\$\{/g, () => '$${');
}

const varsOf = (v: unknown): Record<string, string> => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, String(x)])) : {});

/** environment: entries; process-compose expands $VAR and ${VAR} in their values from its own environment, as devnet's ${env.VAR} does. */
const envOf = (list: unknown[]): Record<string, string> =>
  dict(list.map(String).map((kv) => [kv.split('=')[0]!, kv.includes('=') ? toDevnet(kv.slice(kv.indexOf('=') + 1), () => {}) : '']));

/** process-compose gives shutdown.signal as a number (Linux's). */
const STOP_SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM' };

export function importProcessCompose(doc: Obj, name: string): Imported {
  const notes: string[] = [];
  const services: Record<string, RawService> = dict();
  for (const [rawName, value] of Object.entries((doc.processes ?? {}) as Record<string, Obj>)) {
    const id = serviceName(rawName);
    const s = value ?? {};
    const vars = { ...varsOf(doc.vars), ...varsOf(s.vars) };
    const svc: RawService = { command: s.command === undefined ? `TODO ${id}` : shellText(String(s.command), vars), shell: true };
    if (/\{\{/.test(String(svc.command))) notes.push(`${id}: command has a {{...}} template that vars: does not fill; finish it by hand`);
    if (s.description) svc.description = String(s.description);
    if (s.working_dir) svc.cwd = String(s.working_dir);
    if (Array.isArray(s.environment)) svc.env = envOf(s.environment);
    if (s.depends_on && typeof s.depends_on === 'object')
      svc.depends_on = dict(
        Object.entries(s.depends_on as Record<string, Obj>).map(([d, c]) => {
          const cond = String(c?.condition ?? 'process_started');
          // devnet's completed is an exit 0; process_completed takes any exit
          if (cond === 'process_completed') notes.push(`${id}: depends_on ${d}: process_completed (any exit) becomes completed, which needs exit 0`);
          return [serviceName(d), { condition: CONDITION[cond] ?? 'started' }];
        }),
      );
    const ready = probe(s.readiness_probe as Obj | undefined, vars);
    const live = probe(s.liveness_probe as Obj | undefined, vars);
    const port = ready.port ?? live.port;
    if (port) svc.port = port;
    if (ready.probe) svc.ready = { ...ready.probe, ...(ready.interval ? { interval: ready.interval } : {}), ...(ready.wait ? { timeout: ready.wait } : {}) };
    else if (s.ready_log_line) svc.ready = { log: String(s.ready_log_line).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') };
    if (live.probe)
      svc.health = { ...live.probe, ...(live.interval ? { interval: live.interval } : {}), ...(live.timeout ? { timeout: live.timeout } : {}), ...(live.retries ? { retries: live.retries } : {}), ...(live.delay ? { start_period: live.delay } : {}) };
    const avail = s.availability as Obj | undefined;
    if (avail?.restart && RESTART[String(avail.restart)]) svc.restart = RESTART[String(avail.restart)];
    if (avail?.restart === 'exit_on_failure') notes.push(`${id}: availability.restart: exit_on_failure stops all of process-compose when it fails; devnet keeps the others running (restart: no)`);
    if (avail?.max_restarts) svc.max_restarts = Number(avail.max_restarts);
    if (avail?.backoff_seconds) svc.backoff = duration(avail.backoff_seconds);
    const shutdown = s.shutdown as Obj | undefined;
    if (shutdown?.timeout_seconds) svc.stop_timeout = duration(shutdown.timeout_seconds);
    // a shell line, as process-compose runs it (the service's commands are shell: true)
    if (shutdown?.command) svc.stop_command = shellText(String(shutdown.command), vars);
    if (shutdown?.signal !== undefined && Number(shutdown.signal) !== 15) {
      const sig = STOP_SIGNALS[Number(shutdown.signal)];
      if (sig) svc.stop_signal = sig;
      else notes.push(`${id}: shutdown.signal ${String(shutdown.signal)} has no devnet stop_signal (SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2): it is sent SIGTERM`);
    }
    if (s.disabled) svc.profiles = ['disabled'];
    for (const k of Object.keys(s)) if (!CARRIED.has(k)) notes.push(`${id}: ${k}: is not carried over`);
    services[id] = svc;
  }
  for (const svc of Object.values(services)) {
    const deps = svc.depends_on as Record<string, { condition: string }> | undefined;
    for (const [d, c] of Object.entries(deps ?? {})) if (c.condition === 'completed' && services[d] && !services[d]!.ready) services[d]!.ready = { exit: true };
  }
  if (Object.keys(services).length) notes.push('commands run through /bin/sh as process-compose runs them (shell: true); their ${...} stay the shell\'s ($${...} in devnet)');
  for (const k of Object.keys(doc)) if (!['processes', 'version', 'environment', 'vars'].includes(k)) notes.push(`${k}: (top level) is not carried over`);
  const env = Array.isArray(doc.environment) ? envOf(doc.environment) : undefined;
  return { name, services, notes, ...(env ? { env } : {}) };
}
