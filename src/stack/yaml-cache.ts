// The parsed value of a stack file, cached by path, size and mtime: a warm `devnet doctor`
// skips loading and running the YAML parser (a third of its start-up). Positions for
// messages come from a real parse, done only when there is something to report.
import { mkdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const VERSION = 1;

function cacheFile(file: string): string {
  const dir = process.env.DEVNET_CACHE_DIR || join(tmpdir(), `devnet-cache-${process.getuid?.() ?? 'user'}`);
  return join(dir, `${basename(file).replace(/[^\w.-]/g, '_')}-${fnv1a(file)}.json`);
}

// a file name for a path; node:crypto would cost more start-up time than the whole lookup
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const keyOf = (file: string, st: Stats) => `${VERSION}:${file}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

export function readCachedValue(file: string, st: Stats): { value: unknown } | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(file), 'utf8')) as { key: string; value: unknown };
    return entry.key === keyOf(file, st) ? { value: entry.value } : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedValue(file: string, st: Stats, value: unknown): void {
  try {
    const target = cacheFile(file);
    mkdirSync(join(target, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key: keyOf(file, st), value }), { mode: 0o600 });
    renameSync(tmp, target);
  } catch {
    // a cache that cannot be written only costs speed
  }
}
