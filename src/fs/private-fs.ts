// Files devnet keeps for a stack (state, lock, logs, stop requests) live in a directory only
// its user can enter, and devnet never follows a symbolic link inside it: a planted
// `logs/api.log -> ~/.bashrc` must not be truncated, nor a planted state file believed.
// Directories are made 0700 and files 0600 whatever the umask; a file is replaced by
// writing a new one under an unguessable name and renaming it over the old.
import { chmodSync, closeSync, fchmodSync, fstatSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DevnetError, StateDirError } from '../errors.js';

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = constants;


const myUid = (): number | undefined => process.geteuid?.();
const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

function accessError(e: unknown, path: string, doing: string): DevnetError {
  const code = (e as NodeJS.ErrnoException).code;
  if (e instanceof DevnetError) return e;
  if (code === 'ELOOP') return new StateDirError(`${path} is a symbolic link; devnet never follows links in its state directory`, { hint: `remove ${path}` });
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new StateDirError(`cannot ${doing} ${path}: no space left on the device`, { hint: 'nothing was changed; free some space there (devnet needs a few KB for its state), or set DEVNET_STATE_DIR to another file system', cause: e });
  const why =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOENT' || code === 'ENOTDIR' ? 'a folder cannot be made there' : (code ?? String(e));
  return new StateDirError(`cannot ${doing} ${path}: ${why}`, { hint: 'set DEVNET_STATE_DIR to a directory you can write', cause: e });
}

/**
 * Creates `dir` (and missing parents) 0700, or checks that an existing one is a real directory
 * of this user that nobody else can write; one left 0755 by an older devnet is tightened.
 * The parent must not let other users swap `dir` out (world-writable without the sticky bit).
 */
/**
 * Folders proven private by this process. Once proven, only their owner can change them (they
 * are theirs and closed to others): a supervisor that opens a log per service start need not
 * prove its log folder again each time (the lstats were a good part of a service's start).
 */
const proven = new Set<string>();

export function ensurePrivateDir(dir: string): void {
  // one lstat still: a folder removed meanwhile (rm -rf .devnet under a running stack) is made again
  if (proven.has(dir) && stillDir(dir)) return;
  provePrivateDir(dir);
  proven.add(dir);
}

function stillDir(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function provePrivateDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (e) {
    throw accessError(e, dir, 'create the state directory');
  }
  const st = lstatSync(dir);
  const hint = { hint: `remove ${dir} (devnet makes a new one), or set DEVNET_STATE_DIR to a directory of your own` };
  if (st.isSymbolicLink()) throw new StateDirError(`state directory ${dir} is a symbolic link; devnet never follows links in its state`, hint);
  if (!st.isDirectory()) throw new StateDirError(`state directory ${dir} is not a directory`, hint);
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid) throw new StateDirError(`state directory ${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`, hint);
  if (st.mode & 0o022) throw new StateDirError(`state directory ${dir} is writable by other users (mode ${octal(st.mode)}), who could plant files in it`, { hint: `chmod 700 ${dir}, or remove it` });
  if (st.mode & 0o077) chmodSync(dir, 0o700);
  const parent = statSync(dirname(dir));
  if (parent.mode & 0o022 && !(parent.mode & 0o1000))
    throw new StateDirError(`${dirname(dir)}, which holds the state directory, is writable by other users (mode ${octal(parent.mode)}), who could replace it`, {
      hint: `chmod go-w ${dirname(dir)}, or set DEVNET_STATE_DIR to a directory of your own`,
    });
  ignoreInGit(basename(dir) === PROJECT_STATE_DIR ? dir : basename(dirname(dir)) === PROJECT_STATE_DIR ? dirname(dir) : undefined);
}

/** The folder a project's stacks keep their state in, beside the stack file (see paths.ts). */
export const PROJECT_STATE_DIR = '.devnet';

/**
 * A project's .devnet/ holds state, logs and a socket that must never be committed: it
 * ignores itself, as pytest's and mypy's caches do, so no .gitignore of the project needs a line.
 */
function ignoreInGit(dir: string | undefined): void {
  if (!dir) return;
  const file = join(dir, '.gitignore');
  if (existsSync(file)) return;
  try {
    writeWith(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, '# written by devnet: its state, logs and control socket are not for version control\n*\n');
  } catch {
    // another devnet wrote it first, or the folder is read-only: nothing lost
  }
}

/**
 * mkdir -p, 0700 for each folder it creates. Not mkdirSync's recursive mode: on a file system
 * that refuses new folders with ENOENT (procfs) that one never returns.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

// unguessable enough in a directory only this user can write; node:crypto costs start-up time
const tempName = (file: string) => `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;

/** Opens `file` with `flags` (0600 when created), writes `data`, closes it. */
function writeWith(file: string, flags: number, data: string): void {
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Creates a new file 0600 with `data` and returns its path; the caller links or renames it into place. */
export function createPrivateTemp(file: string, data: string): string {
  const tmp = tempName(file);
  try {
    writeWith(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, data);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw accessError(e, tmp, 'write');
  }
  return tmp;
}

/** Replaces `file` with `data` (mode `mode`) by a new file renamed over it: a link at `file` is replaced, never written through. */
export function writeFileReplacing(file: string, data: string, mode: number): void {
  const tmp = tempName(file);
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, data);
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Replaces `file` atomically with `data`, 0600: a crash never leaves half a file, a link is never followed. */
export function writePrivateFile(file: string, data: string): void {
  const tmp = createPrivateTemp(file, data);
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw accessError(e, file, 'write');
  }
}

/** The text of `file`, or undefined when it does not exist; a symbolic link is refused. */
export function readPrivateFile(file: string): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in its place must not block the open (and devnet ls with it)
    fd = openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw accessError(e, file, 'read');
  }
  try {
    if (!fstatSync(fd).isFile()) throw new StateDirError(`${file} is not a regular file; devnet reads only regular files in its state directory`, { hint: `remove ${file}` });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** A fresh file for writing, 0600: whatever was at `file` (a planted link too) is removed, not followed. */
export function openFreshPrivateFile(file: string): number {
  try {
    rmSync(file, { force: true });
    return openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (e) {
    throw accessError(e, file, 'create');
  }
}

/** Appends to `file` (created 0600), never through a link. */
export function appendPrivateFile(file: string, text: string): void {
  try {
    writeWith(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, text);
  } catch (e) {
    throw accessError(e, file, 'append to');
  }
}
