// At up, after --remap and --port-offset: files declared under files: are rendered with the
// same interpolation as commands (so a genesis file, a peers file or prometheus.yml carry the
// ports actually in use), and data directories are created. Both are recorded in the state.
import { dict } from '../stack/own.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DevnetError } from '../errors.js';
import { toPrometheus } from '../plan/prometheus.js';
import { dataBase, filePaths } from '../stack/files.js';
import { interpolate } from '../stack/interpolate.js';
import type { FileSpec, Stack } from '../stack/model.js';
import { interpolationContext } from '../stack/interpolation-context.js';
import { ensurePrivateDir, writeFileReplacing } from '../fs/private-fs.js';
import { realParentInside } from '../state/real-path.js';

export interface Rendered {
  service?: string;
  name: string;
  path: string;
}

export function renderFiles(stack: Stack, services: readonly string[], withStackFiles = true, processEnv = process.env): Rendered[] {
  const out: Rendered[] = [];
  const write = (f: FileSpec, service: string | undefined) => {
    const ctx = interpolationContext(stack, service, processEnv);
    const path = filePaths(stack, service ? stack.services[service] : undefined)[f.name]!;
    const text = f.generate === 'prometheus' ? toPrometheus(stack) : interpolate(f.template !== undefined ? readFileSync(resolve(stack.dir, f.template), 'utf8') : f.content!, ctx);
    const what = `files.${f.name}${service ? ` of ${service}` : ''}`;
    // in the state folder: private like the rest of it; under the stack root: the project's own
    const inState = !!stack.stateDir && path.startsWith(stack.stateDir);
    if (inState) ensurePrivateDir(dirname(path));
    else mkdirSync(dirname(path), { recursive: true });
    if (!realParentInside(path, inState ? stack.stateDir! : stack.root))
      throw new DevnetError(`cannot write ${path} (${what}): a symbolic link on its path leads outside ${inState ? 'the state folder' : `the stack root ${stack.root}`}`, { hint: 'nothing was started; remove the link' });
    try {
      // a new file renamed into place: a link planted at the path is replaced, never written through
      writeFileReplacing(path, text, f.mode);
    } catch (e) {
      throw new DevnetError(`cannot write ${path} (${what}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'nothing was started' });
    }
    out.push({ service, name: f.name, path });
  };
  if (withStackFiles) for (const f of Object.values(stack.files)) write(f, undefined);
  for (const name of services) for (const f of Object.values(stack.services[name]!.files)) write(f, name);
  return out;
}

/** Creates each service's data directories (kept across restarts and runs); returns them by service. */
export function createDataDirs(stack: Stack, services: readonly string[], processEnv = process.env): Record<string, string[]> {
  const out: Record<string, string[]> = dict();
  for (const name of services) {
    const dirs = interpolationContext(stack, name, processEnv).data ?? [];
    for (const d of dirs) {
      if (![stack.root, dataBase(stack)].some((r) => realParentInside(d, r)))
        throw new DevnetError(`cannot create data directory ${d} of ${name}: a symbolic link on its path leads outside the stack root and the state folder`, { hint: 'nothing was started; remove the link' });
      try {
        mkdirSync(d, { recursive: true });
      } catch (e) {
        throw new DevnetError(`cannot create data directory ${d} of ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'nothing was started' });
      }
    }
    if (dirs.length) out[name] = dirs;
  }
  return out;
}
