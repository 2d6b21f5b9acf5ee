// The parsed value of a stack file, cached by a hash of its content: a warm `devnet doctor`
// skips loading and running the YAML parser (a third of its start-up). Positions for
// messages come from a real parse, done only when there is something to report.
//
// The cache decides what commands run, so it is as private as the state: it lives in the
// user's own cache directory ($XDG_CACHE_HOME/devnet, else ~/.cache/devnet), which must be
// theirs and closed to others, or it is not used at all; entries are found by the SHA-256 of
// the file's text, never by names or times anyone could compute from outside.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from '../fs/private-fs.js';

const VERSION = 2;
/** entries kept; the oldest go first */
export const CACHE_MAX_ENTRIES = 64;
/** a parsed value larger than this is not worth a cache file */
const MAX_ENTRY_BYTES = 1 << 20;

export function cacheDir(env: Record<string, string | undefined> = process.env): string {
  return env.DEVNET_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'devnet');
}

const keyOf = (text: string) => createHash('sha256').update(`${VERSION}\0${text}`).digest('hex');

/** The cache directory when it is safe to use, else undefined (a cache only costs speed). */
function usableDir(): string | undefined {
  const dir = cacheDir();
  try {
    ensurePrivateDir(dir);
    return dir;
  } catch {
    return undefined;
  }
}

export interface CacheSlot {
  read(): { value: unknown } | undefined;
  write(value: unknown): void;
}

/** Where the parsed value of `text` is cached: hashed once, the folder checked once; undefined when no cache can be used. */
export function cacheSlot(text: string): CacheSlot | undefined {
  const dir = usableDir();
  if (!dir) return undefined;
  const key = keyOf(text);
  const file = join(dir, `${key}.json`);
  return {
    read() {
      try {
        const entry = JSON.parse(readPrivateFile(file) ?? 'null') as { key: string; value: unknown } | null;
        return entry?.key === key ? { value: entry.value } : undefined;
      } catch {
        return undefined;
      }
    },
    write(value) {
      const json = JSON.stringify({ key, value });
      if (json.length > MAX_ENTRY_BYTES) return;
      try {
        writePrivateFile(file, json);
        prune(dir);
      } catch {
        // a cache that cannot be written only costs speed
      }
    },
  };
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (entries.length <= CACHE_MAX_ENTRIES) return;
  const aged = entries.map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at);
  for (const { f } of aged.slice(0, entries.length - CACHE_MAX_ENTRIES)) rmSync(join(dir, f), { force: true });
}
