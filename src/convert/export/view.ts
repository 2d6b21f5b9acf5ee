// A service as an engine sees it: the same command, env and probes devnet would run, with the
// addresses of a container network: a service binds 0.0.0.0 in its own container, and reaches
// another by its name (compose service, Kubernetes Service). Shared by the compose and
// Kubernetes writers.
import type { LaunchSpec } from '../../stack/launch-spec.js';
import { isAbsolute, relative } from 'node:path';
import { launchSpec, programOf } from '../../stack/launch-spec.js';
import { isLaunchable, type ReadySpec, type Service, type Stack } from '../../stack/model.js';
import { dict, own } from '../../stack/own.js';
import { UsageError } from '../../errors.js';

export const STACK_MOUNT = '/stack';

export interface ExportedService {
  name: string;
  /** the service as the stack file names it (replicas share it) */
  base: string;
  s: Service;
  image: string;
  /** set when the image was chosen by devnet, not by image: */
  imageNote?: string;
  /** set when the command exported is the service's fallback: */
  fallbackNote?: string;
  argv: string[];
  /** exec probes as run (interpolated), inside the container: a shell line, or argv */
  probes: { ready?: string | string[]; health?: string | string[] };
  shell: boolean;
  workingDir: string;
  env: Record<string, string>;
  /** env keys whose values are secrets: written as references, never as values */
  secretKeys: string[];
  /** the secret variables whose values stood in env values or argv (now SECRET_REF marks there) */
  secretRefs: string[];
  ports: Record<string, number>;
  udpPorts: Record<string, number>;
  /** the address the stack binds on the host (for compose's published ports) */
  bindHost: string;
  /** where its own healthcheck reaches it, inside its container */
  probeHost: string;
  /** host paths mounted into its container, at HOST:CONTAINER[:ro] */
  volumes: string[];
  deps: { name: string; condition: 'ready' | 'started' | 'completed' }[];
}

const IMAGES: [RegExp, string][] = [
  [/^(node|npm|npx|vite|tsx)$/, 'node:20-bookworm-slim'],
  [/^(python3?|uvicorn|gunicorn|pip)$/, 'python:3.12-slim'],
];

/** Where a secret's value stood, in env values and argv: each writer turns it into its engine's reference to the variable. */
export const secretRef = (name: string): string => `\u0000secret:${name}\u0000`;
export const SECRET_REF = /\u0000secret:([^\u0000]+)\u0000/g;

/** `text` with every secret value (longest first) replaced by a reference to its variable. */
function hideSecrets(text: string, vars: readonly [string, string][], used: Set<string>): string {
  let out = text;
  for (const [name, value] of vars)
    if (out.includes(value)) {
      out = out.split(value).join(secretRef(name));
      used.add(name);
    }
  return out;
}

export interface ExportOptions {
  /**
   * bridge (default): every service in its own container on a container network, binding
   * 0.0.0.0 there and reached by name; host: on the host's network, the plan's addresses and
   * ports as devnet runs them, the stack root mounted at its own path
   */
  network?: 'bridge' | 'host';
}

