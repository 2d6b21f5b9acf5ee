// Where a stack's state lives. DEVNET_STATE_DIR wins; a project's own stack keeps it in
// .devnet/ beside the stack file; a shipped stack, or one in a folder this user cannot
// write (a root-installed package, a read-only checkout), keeps it in the user's state
// directory ($XDG_STATE_HOME/devnet, else ~/.local/state/devnet). One folder per stack and
// port offset, so a shifted copy has its own.
import { createRequire } from 'node:module';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { Stack } from '../stack/model.js';
import { StateDirError } from '../errors.js';
import { userStateDir } from './locations.js';
import { PROJECT_STATE_DIR, ensurePrivateDir } from '../fs/private-fs.js';

export interface StatePaths {
  /** names the stack in markers and messages: name, or name+offset */
  stackId: string;
  dir: string;
  stateFile: string;
  lockFile: string;
  /** down's grace period for a supervisor that is stopped by signal (it reads, then removes it) */
  stopRequest: string;
  logDir: string;
  logFile(service: string): string;
  /** the supervisor's control socket (a Unix socket; see control/) */
  controlSocket: string;
}

type Env = Record<string, string | undefined>;

export function stackIdOf(stack: Pick<Stack, 'name' | 'portOffset'>): string {
  return stack.portOffset ? `${stack.name}${stack.portOffset > 0 ? '+' : ''}${stack.portOffset}` : stack.name;
}

export { userStateDir };

const writable = (dir: string) => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

// a file name for a path; node:crypto would cost start-up time for no gain here
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The folder that holds the state folders of the stacks defined beside `stack.file`. */
export function stateBase(stack: Pick<Stack, 'dir'>, env: Env = process.env): string {
  if (env.DEVNET_STATE_DIR) return env.DEVNET_STATE_DIR;
  const shipped = stack.dir === join(packageRoot(), 'stacks');
  if (!shipped && writable(stack.dir)) return join(stack.dir, PROJECT_STATE_DIR);
  // named after the folder, told apart by a hash of its path
  return join(userStateDir(env), 'stacks', `${basename(stack.dir).replace(/[^\w.-]/g, '_')}-${fnv1a(stack.dir)}`);
}

export function statePaths(stack: Pick<Stack, 'name' | 'portOffset' | 'dir'>, env: Env = process.env): StatePaths {
  const stackId = stackIdOf(stack);
  return pathsAt(join(stateBase(stack, env), stackId), stackId);
}

/** The paths of a state folder already known (recorded at up). */
export function pathsAt(dir: string, stackId: string): StatePaths {
  const logDir = join(dir, 'logs');
  return {
    stackId,
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'lock'),
    stopRequest: join(dir, 'stop-request.json'),
    logDir,
    logFile: (service) => join(logDir, `${service}.log`),
    controlSocket: controlSocketPath(dir),
  };
}

/**
 * A Unix socket path holds about 100 bytes: a deep state folder gets its socket in a private
 * folder under the temp dir, named by a strong hash of the state folder (two stacks must never
 * share one; the supervisor also checks, on each request, that it serves the stack asked for).
 * The path actually used is recorded in the state; see privateSocketPath for a squatted folder.
 */
export function controlSocketPath(dir: string): string {
  const inside = join(dir, 'control.sock');
  if (Buffer.byteLength(inside) <= 100) return inside;
  // node:crypto only for such a path: loading it costs every command 2 ms (the usual path needs none)
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return join(tmpdir(), `devnet-${process.getuid?.() ?? 'user'}`, `${createHash('sha256').update(dir).digest('hex').slice(0, 32)}.sock`);
}

/**
 * The socket path the supervisor listens on: the usual one, or, when another user made the
 * temp folder first (to block devnet up), the same name in a fresh folder only this user can
 * have made (mkdtemp: 0700, unguessable). `cleanup` removes that folder at the end.
 */
export function privateSocketPath(preferred: string): { path: string; cleanup: () => void } {
  try {
    ensurePrivateDir(dirname(preferred));
    return { path: preferred, cleanup: () => {} };
  } catch (e) {
    if (!(e instanceof StateDirError) || dirname(dirname(preferred)) !== tmpdir()) throw e;
    const dir = mkdtempSync(join(tmpdir(), `devnet-${process.getuid?.() ?? 'user'}-`));
    return { path: join(dir, basename(preferred)), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
}
