// Where rendered files and data directories of a service are: the paths ${files.NAME} and
// ${data} stand for. Both go to the run's state folder unless they name a path under the
// stack root (a file's path:, or an absolute data path such as ${stack.dir}/data).
import { dict } from './own.js';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Service, Stack } from './model.js';

/** Before a run's state folder is known (validation, doctor, ports): a stand-in path for messages. */
const NO_STATE_YET = '<state folder>';

const withReplica = (path: string, s: Service | undefined) => path.replaceAll('${replica}', String(s?.replica?.index ?? 1));

export function filePaths(stack: Stack, s: Service | undefined): Record<string, string> {
  const state = stack.stateDir ?? NO_STATE_YET;
  const out: Record<string, string> = dict();
  for (const f of Object.values(stack.files)) out[f.name] = f.path ? resolve(stack.root, withReplica(f.path, undefined)) : join(state, 'files', f.name);
  for (const f of Object.values(s?.files ?? {})) out[f.name] = f.path ? resolve(stack.root, withReplica(f.path, s)) : join(state, 'files', s!.name, f.name);
  return out;
}

/** `path` is strictly inside `dir` (not dir itself, not beside it through ..). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/** The state folder's data/ directory, where relative data: paths live. */
export const dataBase = (stack: Stack): string => join(stack.stateDir ?? NO_STATE_YET, 'data');

/** A data: path (interpolated) as a directory, or why it is refused. */
export function dataDir(stack: Stack, path: string): { dir: string } | { problem: string } {
  if (isAbsolute(path)) {
    const dir = resolve(path);
    return isInside(dir, stack.root) ? { dir } : { problem: `${dir} is outside the stack root ${stack.root}: devnet creates and deletes data directories only inside it or the state folder` };
  }
  const dir = join(dataBase(stack), path);
  return isInside(dir, dataBase(stack)) ? { dir } : { problem: `${path} leaves the state folder's data directory; a relative data: path stays inside it` };
}
