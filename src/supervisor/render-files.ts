// At up, after --remap and --port-offset, the plan's rendered files: (a genesis file, a peers
// file, prometheus.yml, carrying the ports actually in use) are written, and its data
// directories created. Both are recorded in the state.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DevnetError } from '../errors.js';
import { dataBase } from '../stack/files.js';
import type { Stack } from '../stack/model.js';
import type { RenderedFile } from '../stack/service-plan.js';
import { ensurePrivateDir, writeFileReplacing } from '../fs/private-fs.js';
import { realParentInside } from '../state/real-path.js';

export function writeRenderedFiles(stack: Stack, files: readonly RenderedFile[]): void {
  for (const f of files) {
    // in the state folder: private like the rest of it; under the stack root: the project's own
    const inState = !!stack.stateDir && f.path.startsWith(stack.stateDir);
    if (inState) ensurePrivateDir(dirname(f.path));
    else mkdirSync(dirname(f.path), { recursive: true });
    if (!realParentInside(f.path, inState ? stack.stateDir! : stack.root))
      throw new DevnetError(`cannot write ${f.path} (${f.what}): a symbolic link on its path leads outside ${inState ? 'the state folder' : `the stack root ${stack.root}`}`, { hint: 'nothing was started; remove the link' });
    try {
      // a new file renamed into place: a link planted at the path is replaced, never written through
      writeFileReplacing(f.path, f.text, f.mode);
    } catch (e) {
      throw new DevnetError(`cannot write ${f.path} (${f.what}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'nothing was started' });
    }
  }
}

/** Creates a service's data directories (kept across restarts and runs). */
export function createDataDirs(stack: Stack, service: string, dirs: readonly string[]): void {
  for (const d of dirs) {
    if (![stack.root, dataBase(stack)].some((r) => realParentInside(d, r)))
      throw new DevnetError(`cannot create data directory ${d} of ${service}: a symbolic link on its path leads outside the stack root and the state folder`, { hint: 'nothing was started; remove the link' });
    try {
      mkdirSync(d, { recursive: true });
    } catch (e) {
      throw new DevnetError(`cannot create data directory ${d} of ${service}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'nothing was started' });
    }
  }
}
