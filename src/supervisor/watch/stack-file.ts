// up --watch follows the stack file too: a change to it, its env files or its templates
// applies it again, as devnet up on the running stack does, once per burst of writes (an
// editor's save writes several times).
import { dirname, relative } from 'node:path';
import { watchPaths, type Unwatch } from './file-watcher.js';

export const STACK_WATCH_DEBOUNCE_MS = 300;

export interface StackWatchOptions {
  files: readonly string[];
  stateDir: string;
  onChange(paths: string[]): void;
  debounceMs?: number;
}

export async function watchStackFiles(o: StackWatchOptions): Promise<Unwatch> {
  const cwd = dirname(o.files[0]!);
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const unwatch = await watchPaths({ cwd, patterns: o.files.map((f) => relative(cwd, f)), stateDir: o.stateDir }, (path) => {
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...changed];
      changed.clear();
      o.onChange(paths);
    }, o.debounceMs ?? STACK_WATCH_DEBOUNCE_MS);
  });
  return async () => {
    clearTimeout(timer);
    await unwatch();
  };
}
