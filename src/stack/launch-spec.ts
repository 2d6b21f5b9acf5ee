// What exactly runs for a service: argv (or a shell line), cwd and env, all interpolated.
import { delimiter, join, posix, resolve } from 'node:path';
import { MARKER } from '../platform/marker.js';
import { splitCommand } from './argv.js';
import { dict, own } from './own.js';
import { shellLine } from './shell-line.js';
import { firstShellProgram } from './shell-program.js';
import { interpolate, type InterpolationContext } from './interpolate.js';
import type { Service, Stack } from './model.js';
import { findProgram, isDir } from './which.js';
import { interpolationContext } from './interpolation-context.js';
import { containerRunArgs, type Mount } from './container-run.js';
import { containerName, engineEnv, type EngineRef } from '../container/engine.js';
import { filePaths } from './files.js';

export interface LaunchSpec {
  service: string;
  /** program and arguments; with shell, a single /bin/sh -c line */
  file: string;
  /** the command for people to read: with shell, values quoted in place instead of expanded */
  display: string;
  args: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  /** the readiness URL for http probes, interpolated */
  readyUrl?: string;
  /** the health URL for http health checks, interpolated */
  healthUrl?: string;
  /** exec probes, interpolated; they run in cwd with env */
  readyExec?: ProbeCommand;
  healthExec?: ProbeCommand;
  /** stop_command: run (in cwd with env) to stop it instead of its stop signal */
  stopExec?: ProbeCommand;
  /** set when command's program (or cwd) is missing and the service's fallback runs instead */
  fallbackFor?: string;
  /** why the fallback runs, for people: the program is not installed, or the directory is missing */
  fallbackWhy?: string;
  /** engine services: file and args are the engine CLI's `run` of this container */
  container?: ContainerSpec;
}

export interface ContainerSpec {
  name: string;
  image: string;
  engine: EngineRef;
  /** what the container runs: its arguments (command:), interpolated; [] is the image's own */
  args: string[];
  /** its files, data directories, cwd and volumes: (export writes them as compose volumes) */
  mounts: Mount[];
  workdir?: string;
}

export interface ProbeCommand {
  file: string;
  args: string[];
  shell: boolean;
  display: string;
  /** values a shell line expands (see shell-line.ts) */
  values: Record<string, string>;
}

export interface LaunchOptions {
  processEnv?: Record<string, string | undefined>;
  /** false: the command as written, even where its program is missing here (devnet export) */
  fallback?: boolean;
  stackId?: string;
  runId?: string;
  /** the service's interpolation context, when the caller has it already */
  context?: InterpolationContext;
}

/** node_modules/.bin of the stack root and the service cwd come first on PATH, as npm scripts do. */
export function servicePath(stack: Stack, cwd: string, basePath: string | undefined): string {
  const bins = [...new Set([join(cwd, 'node_modules', '.bin'), join(stack.root, 'node_modules', '.bin'), join(stack.dir, 'node_modules', '.bin')])];
  return [...bins, basePath ?? ''].filter(Boolean).join(delimiter);
}

export function launchSpec(stack: Stack, name: string, { processEnv = process.env, stackId = stack.name, runId, fallback = true, context }: LaunchOptions = {}): LaunchSpec {
  const s = stack.services[name]!;
  const ctx = context ?? interpolationContext(stack, name, processEnv);
  const fill = (t: string) => interpolate(t, ctx);
  const cwd = s.cwd ? resolve(stack.root, fill(s.cwd)) : stack.root;
  // the context's env is the process env, env files and env: values, resolved in that order
  const env: Record<string, string> = dict();
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env.PATH = servicePath(stack, cwd, env.PATH);
  env[MARKER.stack] = stackId;
  env[MARKER.service] = name;
  if (runId) env[MARKER.run] = runId;
  if (s.engine) return containerSpec(stack, s, ctx, env, stackId, processEnv, runId);
  let command = commandOf(s.shell, s.command!, ctx);
  const spec: LaunchSpec = {
    service: name,
    file: command.file,
    args: command.args,
    shell: command.shell,
    display: command.display,
    cwd,
    env,
    ...probesOf(s, ctx),
  };
  if (s.fallback !== undefined && fallback) {
    const program = programOf(spec);
    const cwdExists = isDir(cwd);
    if (!cwdExists || (program !== undefined && !findProgram(program, cwd, env.PATH))) {
      command = commandOf(s.shell, s.fallback, ctx);
      // a stand-in runs where the service would, else in the stack root, else beside the stack file
      const fallbackCwd = cwdExists ? cwd : isDir(stack.root) ? stack.root : stack.dir;
      Object.assign(spec, { file: command.file, args: command.args, display: command.display, fallbackFor: program ?? spec.display, fallbackWhy: cwdExists ? `${program} is not installed` : `its directory ${cwd} does not exist`, cwd: fallbackCwd });
    }
  }
  // a shell line expands its interpolated values from the environment (see shell-line.ts)
  Object.assign(env, command.values);
  return spec;
}

