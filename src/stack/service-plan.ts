// One resolved plan per service, computed once per run: everything that follows from the stack
// for that service (what runs, where, with which env; its ports, address and URL; its probes;
// its rendered files and data directories; what it waits for) and a hash of it all. The
// supervisor, the runner and the state file read it; nothing after `up` resolves the stack
// again. The hash, recorded per service, tells a later command which services an edited stack
// file changes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toPrometheus } from '../plan/prometheus.js';
import { MARKER } from '../platform/marker.js';
import { filePaths } from './files.js';
import { interpolate } from './interpolate.js';
import { interpolationContext } from './interpolation-context.js';
import { launchSpec, type LaunchSpec } from './launch-spec.js';
import type { Condition, FileSpec, Stack } from './model.js';
import { dict } from './own.js';
import { urlOf } from './service-url.js';

export interface RenderedFile {
  /** the files: key */
  name: string;
  path: string;
  text: string;
  mode: number;
  /** the service it belongs to; absent for the stack's own files */
  service?: string;
  /** what it is called in messages: files.NAME of SERVICE */
  what: string;
}

export interface ServicePlan {
  name: string;
  /** argv (or the shell line), cwd, env (the run's marker included), probe URLs and commands */
  launch: LaunchSpec;
  host: string;
  ports: Record<string, number>;
  url?: string;
  /** its own files:, rendered */
  files: RenderedFile[];
  /** its data directories, absolute */
  data: string[];
  dependsOn: Record<string, Condition>;
  /** SHA-256 of all of the above but the run's identity: equal hashes, the same service */
  hash: string;
}

export interface StackPlan {
  /** the stack's own files:, rendered once for the whole stack */
  files: RenderedFile[];
  services: Record<string, ServicePlan>;
}

export interface PlanOptions {
  stackId: string;
  runId?: string;
  processEnv?: Record<string, string | undefined>;
}

export function planStack(stack: Stack, names: readonly string[], o: PlanOptions): StackPlan {
  const processEnv = o.processEnv ?? process.env;
  const files = Object.values(stack.files).map((f) => renderFile(stack, f, undefined, processEnv));
  return { files, services: dict(names.map((n) => [n, planService(stack, n, o)])) };
}

export function planService(stack: Stack, name: string, o: PlanOptions): ServicePlan {
  const processEnv = o.processEnv ?? process.env;
  const s = stack.services[name]!;
  const ctx = interpolationContext(stack, name, processEnv);
  const launch = launchSpec(stack, name, { processEnv, stackId: o.stackId, runId: o.runId, context: ctx });
  const files = Object.values(s.files).map((f) => renderFile(stack, f, name, processEnv, ctx));
  const plan = { name, launch, host: s.host, ports: s.ports, url: urlOf(stack, name), files, data: ctx.data ?? [], dependsOn: s.dependsOn };
  return { ...plan, hash: planHash(plan, { ready: s.ready, health: s.health }, processEnv) };
}

function renderFile(stack: Stack, f: FileSpec, service: string | undefined, processEnv: Record<string, string | undefined>, ctx = interpolationContext(stack, service, processEnv)): RenderedFile {
  const path = filePaths(stack, service ? stack.services[service] : undefined)[f.name]!;
  const text = f.generate === 'prometheus' ? toPrometheus(stack) : interpolate(f.template !== undefined ? readFileSync(resolve(stack.dir, f.template), 'utf8') : f.content!, ctx);
  return { name: f.name, path, text, mode: f.mode, ...(service ? { service } : {}), what: `files.${f.name}${service ? ` of ${service}` : ''}` };
}

/**
 * What makes two plans the same service. Left out: the run's marker (every run has its own)
 * and env the service only inherits from the shell devnet was started in (a new terminal is
 * not a changed service); kept: every value the stack gives it.
 */
function planHash(p: Omit<ServicePlan, 'hash'>, probes: object, processEnv: Record<string, string | undefined>): string {
  const marker = new Set<string>(Object.values(MARKER));
  const env = Object.entries(p.launch.env)
    .filter(([k, v]) => !marker.has(k) && processEnv[k] !== v)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const { env: _env, ...launch } = p.launch;
  const files = p.files.map((f) => ({ path: f.path, mode: f.mode, text: f.text }));
  return createHash('sha256')
    .update(JSON.stringify({ launch, env, probes, host: p.host, ports: p.ports, url: p.url, files, data: p.data, dependsOn: p.dependsOn }))
    .digest('hex');
}
