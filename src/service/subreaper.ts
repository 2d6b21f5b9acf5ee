// The helper every service starts through on Linux (native/subreaper.c): it marks the
// service's main process a child subreaper before becoming it, so a grandchild that
// double-forks away (setsid, env -i) is re-parented to the service instead of init and
// stays inside the tree devnet can prove is the service's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

let found: string | null | undefined;

/** The helper's path, or null where it was not built (no C compiler) or the OS has no subreapers. */
export function subreaperHelper(): string | null {
  if (found !== undefined) return found;
  const path = join(packageRoot(), 'dist', 'devnet-subreaper');
  found = process.platform === 'linux' && process.env.DEVNET_SUBREAPER !== '0' && existsSync(path) ? path : null;
  return found;
}
