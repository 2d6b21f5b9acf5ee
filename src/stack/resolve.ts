// Which stack file a command means, as docker compose finds its file: --stack PATH|NAME,
// then $DEVNET_STACK, then devnet.yaml in this folder or the nearest parent, then the
// shipped demo. A NAME is looked for in ./stacks/ and then among the shipped stacks; a
// folder of the same name that holds no stack does not shadow it (the repository's demo/).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { shippedStacksDir } from '../package-root.js';
import { didYouMean } from './schema-dsl.js';

export interface ResolveOptions {
  stack?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** How the stack was chosen, so a command can say so. */
export type ResolvedBy = 'flag' | 'env' | 'found' | 'default';

const STACK_FILES = ['devnet.yaml', 'devnet.yml'];
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export function resolveStackFile(o: ResolveOptions = {}): string {
  return resolveStack(o).file;
}

export function resolveStack({ stack, cwd = process.cwd(), env = process.env }: ResolveOptions = {}): { file: string; by: ResolvedBy } {
  if (stack) return { file: findStack(stack, cwd), by: 'flag' };
  if (env.DEVNET_STACK) return { file: findStack(env.DEVNET_STACK, cwd), by: 'env' };
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const f of STACK_FILES) if (isFile(join(dir, f))) return { file: join(dir, f), by: 'found' };
    if (dirname(dir) === dir) break;
  }
  return { file: join(shippedStacksDir(), 'demo.yaml'), by: 'default' };
}

function findStack(wanted: string, cwd: string): string {
  const asPath = resolve(cwd, wanted);
  if (isFile(asPath)) return asPath;
  // a folder with a devnet.yaml stands for it, as a project folder does for compose
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    const inside = STACK_FILES.map((f) => join(asPath, f)).find(isFile);
    if (inside) return inside;
  }
  if (/[\\/]|\.ya?ml$/.test(wanted)) throw new UsageError(`stack file ${wanted} not found`, { hint: 'pass a path to a YAML file, or a stack name from ./stacks/' });
  const dirs = [join(cwd, 'stacks'), shippedStacksDir()];
  const found = dirs.flatMap((d) => [join(d, `${wanted}.yaml`), join(d, `${wanted}.yml`)]).find(isFile);
  if (found) return found;
  const names = [...new Set(dirs.flatMap(stackNamesIn))];
  throw new UsageError(`no stack named "${wanted}"${didYouMean(wanted, names)}: looked in ./stacks/ and devnet's shipped stacks (${names.join(', ')})`, {
    hint: `run devnet with --stack PATH, or add stacks/${wanted}.yaml`,
  });
}

function stackNamesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''));
  } catch {
    return [];
  }
}
