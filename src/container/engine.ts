// Containers through the engine's own CLI (Docker, or Podman's docker-compatible one). A
// container service's process is a foreground `docker run` (its output is the service's log,
// its exit is the container's); what the CLI cannot be trusted with, devnet asks the engine
// for by name and by label: a graceful stop honouring the image's STOPSIGNAL, removal, and
// the containers a dead run left behind. Only containers carrying devnet's labels are touched.
import { execFile, spawnSync } from 'node:child_process';

/** The engine a run used: its CLI and the variables that chose its daemon, as they were at up. */
export interface EngineRef {
  /** the CLI, an absolute path where it was found (docker or podman) */
  cli: string;
  /** DOCKER_HOST, DOCKER_CONTEXT, ...: down run from another shell talks to the same daemon */
  env: Record<string, string>;
}

export interface ContainerRef {
  name: string;
  engine: EngineRef;
}

/** Every container devnet starts carries these; nothing without them is ever touched. */
export const LABEL = {
  stack: 'devnet.stack',
  /** the stack's state folder: one stack file at one offset */
  state: 'devnet.state',
  run: 'devnet.run',
  service: 'devnet.service',
} as const;

/** What chooses the daemon the CLI talks to; recorded at up. */
export const ENGINE_VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'CONTAINER_HOST', 'CONTAINER_CONNECTION', 'XDG_RUNTIME_DIR'] as const;

export function engineEnv(processEnv: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ENGINE_VARS) if (processEnv[k]) env[k] = processEnv[k]!;
  return env;
}

/** A container name the engine accepts: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
export function containerName(stackId: string, service: string): string {
  return `devnet-${stackId}-${service}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

export interface CallResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const callEnv = (e: EngineRef) => ({ ...process.env, ...e.env });

export function engineCall(e: EngineRef, args: readonly string[], timeoutMs = 30_000): Promise<CallResult> {
  return new Promise((resolve) => {
    execFile(e.cli, args, { env: callEnv(e), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      // a number: the CLI's exit code; ENOENT and the like: it did not run; killed: the timeout
      const code = !err ? 0 : typeof err.code === 'number' ? err.code : err.killed ? null : 1;
      resolve({ code, stdout: String(stdout), stderr: err && !stderr ? err.message : String(stderr) });
    });
  });
}

function engineCallSync(e: EngineRef, args: readonly string[], timeoutMs = 30_000): CallResult {
  const r = spawnSync(e.cli, args, { env: callEnv(e), timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { code: r.error ? 1 : r.status, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : (r.stderr ?? '') };
}

/** The engine's first line of complaint, for one line of devnet's. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

/** undefined: the daemon answers; else why not, with the fix. */
export async function engineUnreachable(e: EngineRef): Promise<string | undefined> {
  const r = await engineCall(e, ['version', '--format', '{{.Server.Version}}'], 15_000);
  if (r.code === 0 && r.stdout.trim()) return undefined;
  const why = firstLine(r.stderr) || `${e.cli} version exited with code ${r.code}`;
  const where = e.env.DOCKER_HOST ?? e.env.CONTAINER_HOST;
  return `${e.cli} cannot reach its daemon${where ? ` at ${where}` : ''} (${why}); start it (sudo systemctl start docker, or podman machine start), or point DOCKER_HOST at one`;
}

export interface LabelledContainer {
  id: string;
  name: string;
  /** running, exited, created, paused, ... */
  state: string;
  labels: Record<string, string>;
}

/** docker prints labels as k=v,k=v; podman as map[k:v k:v] */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const t = text.trim();
  if (t.startsWith('map[') && t.endsWith(']')) {
    for (const pair of t.slice(4, -1).split(' ')) {
      const i = pair.indexOf(':');
      if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
    }
    return out;
  }
  for (const pair of t.split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** Containers (running or not) carrying every label of `filter`; throws when the engine does not answer. */
export function labelledContainers(e: EngineRef, filter: Record<string, string>): LabelledContainer[] {
  const args = ['ps', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Labels}}'];
  for (const [k, v] of Object.entries(filter)) args.push('--filter', `label=${k}=${v}`);
  const r = engineCallSync(e, args, 20_000);
  if (r.code !== 0) throw new Error(firstLine(r.stderr) || `${e.cli} ps exited with code ${r.code}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id = '', name = '', state = '', labels = ''] = line.split('\t');
      return { id, name, state: state.toLowerCase(), labels: parseLabels(labels) };
    })
    // the engine filtered; a label read back confirms it is devnet's before anything is done to it
    .filter((c) => Object.entries(filter).every(([k, v]) => c.labels[k] === v));
}

/** Removes containers by id, running or not; the ids must come from labelledContainers. */
export async function removeContainers(e: EngineRef, ids: readonly string[]): Promise<string | undefined> {
  if (!ids.length) return undefined;
  const r = await engineCall(e, ['rm', '-f', ...ids], 60_000);
  return r.code === 0 ? undefined : firstLine(r.stderr);
}

const NO_SUCH = /no such container|no container with name or id/i;

/**
 * Stops a container gracefully (the image's STOPSIGNAL, SIGKILL after `graceMs`), then removes
 * it. `hurry` (a second Ctrl-C) kills it at once. false: there was no such container.
 */
export async function stopContainer(c: ContainerRef, graceMs: number, hurry?: AbortSignal): Promise<boolean> {
  const seconds = String(Math.max(0, Math.ceil(graceMs / 1000)));
  const onHurry = () => void engineCall(c.engine, ['kill', c.name], 10_000);
  hurry?.addEventListener('abort', onHurry, { once: true });
  try {
    if (hurry?.aborted) onHurry();
    const stopped = await engineCall(c.engine, ['stop', '-t', seconds, c.name], graceMs + 20_000);
    const removed = await engineCall(c.engine, ['rm', '-f', c.name], 30_000);
    return !(NO_SUCH.test(stopped.stderr) && (removed.code === 0 || NO_SUCH.test(removed.stderr)));
  } finally {
    hurry?.removeEventListener('abort', onHurry);
  }
}
