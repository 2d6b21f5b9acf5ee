// One resolved plan per service, computed once per run: everything that follows from the stack
// for that service (what runs, where, with which env; its ports, address and URL; its probes;
// its rendered files and data directories; what it waits for) and a hash of it all. The
// supervisor, the runner and the state file read it; nothing after `up` resolves the stack
// again. The hash, recorded per service, tells a later command which services an edited stack
// file changes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { toPrometheus } from '../plan/prometheus.js';
import { MARKER } from '../platform/marker.js';
import { filePaths } from './files.js';
import { interpolate } from './interpolate.js';
import { interpolationContext } from './interpolation-context.js';
import { launchSpec, type LaunchSpec } from './launch-spec.js';
import type { Condition, FileSpec, Service, Stack } from './model.js';
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
  udpPorts: Record<string, number>;
  url?: string;
  /** its own files:, rendered */
  files: RenderedFile[];
  /** its data directories, absolute */
  data: string[];
  dependsOn: Record<string, Condition>;
  /**
   * What makes it this service, part by part (command, cwd, env.KEY, port.NAME, files.NAME,
   * ready, restart, ...): a short hash of each (a port's number itself). Recorded at up, so
   * that a later command says why an edited stack file changes a service, never showing a
   * value (env may hold secrets).
   */
  parts: Record<string, string>;
  /** SHA-256 of the parts: equal hashes, the same service */
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
  const files = stackFiles(stack, o);
  return { files, services: dict(names.map((n) => [n, planService(stack, n, o, files)])) };
}

/** The stack's own files:, rendered. */
export function stackFiles(stack: Stack, o: Pick<PlanOptions, 'processEnv'> = {}): RenderedFile[] {
  const processEnv = o.processEnv ?? process.env;
  return Object.values(stack.files).map((f) => renderFile(stack, f, undefined, processEnv));
}

/** `shared`: the stack's files, rendered (a service that names one changes when it does). */
export function planService(stack: Stack, name: string, o: PlanOptions, shared: readonly RenderedFile[] = stackFiles(stack, o)): ServicePlan {
  const processEnv = o.processEnv ?? process.env;
  const s = stack.services[name]!;
  const ctx = interpolationContext(stack, name, processEnv);
  const launch = launchSpec(stack, name, { processEnv, stackId: o.stackId, runId: o.runId, context: ctx });
  const files = Object.values(s.files).map((f) => renderFile(stack, f, name, processEnv, ctx));
  const plan = { name, launch, host: s.host, ports: s.ports, udpPorts: s.udpPorts, url: urlOf(stack, name), files, data: ctx.data ?? [], dependsOn: s.dependsOn };
  const parts = planParts(plan, s, stack, shared, processEnv);
  return { ...plan, parts, hash: hashOf(parts) };
}

function renderFile(stack: Stack, f: FileSpec, service: string | undefined, processEnv: Record<string, string | undefined>, ctx = interpolationContext(stack, service, processEnv)): RenderedFile {
  const path = filePaths(stack, service ? stack.services[service] : undefined)[f.name]!;
  const text = f.generate === 'prometheus' ? toPrometheus(stack) : interpolate(f.template !== undefined ? readFileSync(resolve(stack.dir, f.template), 'utf8') : f.content!, ctx);
  return { name: f.name, path, text, mode: f.mode, ...(service ? { service } : {}), what: `files.${f.name}${service ? ` of ${service}` : ''}` };
}

const short = (v: unknown) => createHash('sha256').update(JSON.stringify(v) ?? 'undefined').digest('hex').slice(0, 16);

/**
 * What makes two plans the same service. Left out: the run's marker (every run has its own),
 * env the service only inherits from the shell devnet was started in (a new terminal is not a
 * changed service; of PATH, only what the stack puts before the shell's), and what only
 * describes it (description, notes, exposure). A stack file a service names (its path in the
 * command, env or own files) is a part of it: a changed prometheus.yml recreates Prometheus.
 */
