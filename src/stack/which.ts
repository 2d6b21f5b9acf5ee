// Finding a program as the spawn will: a path relative to the cwd, else each PATH entry.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export function findProgram(file: string, cwd: string, pathVar: string): string | undefined {
  if (file.includes('/')) {
    const p = isAbsolute(file) ? file : resolve(cwd, file);
    return isExecutable(p) ? p : undefined;
  }
  for (const dir of pathVar.split(delimiter).filter(Boolean)) {
    const p = join(dir, file);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