/**
 * An engine service: the engine's CLI runs the container in the foreground (`docker run
 * --rm`), on the host's network, labelled with the run; env goes by name only (-e KEY takes
 * the value from the CLI's own env, so no value is ever on a command line); the service's
 * files, data directories and cwd are mounted at their own paths, so ${files.X} and ${data}
 * mean the same inside as out.
 */
function containerSpec(stack: Stack, s: Service, ctx: InterpolationContext, env: Record<string, string>, stackId: string, processEnv: Record<string, string | undefined>, runId: string | undefined): LaunchSpec {
  const fill = (t: string) => interpolate(t, ctx);
  const command = s.command === undefined ? undefined : commandOf(s.shell, s.command, ctx);
  const args = !command ? [] : command.shell ? ['sh', '-c', command.file] : [command.file, ...command.args];
  if (command) Object.assign(env, command.values);
  const cli = findProgram('docker', stack.dir, processEnv.PATH ?? '') ?? findProgram('podman', stack.dir, processEnv.PATH ?? '') ?? 'docker';
  const engine: EngineRef = { cli, env: engineEnv(processEnv) };
  const name = containerName(stackId, s.name);
  const workdir = s.cwd ? resolve(stack.root, fill(s.cwd)) : undefined;
  const declared = [stack.env, stack.fileEnv, s.env, s.fileEnv, command?.values ?? {}].flatMap((m) => Object.keys(m));
  const envKeys = [...new Set([...declared, ...Object.values(MARKER)])].filter((k) => env[k] !== undefined);
  const files = [...Object.values(filePaths(stack, undefined)), ...Object.values(filePaths(stack, s))].map((p) => ({ host: p, container: p, readOnly: true }));
  const volumes = s.volumes.map((v) => {
    const [host = '', container = '', mode] = fill(v).split(':');
    return { host: resolve(stack.root, host), container, readOnly: mode === 'ro' };
  });
  const mounts = [...files, ...(ctx.data ?? []).map((d) => ({ host: d, container: d, readOnly: false })), ...(workdir ? [{ host: workdir, container: workdir, readOnly: false }] : []), ...volumes];
  const labels = { stack: stackId, state: stack.stateDir ?? '', run: runId ?? '', service: s.name };
  // devnet's own user by default: what it writes in its data directories and mounts stays the user's
  const user = s.user === 'image' ? undefined : (s.user ?? (process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined));
  const podman = cli.split('/').pop() === 'podman' && s.user === undefined;
  const run = containerRunArgs({ name, image: s.image!, labels, envKeys, mounts, workdir, args, user, podman, ...(s.stopSignal !== 'SIGTERM' ? { stopSignal: s.stopSignal } : {}) });
  const cwd = isDir(stack.root) ? stack.root : stack.dir;
  return {
    service: s.name,
    file: cli,
    args: run,
    shell: false,
    display: [`${cli.split('/').pop()} run`, ...[s.image!, ...args].map(displayWord)].join(' '),
    cwd,
    env,
    ...probesOf(s, ctx),
    container: { name, image: s.image!, engine, args, mounts, ...(workdir ? { workdir } : {}) },
  };
}