function planParts(p: Omit<ServicePlan, 'hash' | 'parts'>, s: Service, stack: Stack, shared: readonly RenderedFile[], processEnv: Record<string, string | undefined>): Record<string, string> {
  const { env: stackEnv, fileEnv: stackFileEnv, dir: stackDir } = stack;
  const marker = new Set<string>(Object.values(MARKER));
  const parts: Record<string, string> = dict();
  const l = p.launch;
  // ~KEY: the part as written, before interpolation; a part whose text is unchanged changed
  // only through what it references (a port), which is then the reason said
  const raw = (key: string, v: unknown) => void (parts[`~${key}`] = short(v));
  // a container: what runs inside it (the engine's own argv follows from the parts below)
  parts.command = short(l.container ? { container: l.container.args } : { file: l.file, args: l.args, shell: l.shell, fallbackFor: l.fallbackFor });
  raw('command', { command: s.command, fallback: s.fallback, shell: s.shell });
  parts.cwd = short(l.cwd);
  raw('cwd', s.cwd);
  if (l.container) {
    parts.image = short(l.container.image);
    if (s.volumes.length) parts.volumes = short(s.volumes);
    if (s.user !== undefined) parts.user = short(s.user);
  }
  for (const [k, v] of Object.entries(l.env)) {
    if (marker.has(k) || processEnv[k] === v) continue;
    const inherited = processEnv[k];
    // PATH: the stack's node_modules/.bin dirs before the shell's own
    const own = k === 'PATH' && inherited && v.endsWith(`${delimiter}${inherited}`) ? v.slice(0, -inherited.length - 1) : v;
    parts[`env.${k}`] = short(own);
    raw(`env.${k}`, s.env[k] ?? stackEnv[k] ?? s.fileEnv[k] ?? stackFileEnv[k] ?? (k === 'PATH' ? 'PATH' : undefined));
  }
  parts.host = p.host;
  for (const [k, port] of Object.entries(p.ports)) parts[`port.${k}`] = String(port);
  for (const [k, port] of Object.entries(p.udpPorts)) parts[`udp_port.${k}`] = String(port);
  if (p.url !== undefined) {
    parts.url = short(p.url);
    raw('url', s.url ?? s.ready);
  }
  parts.ready = short({ ready: s.ready, url: l.readyUrl, exec: l.readyExec });
  raw('ready', s.ready);
  if (s.health) {
    parts.health = short({ health: s.health, url: l.healthUrl, exec: l.healthExec });
    raw('health', s.health);
  }
  for (const f of p.files) {
    parts[`files.${f.name}`] = short({ path: f.path, mode: f.mode, text: f.text });
    const spec = s.files[f.name];
    raw(`files.${f.name}`, spec && { ...spec, template: spec.template !== undefined ? readFileSync(resolve(stackDir, spec.template), 'utf8') : undefined });
  }
  const named = [l.file, ...l.args, l.display, ...Object.values(l.env), ...p.files.map((f) => f.text)].join('\n');
  for (const f of shared) if (named.includes(f.path)) parts[`files.${f.name}`] = short({ path: f.path, mode: f.mode, text: f.text, stack: true });
  if (p.data.length) parts.data = short(p.data);
  if (Object.keys(p.dependsOn).length) parts.depends_on = short(Object.entries(p.dependsOn).sort(([a], [b]) => (a < b ? -1 : 1)));
  parts.restart = short(s.restart);
  parts.stop_grace = String(s.stopTimeoutMs);
  if (s.stopSignal !== 'SIGTERM') parts.stop_signal = s.stopSignal;
  if (l.stopExec) parts.stop_command = short({ file: l.stopExec.file, args: l.stopExec.args });
  parts.log_max_bytes = String(s.logMaxBytes);
  if (s.watch.length) parts.watch = short(s.watch);
  if (s.restartWith.length) parts.restart_with = short([...s.restartWith].sort());
  return parts;
}

/** Of the parts as resolved only: text rewritten to the same values is the same service. */
function hashOf(parts: Record<string, string>): string {
  const sorted = Object.entries(parts)
    .filter(([k]) => !k.startsWith('~'))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
