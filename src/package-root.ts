// Where devnet itself is installed: shipped stacks, demo services and fixtures live there.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Walks up from this module (src/ in tests, dist/ when bundled) to devnet's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (cached = dir);
}

export const shippedStacksDir = (): string => join(packageRoot(), 'stacks');