export function exportedServices(stack: Stack, o: ExportOptions = {}): ExportedService[] {
  const hostNetwork = o.network === 'host';
  const vars = Object.entries(stack.secretVars ?? {}).sort((a, b) => b[1].length - a[1].length);
  const names = Object.values(stack.services).filter(isLaunchable).map((s) => s.name);
  refuseCollisions([...new Set(names.map((n) => stack.services[n]!.replica?.of ?? n))]);
  return names.map((name) => {
    const s = stack.services[name]!;
    // the container network: this service binds every interface of its own container, the
    // others are reached by name, and what it announces of itself (${address}) is its name
    const inContainers: Stack = hostNetwork
      ? stack
      : { ...stack, services: dict(Object.values(stack.services).map((x) => [x.name, { ...x, host: x.name === name ? '0.0.0.0' : dnsName(x.name), address: dnsName(x.name) }])) };
    // the command that will run: a service whose program is not installed here exports its fallback:
    const spec = launchSpec(inContainers, name, { processEnv: {}, fallback: true });
    const keys = new Set([...Object.keys(stack.fileEnv), ...Object.keys(stack.env), ...Object.keys(s.fileEnv), ...Object.keys(s.env)]);
    const used = new Set<string>();
    const env = dict([...keys].map((k) => [k, hideSecrets(spec.env[k] ?? '', vars, used)]));
    const secretKeys = [...keys].filter((k) => env[k] === secretRef(k) || stack.secretValues.includes(env[k]!));
    const program = programOf(spec) ?? '';
    const byProgram = IMAGES.find(([re]) => re.test(program.split('/').pop() ?? ''))?.[1];
    const image = s.image ?? byProgram ?? 'debian:bookworm-slim';
    const cwd = relative(stack.root, spec.cwd);
    // on the host's network the stack root is mounted at its own path: paths mean what they mean to devnet
    const mount = hostNetwork ? stack.root : STACK_MOUNT;
    const workingDir = spec.container?.workdir ?? (cwd && !cwd.startsWith('..') ? `${mount}/${cwd}` : mount);
    // node_modules/.bin first, as devnet runs it: inside the container, under the mount
    if (!s.image) env.PATH = [...new Set([`${workingDir}/node_modules/.bin`, `${mount}/node_modules/.bin`])].join(':') + ':/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    const volumes = spec.container
      ? spec.container.mounts.map((m) => `${m.host}:${m.container}${m.readOnly ? ':ro' : ''}`)
      : s.image
        ? []
        : [`${isAbsolute(stack.root) ? stack.root : `./${stack.root}`}:${mount}`];
    return {
      name,
      base: s.replica?.of ?? name,
      s,
      image,
      ...(spec.fallbackFor ? { fallbackNote: `runs its fallback: (${spec.fallbackWhy}), as devnet up would here` } : {}),
      imageNote: s.image ? undefined : `${name}: image ${image} chosen for ${program || 'its command'}, with the stack root mounted at ${STACK_MOUNT}; set image: to use your own`,
      argv: inContainer(spec.shell ? ['/bin/sh', '-c', spec.file] : [spec.file, ...spec.args], s.image).map((a) => hideSecrets(a, vars, used)),
      probes: { ready: probeArgv(spec.readyExec, s.image), health: probeArgv(spec.healthExec, s.image) },
      secretRefs: [...used],
      shell: spec.shell,
      workingDir,
      env: { ...env, ...(spec.shell ? dict(Object.entries(spec.env).filter(([k]) => k.startsWith('DEVNET_VALUE_')).map(([k, v]) => [k, hideSecrets(v, vars, used)])) : {}) },
      secretKeys,
      ports: s.ports,
      udpPorts: s.udpPorts,
      bindHost: s.host,
      probeHost: hostNetwork ? s.host : '0.0.0.0',
      volumes: [...new Set(volumes)],
      deps: Object.entries(s.dependsOn)
        .filter(([d]) => names.includes(d))
        .map(([d, c]) => ({ name: d, condition: c })),
    };
  });
}

/**
 * What runs inside the container: a service that runs its image itself (`docker run ... IMAGE
 * ARGS`, as devnet import writes a compose service) gives ARGS to the engine, which runs the
 * image; `docker exec NAME CMD` (its healthcheck) is CMD. [] is the image's own command.
 */
export function inContainer(argv: string[], image: string | undefined): string[] {
  const docker = (argv[0] ?? '').split('/').pop() === 'docker';
  if (docker && argv[1] === 'run' && image) {
    const at = argv.indexOf(image, 2);
    if (at > 0) return argv.slice(at + 1);
  }
  if (docker && argv[1] === 'exec' && argv.length > 3) return argv.slice(3);
  return argv;
}

function probeArgv(p: LaunchSpec['readyExec'], image: string | undefined): string | string[] | undefined {
  if (!p) return undefined;
  // a shell line expands its values from the environment: they are put back in place here
  if (p.shell) return Object.entries(p.values).reduce((line, [k, v]) => line.replaceAll(`"$${k}"`, v).replaceAll(`$${k}`, v), p.file);
  return inContainer([p.file, ...p.args], image);
}

/** The port a probe uses. */
export function probePort(s: Service, spec: Pick<ReadySpec, 'port'>): number | undefined {
  return spec.port ? own(s.ports, spec.port) : Object.values(s.ports)[0];
}

/** A ready or health http target as a path (a full URL keeps its path). */
export function probePath(target: string | undefined): string {
  if (!target) return '/';
  if (/^https?:\/\//.test(target)) return new URL(target.replace(/\$\{[^}]*\}/g, 'x')).pathname;
  return target.startsWith('/') ? target : `/${target}`;
}

/** Names that become one compose service or Kubernetes object (web_app, web-app, Web.App) are refused: one would silently replace the others. */
function refuseCollisions(names: string[]): void {
  const by = new Map<string, string[]>();
  for (const n of names) by.set(dnsName(n), [...(by.get(dnsName(n)) ?? []), n]);
  const clashes = [...by].filter(([, list]) => list.length > 1);
  if (clashes.length)
    throw new UsageError(`${clashes.map(([as, list]) => `services ${list.join(', ')} would all be named ${as}`).join('; ')} in compose and Kubernetes, which allow lower-case letters, digits and - only`, {
      hint: 'nothing was written; rename them in the stack so each stays distinct',
    });
}

/** A DNS-1123 label (Kubernetes names, compose container names). */
export const dnsName = (s: string): string => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'service';
