// devnet exec SERVICE -- CMD [ARGS...]: a command in the service's resolved environment and
// working folder (its env files, interpolated env, PORT and its other ports), the terminal
// attached, its exit code passed through: docker compose exec for services that are
// processes. The command carries the run's marker, so devnet down stops what it leaves behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { DevnetError, NoSupervisorError, UsageError } from '../../errors.js';
import { execEnv } from '../../stack/resolved-config.js';
import type { StackFlags } from '../flags.js';
import { resolvedServices } from './config.js';

interface Flags extends StackFlags {
  /** --no-running: the stack need not be up; the env is resolved from the stack file */
  running?: boolean;
}

export async function exec(service: string, given: string[], givenFlags: Flags): Promise<number> {
  const { command, flags } = splitArgs(given, givenFlags);
  if (!command.length) throw new UsageError('devnet exec: no command given', { hint: 'devnet exec SERVICE -- CMD [ARGS...], e.g. devnet exec api -- env' });
  const r = await resolvedServices(flags, [service], { reveal: true, orFile: flags.running === false, why: 'exec in it' }).catch((e: unknown) => {
    // exec acts on what runs: a stack that is not up is a usage error, with the way round it
    if (e instanceof NoSupervisorError) throw new UsageError(e.message, { hint: `devnet exec --no-running ${service} -- ... runs it in the env the stack file gives, without the stack` });
    throw e;
  });
  const s = r.services.find((x) => x.name === service);
  if (!s) throw new UsageError(`${service} is a replicated service: name the copy to run in (${r.services.map((x) => x.name).join(', ')})`);
  process.stderr.write(`stack ${r.ctx.paths.stackId}: exec in ${s.name}${r.running ? '' : ' (not running: its env from the stack file)'}\n`);
  const env = execEnv(s, process.env, { stackId: r.ctx.paths.stackId, runId: r.running?.runId });
  if (!existsSync(s.cwd)) throw new DevnetError(`${s.name}'s working folder ${s.cwd} does not exist`);
  const [file, ...args] = command;
  return new Promise<number>((resolve, reject) => {
    const child = spawn(file!, args, { cwd: s.cwd, env, stdio: 'inherit' });
    // the terminal's Ctrl-C reaches the command itself (same process group); devnet waits for its exit
    const ignore = () => {};
    for (const sig of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.on(sig, ignore);
    const done = (code: number) => {
      for (const sig of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.off(sig, ignore);
      resolve(code);
    };
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    child.once('error', (e: NodeJS.ErrnoException) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      if (e.code === 'ENOENT') {
        process.stderr.write(`devnet exec: ${file}: command not found (in ${s.cwd}, on the service's PATH)\n`);
        return done(127);
      }
      if (e.code === 'EACCES') {
        process.stderr.write(`devnet exec: ${file}: permission denied\n`);
        return done(126);
      }
      reject(e);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      // a shell's convention: killed by signal N is 128 + N
      done(code ?? 128 + (signal ? (osSignal(signal) ?? 1) : 1));
    });
  });
}

/**
 * What follows the service is the command's, its flags included (devnet exec api ls -la), but
 * devnet's own flags may stand between the service and a `--` (devnet exec api --no-running --
 * npm run migrate): those before the `--` are devnet's.
 */
export function splitArgs(given: string[], flags: Flags): { command: string[]; flags: Flags } {
  const end = given.indexOf('--');
  if (end < 0) return { command: given, flags };
  const own = given.slice(0, end);
  const out: Flags = { ...flags };
  for (let i = 0; i < own.length; i++) {
    const a = own[i]!;
    const value = () => {
      const v = own[++i];
      if (v === undefined) throw new UsageError(`devnet exec: ${a} needs a value`);
      return v;
    };
    if (a === '--no-running') out.running = false;
    else if (a === '-s' || a === '--stack') out.stack = value();
    else if (a === '--port-offset') {
      const v = value();
      if (!/^-?\d+$/.test(v)) throw new UsageError(`expected --port-offset to be an integer, got \`${v}\``);
      out.portOffset = Number(v);
    } else throw new UsageError(`devnet exec: unknown option ${a} before --`, { hint: 'devnet exec [--stack FILE] [--port-offset N] [--no-running] SERVICE -- CMD [ARGS...]' });
  }
  return { command: given.slice(end + 1), flags: out };
}

function osSignal(name: NodeJS.Signals): number | undefined {
  return constants.signals[name];
}
