// Starting one service process: its own process group (so its whole tree can be signalled),
// no shell unless asked, output split into lines for the log and the readiness probe.
//
// node:child_process rather than execa: devnet needs none of execa's conveniences here
// (buffering, result objects, line transforms) and measured, execa costs ~50 ms to load and
// ~13 ms of CPU per call, which a stack of many services pays in start-up time.
import { trace } from '../trace.js';
import { spawn } from 'node:child_process';
import type { LaunchSpec } from '../stack/launch-spec.js';
import { identityOf } from '../platform/identity.js';
import type { ExitStatus } from '../platform/exit.js';
import { LineSplitter } from './log/line-splitter.js';
import { subreaperHelper } from './subreaper.js';


export interface Spawned {
  pid: number;
  pgid: number;
  startTime: number;
  /** resolves once the process has exited and its output is drained */
  exited: Promise<ExitStatus>;
}

export interface SpawnFailure {
  error: string;
}

/**
 * Receives each output line; returning false asks for no more output until `resume` is
 * called (the log file is behind): the service then blocks on a full pipe, as it would on
 * a slow terminal, instead of the supervisor queueing its output in memory.
 */
export type LineSink = (stream: 'out' | 'err', line: string, resume: () => void) => boolean | void;

export function spawnService(spec: LaunchSpec, onLine: LineSink): Promise<Spawned | SpawnFailure> {
  trace(`spawn ${spec.display.slice(-20)}`);
  const [file, args] = spec.shell ? ['/bin/sh', ['-c', spec.file]] : [spec.file, spec.args];
  const helper = subreaperHelper();
  const child = spawn(helper ?? file, helper ? [file, ...args] : args, {
    cwd: spec.cwd,
    env: spec.env,
    // its own process group: devnet signals -pgid to reach children, and a Ctrl-C in the
    // terminal reaches devnet only, which then stops services in reverse order itself
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const drained = (stream: NodeJS.ReadableStream | null, name: 'out' | 'err') =>
    new Promise<void>((resolve) => {
      if (!stream) return resolve();
      const lines = new LineSplitter();
      const resume = () => stream.resume();
      stream.on('data', (chunk: Buffer) => {
        let full = false;
        for (const line of lines.push(chunk)) if (onLine(name, line, resume) === false) full = true;
        if (full) stream.pause();
      });
      stream.on('end', () => {
        for (const line of lines.end()) onLine(name, line, resume);
        resolve();
      });
      stream.on('error', () => resolve());
    });
  const output = Promise.all([drained(child.stdout, 'out'), drained(child.stderr, 'err')]);
  const exit = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code === 'ENOENT' ? `${spec.shell ? '/bin/sh' : spec.file}: command not found (${e.syscall})` : e.message }));
    child.once('spawn', () => {
      const id = identityOf(child.pid!);
      const exited = exit.then(async (r) => {
        // a grandchild may hold the pipes open after the leader exits: wait briefly, not forever
        await Promise.race([output, new Promise((done) => setTimeout(done, 200).unref())]);
        return r;
      });
      resolve({ pid: child.pid!, pgid: child.pid!, startTime: id?.startTime ?? 0, exited });
    });
  });
}
