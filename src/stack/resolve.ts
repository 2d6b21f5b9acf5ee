// Which stack file a command means: --stack PATH|NAME, $DEVNET_STACK, ./devnet.yaml, the shipped demo.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { shippedStacksDir } from '../package-root.js';

export interface ResolveOptions {
  stack?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export function resolveStackFile({ stack, cwd = process.cwd(), env = process.env }: ResolveOptions = {}): string {
  const wanted = stack ?? env.DEVNET_STACK;
  if (wanted) return findStack(wanted, cwd);
  for (const f of ['devnet.yaml', 'devnet.yml']) if (existsSync(join(cwd, f))) return join(cwd, f);
  return join(shippedStacksDir(), 'demo.yaml');
}

function findStack(wanted: string, cwd: string): string {
  const asPath = resolve(cwd, wanted);
  if (/[\\/]|\.ya?ml$/.test(wanted) || existsSync(asPath)) {
    if (existsSync(asPath)) return asPath;
    throw new UsageError(`stack file ${wanted} not found`, { hint: 'pass a path to a YAML file, or a stack name from ./stacks/' });
  }
  const candidates = [join(cwd, 'stacks'), shippedStacksDir()].flatMap((d) => [join(d, `${wanted}.yaml`), join(d, `${wanted}.yml`)]);
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw new UsageError(`no stack named "${wanted}": looked in ./stacks/ and devnet's shipped stacks`, {
    hint: 'run devnet with --stack PATH, or add stacks/' + wanted + '.yaml',
  });
}
