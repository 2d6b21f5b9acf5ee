// What exactly runs for a service: argv (or a shell line), cwd and env, all interpolated.
import { delimiter, join, resolve } from 'node:path';
import { MARKER } from '../ports/owners.js';
import { splitCommand } from './argv.js';
import { interpolate, shellQuote } from './interpolate.js';
import type { Service, Stack } from './model.js';
import { findProgram, isDir } from './which.js';
import { interpolationContext } from './rules.js';

export interface LaunchSpec {
  service: string;
  /** program and arguments; with shell, a single /bin/sh -c line */
  file: string;
  args: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  /** the readiness URL for http probes, interpolated */
  readyUrl?: string;
  /** set when command's program (or cwd) is missing and the service's fallback runs instead */
  fallbackFor?: string;
}

export interface LaunchOptions {
  processEnv?: Record<string, string | undefined>;
  stackId?: string;
  runId?: string;
}

/** node_modules/.bin of the stack root and the service cwd come first on PATH, as npm scripts do. */
export function servicePath(stack: Stack, cwd: string, basePath: string | undefined): string {
  const bins = [...new Set([join(cwd, 'node_modules', '.bin'), join(stack.root, 'node_modules', '.bin'), join(stack.dir, 'node_modules', '.bin')])];
  return [...bins, basePath ?? ''].filter(Boolean).join(delimiter);
}

export function launchSpec(stack: Stack, name: string, { processEnv = process.env, stackId = stack.name, runId }: LaunchOptions = {}): LaunchSpec {
  const s = stack.services[name]!;
  const ctx = interpolationContext(stack, name, processEnv);
  const fill = (t: string) => interpolate(t, ctx);
  const cwd = s.cwd ? resolve(stack.root, fill(s.cwd)) : stack.root;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  Object.assign(env, stack.fileEnv, mapValues(stack.env, fill), s.fileEnv, mapValues(s.env, fill));
  env.PATH = servicePath(stack, cwd, env.PATH);
  env[MARKER.stack] = stackId;
  env[MARKER.service] = name;
  if (runId) env[MARKER.run] = runId;
  const fillCmd = (t: string) => interpolate(t, ctx, s.shell ? shellQuote : undefined);
  const spec: LaunchSpec = { service: name, ...commandOf(s, s.command!, fillCmd), cwd, env, readyUrl: readyUrlOf(s, fill) };
  if (s.fallback !== undefined) {
    const program = programOf(spec);
    const cwdExists = isDir(cwd);
    if (!cwdExists || !findProgram(program, cwd, env.PATH)) {
      Object.assign(spec, commandOf(s, s.fallback, fillCmd), { fallbackFor: program, cwd: cwdExists ? cwd : stack.root });
    }
  }
  return spec;
}

/** The program a spec runs: its file, or the first word of its shell line. */
export function programOf(spec: Pick<LaunchSpec, 'file' | 'shell'>): string {
  return spec.shell ? (splitCommand(spec.file)[0] ?? '') : spec.file;
}

function commandOf(s: Service, cmd: string | string[], fill: (t: string) => string): { file: string; args: string[]; shell: boolean } {
  if (s.shell) return { file: typeof cmd === 'string' ? fill(cmd) : cmd.map(fill).join(' '), args: [], shell: true };
  // split first, then interpolate each word: a value with spaces or quotes stays one argument
  const words = typeof cmd === 'string' ? splitCommand(cmd) : cmd;
  const [file, ...args] = words.map(fill);
  return { file: file!, args, shell: false };
}

function readyUrlOf(s: Service, fill: (t: string) => string): string | undefined {
  if (s.ready.kind !== 'http') return undefined;
  const target = fill(s.ready.target!);
  if (/^https?:\/\//.test(target)) return target;
  const port = s.ready.port ? s.ports[s.ready.port] : Object.values(s.ports)[0];
  return `http://${urlHost(s.host)}:${port}${target.startsWith('/') ? '' : '/'}${target}`;
}

/** The address to connect to for a bind address: wildcard binds are reached on loopback. */
export function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

/** connectHost, bracketed for a URL when it is IPv6. */
export function urlHost(host: string): string {
  const h = connectHost(host);
  return h.includes(':') ? `[${h}]` : h;
}

function mapValues(o: Record<string, string>, f: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
