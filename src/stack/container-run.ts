// The engine CLI's `run` of one container service, as argv: pure, so that what devnet asks
// the engine for is plain to read and to test.
import { LABEL } from '../container/engine.js';

export interface Mount {
  host: string;
  container: string;
  readOnly: boolean;
}

export interface ContainerRun {
  name: string;
  image: string;
  /** stack, state folder, run and service: how down finds it whatever happened to devnet */
  labels: Record<keyof typeof LABEL, string>;
  /** passed by name: the value comes from the CLI's own env, never a command line */
  envKeys: readonly string[];
  mounts: readonly Mount[];
  workdir?: string;
  /** the container's arguments; [] runs the image's own command */
  args: readonly string[];
  /** --user (docker); podman keeps the caller's uid with --userns keep-id instead; undefined: the image's USER */
  user?: string;
  podman?: boolean;
  /** stop_signal: what docker stop sends (else the image's STOPSIGNAL) */
  stopSignal?: string;
}

export function containerRunArgs(r: ContainerRun): string[] {
  const argv = [
    'run',
    // removed when it exits: a stopped service leaves no container behind
    '--rm',
    // a real PID 1 inside: signals reach the program, zombies are reaped
    '--init',
    '--name',
    r.name,
    // the plan's ports are the host's own: preflight, probes and down see them as for a process
    '--network',
    'host',
  ];
  for (const k of Object.keys(LABEL) as (keyof typeof LABEL)[]) argv.push('--label', `${LABEL[k]}=${r.labels[k]}`);
  for (const k of r.envKeys) argv.push('-e', k);
  // the same path may be named twice (a data directory that is also the cwd): mounted once
  const seen = new Set<string>();
  for (const m of r.mounts) {
    if (seen.has(m.container)) continue;
    seen.add(m.container);
    argv.push('-v', `${m.host}:${m.container}${m.readOnly ? ':ro' : ''}`);
  }
  if (r.user !== undefined) argv.push(...(r.podman ? ['--userns', 'keep-id'] : ['--user', r.user]));
  if (r.stopSignal) argv.push('--stop-signal', r.stopSignal);
  if (r.workdir) argv.push('-w', r.workdir);
  argv.push(r.image, ...r.args);
  return argv;
}
