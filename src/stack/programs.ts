// Can each service start at all: its cwd exists and its program is found, as the spawn will look it up.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Check } from '../check.js';
import { redact } from './env-files.js';
import { launchSpec, type LaunchSpec } from './launch-spec.js';
import { firstShellProgram } from './shell-program.js';
import type { Stack } from './model.js';
import { findProgram, isDir } from './which.js';
import type { EngineRef } from '../container/engine.js';

/** `specOf`: the launch specs of a plan already resolved (up); doctor resolves them here. */
export function programChecks(
  stack: Stack,
  services: readonly string[],
  processEnv: Record<string, string | undefined>,
  specOf: (name: string) => LaunchSpec = (name) => launchSpec(stack, name, { processEnv }),
): Check[] {
  const checks: Check[] = [];
  const rootMissing = !isDir(stack.root);
  if (rootMissing) {
    const how = stack.setup ? `; ${stack.setup}` : '; create it, or fix root:';
    // a container needs the root only where it mounts it (its cwd:)
    const needsRoot = (n: string) => !stack.services[n]!.engine || stack.services[n]!.cwd !== undefined;
    const withoutStandIn = services.filter((n) => stack.services[n]!.fallback === undefined && needsRoot(n));
    // the services with a stand-in run anyway: the root is an error only for those without one
    if (withoutStandIn.length)
      checks.push({
        id: 'stack.root',
        level: 'error',
        message: `stack root ${shown(stack.root)} does not exist${how}; ${withoutStandIn.join(', ')} ${withoutStandIn.length === 1 ? 'has' : 'have'} no fallback and cannot run without it`,
      });
    else {
      const images = services.filter((n) => !needsRoot(n));
      const theirs = images.length ? ` (${images.join(', ')}: ${images.length === 1 ? 'its image' : 'their images'})` : '';
      checks.push({ id: 'stack.root', level: 'ok', message: `stack root ${shown(stack.root)} does not exist, so every service runs its fallback${theirs}${how}` });
    }
  }
  for (const name of services) {
    const spec = specOf(name);
    const s = stack.services[name]!;
    const setup = s.setup ? `; to get it: ${s.setup}` : '';
    if (spec.container) {
      const cli = spec.container.engine.cli;
      checks.push(
        cli.includes('/')
          ? { id: 'service.engine', level: 'ok', service: name, message: `service ${name}: runs ${spec.container.image} in a container (${shown(cli)})` }
          : { id: 'service.engine', level: 'error', service: name, message: `service ${name}: runs ${spec.container.image} in a container (engine: docker), but neither docker nor podman is installed; install Docker (apt-get install docker.io) or Podman${setup}` },
      );
      continue;
    }
    if (spec.fallbackFor) {
      checks.push({ id: 'service.fallback', level: 'ok', service: name, message: `service ${name}: ${spec.fallbackWhy}, so its fallback runs (${redact(spec.display, stack.secretValues)})` });
      continue;
    }
    if (rootMissing) {
      // what it needs besides the root: its program, and how to get it
      const program = spec.shell ? firstShellProgram(spec.file) : spec.file;
      const found = program && findProgram(program, process.cwd(), spec.env.PATH ?? '');
      checks.push({
        id: 'service.root',
        level: 'error',
        service: name,
        message: `service ${name}: needs the stack root (no fallback)${program ? `; ${program} is ${found ? `installed (${shown(found)})` : 'not installed either'}` : ''}${found ? '' : setup}`,
      });
      continue;
    }
    if (!isDir(spec.cwd)) {
      checks.push({
        id: 'service.cwd',
        level: 'error',
        service: name,
        message: `service ${name}: working directory ${shown(spec.cwd)} ${existsSync(spec.cwd) ? 'is a file, not a directory' : 'does not exist'}; fix its cwd: (relative to the stack root ${shown(stack.root)})${setup}`,
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

/** A path as short as it is clear: relative when near here, absolute otherwise; never a/b/../c. */
function shown(p: string): string {
  const abs = resolve(p);
  const r = relative(process.cwd(), abs);
  return r && !r.startsWith('../..') ? r : abs;
}

/** Each engine the services use, asked once whether its daemon answers: why not, one line each. */
export async function enginesUnreachable(specs: readonly LaunchSpec[]): Promise<string[]> {
  const engines = new Map<string, EngineRef>();
  for (const spec of specs) if (spec.container?.engine.cli.includes('/')) engines.set(JSON.stringify(spec.container.engine), spec.container.engine);
  if (!engines.size) return [];
  const { engineUnreachable } = await import('../container/engine.js');
  const why = await Promise.all([...engines.values()].map(engineUnreachable));
  return why.filter((w): w is string => w !== undefined);
}