/** Its probe URLs and commands, and its stop command, interpolated for it. */
function probesOf(s: Service, ctx: InterpolationContext): Pick<LaunchSpec, 'readyUrl' | 'healthUrl' | 'readyExec' | 'healthExec' | 'stopExec'> {
  const fill = (t: string) => interpolate(t, ctx);
  return {
    // a metric is read from the service's metrics: path
    readyUrl: s.ready.kind === 'http' ? probeUrl(s, s.ready.target!, s.ready.port, fill) : s.ready.kind === 'metric' ? probeUrl(s, s.metrics ?? '/metrics', s.ready.port, fill) : undefined,
    healthUrl: s.health?.kind === 'http' ? probeUrl(s, s.health.target!, s.health.port, fill) : s.health?.kind === 'metric' ? probeUrl(s, s.metrics ?? '/metrics', s.health.port, fill) : undefined,
    readyExec: s.ready.exec && commandOf(s.ready.exec.shell, s.ready.exec.command, ctx),
    healthExec: s.health?.exec && commandOf(s.health.exec.shell, s.health.exec.command, ctx),
    ...(s.stopCommand !== undefined ? { stopExec: commandOf(s.shell, s.stopCommand, ctx) } : {}),
  };
}

/** The program a spec runs: its file, or the first program of its shell line where that can be told. */
export function programOf(spec: Pick<LaunchSpec, 'file' | 'shell'>): string | undefined {
  return spec.shell ? firstShellProgram(spec.file) : spec.file;
}

function commandOf(shell: boolean, cmd: string | string[], ctx: InterpolationContext): ProbeCommand {
  if (shell) {
    const sh = shellLine(typeof cmd === 'string' ? cmd : cmd.join(' '), ctx);
    return { file: sh.line, args: [], shell: true, display: sh.display, values: sh.env };
  }
  // split first, then interpolate each word: a value with spaces or quotes stays one argument
  const words = typeof cmd === 'string' ? splitCommand(cmd) : cmd;
  // `sh -c SCRIPT` runs a shell all the same: its script gets values the way a shell: true
  // line does (as variables the shell expands once), so a value from .env never runs as code
  const script = shellScriptIndex(words);
  const values: Record<string, string> = {};
  const shown: string[] = [];
  const [file, ...args] = words.map((w, i) => {
    if (i !== script) return interpolate(w, ctx);
    const sh = shellLine(w, ctx);
    Object.assign(values, sh.env);
    shown[i] = sh.display;
    return sh.line;
  });
  const display = [file!, ...args].map((w, i) => (shown[i] !== undefined ? displayWord(shown[i]!) : displayWord(w))).join(' ');
  return { file: file!, args, shell: false, display, values };
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);

/** The index of the script in `sh -c SCRIPT` (flags such as -ec, -lc, -x before it), else -1. */
export function shellScriptIndex(words: readonly string[]): number {
  const program = words[0]?.split('/').pop() ?? '';
  if (!SHELLS.has(program)) return -1;
  let i = program === 'busybox' ? 2 : 1;
  if (program === 'busybox' && !SHELLS.has(words[1] ?? '')) return -1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-')) return -1;
    if (/^-[a-z]*c[a-z]*$/i.test(w) && w !== '--') return i + 1 < words.length ? i + 1 : -1;
  }
  return -1;
}

/** An argument as a person would type it, so the shown line can be pasted back into a shell. */
export function displayWord(word: string): string {
  // ${stack.dir}/../demo/x shown as the path it is
  const w = word.startsWith('/') && /\/\.\.?\//.test(word) ? posix.normalize(word) : word;
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w)) return w;
  // double quotes read best when nothing inside would expand in them
  if (!/["$`\\!]/.test(w)) return `"${w}"`;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}

function probeUrl(s: Service, template: string, portName: string | undefined, fill: (t: string) => string): string {
  const target = fill(template);
  if (/^https?:\/\//.test(target)) return target;
  const port = portName ? own(s.ports, portName) : Object.values(s.ports)[0];
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
