// Where a path really leads: a check that a path lies inside a folder must follow the links
// on the way there (`${stack.dir}/link/d` with `link -> ../precious` is outside), or a
// delete or a write lands where the lexical check never looked.
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isInside } from '../stack/files.js';

/** The path with every link among its existing ancestors resolved; the missing rest kept as written. */
export function realPathOf(path: string): string {
  const rest: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest);
    } catch {
      if (dirname(p) === p) return path;
      rest.unshift(basename(p));
    }
  }
}

/** `path`'s parent resolves inside `root` (resolved too); the last component itself is not followed. */
export function realParentInside(path: string, root: string): boolean {
  return isInside(join(realPathOf(dirname(path)), basename(path)), realPathOf(root));
}
