// devnet down --volumes: the data directories of a stack that is down are deleted, as
// `docker compose down -v` deletes volumes: exactly those recorded (or declared), each only
// when it lies inside the stack root; a link is removed, never followed.
import { lstatSync, rmSync } from 'node:fs';
import { isInside } from '../stack/files.js';
import { realParentInside } from '../state/real-path.js';

export interface VolumesResult {
  deleted: string[];
  /** declared but not there (never created, or deleted already) */
  absent: string[];
  refused: { path: string; why: string }[];
}

/** `roots`: the stack root and the state folder's data/: nothing outside them is deleted. */
export function deleteDataDirs(dirs: readonly string[], roots: readonly string[]): VolumesResult {
  const out: VolumesResult = { deleted: [], absent: [], refused: [] };
  for (const dir of [...new Set(dirs)]) {
    if (!roots.some((r) => isInside(dir, r))) {
      out.refused.push({ path: dir, why: `outside the stack root and the state folder (${roots.join(', ')})` });
      continue;
    }
    // lexically inside, but a link on the way leads out: refused, nothing deleted
    if (!roots.some((r) => realParentInside(dir, r))) {
      out.refused.push({ path: dir, why: `a symbolic link on its path leads outside the stack root and the state folder` });
      continue;
    }
    try {
      lstatSync(dir);
    } catch {
      out.absent.push(dir);
      continue;
    }
    // a link at the data path itself is removed as a link (rm never follows links inside the tree)
    rmSync(dir, { recursive: true, force: true });
    out.deleted.push(dir);
  }
  return out;
}
