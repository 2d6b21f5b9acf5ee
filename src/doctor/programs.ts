// Can each service start at all: its cwd exists and its program is found, as the spawn will look it up.
import { relative } from 'node:path';
import type { Check } from '../ports/check.js';
import { redact } from '../stack/env-files.js';
import { launchSpec } from '../stack/launch-spec.js';
import { firstShellProgram } from '../stack/shell-program.js';
import type { Stack } from '../stack/model.js';
import { findProgram, isDir } from '../stack/which.js';

export function programChecks(stack: Stack, services: readonly string[], processEnv: Record<string, string | undefined>): Check[] {
  const checks: Check[] = [];
  if (!isDir(stack.root)) {
    const how = stack.setup ? `; ${stack.setup}` : '; create it or fix root:';
    const withoutStandIn = services.filter((n) => stack.services[n]!.fallback === undefined);
    // every service runs inside the root: one line says it all, unless each has a stand-in
    if (withoutStandIn.length) return [{ id: 'stack.root', level: 'error', message: `stack root ${stack.root} does not exist${how}` }];
    checks.push({ id: 'stack.root', level: 'ok', message: `stack root ${stack.root} does not exist, so every service runs its fallback${how}` });
  }
  for (const name of services) {
    const spec = launchSpec(stack, name, { processEnv });
    const s = stack.services[name]!;
    const setup = s.setup ? `; to get it: ${s.setup}` : '';
    if (spec.fallbackFor) {
      checks.push({ id: 'service.fallback', level: 'ok', service: name, message: `service ${name}: ${spec.fallbackWhy}, so its fallback runs (${redact(spec.display, stack.secretValues)})` });
      continue;
    }
    if (!isDir(spec.cwd)) {
      checks.push({
        id: 'service.cwd',
        level: 'error',
        service: name,
        message: `service ${name}: working directory ${shown(spec.cwd)} does not exist; fix its cwd: (relative to the stack root ${shown(stack.root)})${setup}`,
      });
      continue;
    }
    // a shell line is the shell's: only a program it plainly runs first is looked up
    const program = spec.shell ? firstShellProgram(spec.file) : spec.file;
    if (program === undefined) continue;
    if (program === 'TODO') {
      checks.push({ id: 'service.todo', level: 'error', service: name, message: `service ${name}: its command is still the TODO placeholder devnet import wrote; write the command that starts it` });
      continue;
    }
    const found = findProgram(program, spec.cwd, spec.env.PATH ?? '');
    checks.push(
      found
        ? { id: 'service.program', level: 'ok', service: name, message: `service ${name}: ${program} found (${shown(found)})` }
        : { id: 'service.program', level: 'error', service: name, message: `service ${name}: program ${program} not found on PATH (node_modules/.bin first); install it, or fix the service's command${setup ? ` (to get it: ${s.setup})` : ''}` },
    );
  }
  return checks;
}

function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('../..') ? r : p;
}
