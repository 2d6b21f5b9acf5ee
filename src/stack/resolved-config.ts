// A service as devnet resolved it, for people (devnet config) and for devnet exec: what runs,
// where, on which ports, with the environment the stack gives it. Built from its plan, so
// config shows what up runs and exec runs where the service runs.
import type { ServicePlan } from './service-plan.js';
import type { Condition, HealthSpec, ReadySpec, RestartSpec, Stack } from './model.js';
import { redact } from './env-files.js';
import { dict } from './own.js';
import { MARKER } from '../platform/marker.js';

export interface ResolvedService {
  name: string;
  /** the command as people read it (a shell line with its values quoted in place) */
  command: string;
  /** the program and its arguments, or the shell line and [] when shell */
  file: string;
  args: string[];
  shell: boolean;
  cwd: string;
  host: string;
  ports: Record<string, number>;
  url?: string;
  /**
   * What the stack gives it: its env files and env: (the stack's, then its own), interpolated;
   * PORT (its first port) and PORT_NAME for each named port, where the stack sets none; the
   * PATH it runs with. Inherited variables are left out: they are the shell's, not the stack's.
   */
  env: Record<string, string>;
  dependsOn: Record<string, Condition>;
  ready: ReadySpec;
  health?: HealthSpec;
  restart: RestartSpec;
  data: string[];
  files: string[];
  replicaOf?: string;
  /** the program it was meant to run, where a fallback runs instead */
  fallbackFor?: string;
}

export function resolveService(stack: Stack, plan: ServicePlan): ResolvedService {
  const s = stack.services[plan.name]!;
  const { launch } = plan;
  const keys = new Set([...Object.keys(stack.fileEnv), ...Object.keys(stack.env), ...Object.keys(s.fileEnv), ...Object.keys(s.env)]);
  const env: Record<string, string> = dict();
  for (const k of [...keys].sort()) if (launch.env[k] !== undefined) env[k] = launch.env[k]!;
  const named = Object.entries(plan.ports);
  if (named.length && env.PORT === undefined) env.PORT = String(named[0]![1]);
  for (const [n, p] of named) {
    const key = `PORT_${n.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    if (env[key] === undefined) env[key] = String(p);
  }
  if (launch.env.PATH !== undefined) env.PATH = launch.env.PATH;
  return {
    name: plan.name,
    command: launch.display,
    file: launch.file,
    args: launch.args,
    shell: launch.shell,
    cwd: launch.cwd,
    host: plan.host,
    ports: plan.ports,
    ...(plan.url ? { url: plan.url } : {}),
    env,
    dependsOn: plan.dependsOn,
    ready: s.ready,
    ...(s.health ? { health: s.health } : {}),
    restart: s.restart,
    data: plan.data,
    files: plan.files.map((f) => f.path),
    ...(s.replica ? { replicaOf: s.replica.of } : {}),
    ...(launch.fallbackFor ? { fallbackFor: launch.fallbackFor } : {}),
  };
}

/** The same with every secret of the stack replaced by ***, in every string it holds. */
export function redactService(r: ResolvedService, secrets: readonly string[]): ResolvedService {
  if (!secrets.length) return r;
  return JSON.parse(JSON.stringify(r), (_k, v: unknown) => (typeof v === 'string' ? redact(v, secrets) : v)) as ResolvedService;
}

/** The variables of devnet exec's command: the caller's own, the service's, and the run's marker (down stops what it leaves running). */
export function execEnv(r: ResolvedService, callerEnv: Record<string, string | undefined>, marker: { stackId: string; runId?: string }): Record<string, string> {
  const env: Record<string, string> = dict();
  for (const [k, v] of Object.entries(callerEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, r.env);
  env[MARKER.stack] = marker.stackId;
  env[MARKER.service] = r.name;
  if (marker.runId) env[MARKER.run] = marker.runId;
  return env;
}
