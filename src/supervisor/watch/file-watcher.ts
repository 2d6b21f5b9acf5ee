// Watching a service's paths. chokidar 4 rather than node:fs.watch({ recursive }): on Linux,
// Node 20's recursive watch walks and watches every directory below the root, node_modules
// included, before it can be told to skip any; chokidar's `ignored` keeps node_modules, .git
// and the state directory from ever being walked. chokidar 4 has one dependency (readdirp)
// and uses FSEvents-free fs.watch on macOS too; it is loaded only under up --watch.
import { join, relative, resolve, sep } from 'node:path';
import { globBase, globToRegExp, isGlob } from './glob.js';

const IGNORED_DIRS = new Set(['node_modules', '.git']);

/**
 * Paths one service's watch looks at, at most: a watched folder with a link back up
 * (`src/up -> ..`) or a huge tree must not grow the supervisor without bound.
 */
export const MAX_WATCHED_PATHS = 20_000;

export interface WatchOptions {
  cwd: string;
  patterns: string[];
  /** the stack's state directory, never watched (logs change there all the time) */
  stateDir: string;
  /** called once when the bound is hit: what is past it is not watched */
  onLimit?: (limit: number) => void;
  maxPaths?: number;
}

export type Unwatch = () => Promise<void>;

/** Calls onChange(relative path) for each change matching a pattern. */
export async function watchPaths(o: WatchOptions, onChange: (path: string) => void): Promise<Unwatch> {
  const { watch } = await import('chokidar');
  const matchers = o.patterns.map((p) => (isGlob(p) ? globToRegExp(p) : undefined));
  const roots = [...new Set(o.patterns.map((p) => resolve(o.cwd, globBase(p))))];
  const stateDir = resolve(o.stateDir);
  const max = o.maxPaths ?? MAX_WATCHED_PATHS;
  const seen = new Set<string>();
  let limited = false;
  const watcher = watch(roots, {
    ignoreInitial: true,
    // a link is watched as itself, never walked through: a link to a parent folder is a loop
    followSymlinks: false,
    ignored: (path: string) => {
      if (path === stateDir || path.startsWith(stateDir + sep) || path.split(sep).some((part) => IGNORED_DIRS.has(part))) return true;
      if (seen.has(path)) return false;
      if (seen.size >= max) {
        if (!limited) o.onLimit?.(max);
        limited = true;
        return true;
      }
      seen.add(path);
      return false;
    },
  });
  const matches = (rel: string) =>
    o.patterns.some((p, i) => {
      const re = matchers[i];
      if (re) return re.test(rel);
      // a plain path: the file itself, or anything under the directory
      const lit = join(p);
      return rel === lit || rel.startsWith(lit + sep) || lit === '.';
    });
  watcher.on('all', (_event: string, path: string) => {
    const rel = relative(o.cwd, path).split(sep).join('/');
    if (matches(rel)) onChange(rel);
  });
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  return () => watcher.close();
}
