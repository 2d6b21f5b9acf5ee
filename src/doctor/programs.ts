// Can each service start at all: its cwd exists and its program is found, as the spawn will look it up.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import type { Check } from '../ports/check.js';
import { launchSpec } from '../stack/launch-spec.js';
import type { Stack } from '../stack/model.js';
import { splitCommand } from '../stack/argv.js';

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

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function programChecks(stack: Stack, services: readonly string[], processEnv: Record<string, string | undefined>): Check[] {
  const checks: Check[] = [];
  for (const name of services) {
    const spec = launchSpec(stack, name, { processEnv });
    const s = stack.services[name]!;
    const setup = s.setup ? `; to get it: ${s.setup}` : '';
    if (!isDir(spec.cwd)) {
      checks.push({
        id: 'service.cwd',
        level: 'error',
        service: name,
        message: `service ${name}: working directory ${shown(spec.cwd)} does not exist${stack.root !== stack.dir ? ` (stack root: ${shown(stack.root)})` : ''}; create it or fix cwd:/root:${setup}`,
      });
      continue;
    }
    const program = spec.shell ? splitCommand(spec.file)[0]! : spec.file;
    if (spec.shell && !/^[\w./-]+$/.test(program)) continue;
    const found = findProgram(program, spec.cwd, spec.env.PATH ?? '');
    checks.push(
      found
        ? { id: 'service.program', level: 'ok', service: name, message: `service ${name}: ${program} found (${shown(found)})` }
        : { id: 'service.program', level: 'error', service: name, message: `service ${name}: program ${program} not found on PATH (node_modules/.bin first); install it or fix command:${setup}` },
    );
  }
  return checks;
}

function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('../..') ? r : p;
}
