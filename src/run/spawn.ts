// Starting one service process: its own process group (so its whole tree can be signalled),
// no shell unless asked, output split into lines for the log and the readiness probe.
import { createInterface } from 'node:readline';
import type { LaunchSpec } from '../stack/launch-spec.js';
import { identityOf } from '../state/proc.js';

export interface Spawned {
  pid: number;
  pgid: number;
  startTime: number;
  /** resolves once the process has exited and its output is drained */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export interface SpawnFailure {
  error: string;
}

// Loading execa takes tens of milliseconds: start it while the stack is checked.
let execaModule: Promise<typeof import('execa')> | undefined;
export const preloadExeca = (): Promise<typeof import('execa')> => (execaModule ??= import('execa'));

export async function spawnService(spec: LaunchSpec, onLine: (stream: 'out' | 'err', line: string) => void): Promise<Spawned | SpawnFailure> {
  const { execa } = await preloadExeca();
  const child = execa(spec.file, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    shell: spec.shell ? '/bin/sh' : false,
    // its own process group: devnet signals -pgid to reach children, and a Ctrl-C in the
    // terminal reaches devnet only, which then stops services in reverse order itself
    detached: true,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    cleanup: false,
    forceKillAfterDelay: false,
  });
  const drained = (stream: NodeJS.ReadableStream | null, name: 'out' | 'err') =>
    new Promise<void>((resolve) => {
      if (!stream) return resolve();
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on('line', (line) => onLine(name, line));
      rl.on('close', resolve);
    });
  const output = Promise.all([drained(child.stdout, 'out'), drained(child.stderr, 'err')]);
  const pid = child.pid;
  const id = pid === undefined ? undefined : identityOf(pid);
  if (pid === undefined || !id) {
    const result = await child;
    return { error: result.shortMessage ?? result.message ?? 'could not start' };
  }
  const exited = child.then(async (r) => {
    // a grandchild may hold the pipes open after the leader exits: wait briefly, not forever
    await Promise.race([output, new Promise((r) => setTimeout(r, 200).unref())]);
    return { code: r.exitCode ?? null, signal: r.signal ?? null };
  });
  return { pid, pgid: pid, startTime: id.startTime, exited };
}
