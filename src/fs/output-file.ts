// Writing what a command produces (import -o, export -o): never over a file that exists
// unless asked (--force), and never, even then, over a file the command is reading (the
// stack file, its env files and templates; the file imported). A name that leads to the same
// file by a link or another spelling is the same file.
import { closeSync, existsSync, openSync, realpathSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    try {
      return realpathSync(dirname(resolve(a))) === realpathSync(dirname(resolve(b))) && resolve(a).split('/').pop() === resolve(b).split('/').pop();
    } catch {
      return false;
    }
  }
}

export interface OutputOptions {
  force?: boolean;
  /** files being read: never written, --force or not */
  reading: readonly string[];
  /** for messages: what is written (the stack, the export) */
  what: string;
}

export function writeOutput(path: string, text: string, o: OutputOptions): void {
  const read = o.reading.find((r) => sameFile(path, r));
  if (read) throw new UsageError(`${path} is ${resolve(read) === resolve(path) ? 'the file' : `the same file as ${read}, which is`} being read; devnet never writes ${o.what} over it (not even with --force)`, { hint: 'write it to another file, or to stdout without -o' });
  if (existsSync(path) && !o.force) throw new UsageError(`${path} exists; nothing was written`, { hint: `--force replaces it; or choose another name with -o` });
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${path} is a directory; nothing was written`);
  if (!o.force) {
    // wx: a file that appeared since the check is not replaced either
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} exists; nothing was written`, { hint: '--force replaces it' });
      throw new UsageError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return;
  }
  // --force: the old file stays whole until the new one is complete
  const tmp = `${path}.devnet-${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
