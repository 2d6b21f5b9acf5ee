// What compose reads beyond the file itself, resolved as compose resolves it: `include:`
// (another compose file's services join the project) and `extends:` (a service built on
// another, from this file or another one). Bounded: a chain of extends or includes deeper than
// ten is refused, as is one that comes back to itself.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StackError, UsageError } from '../../errors.js';

type Obj = Record<string, unknown>;
const MAX_DEPTH = 10;
/** Sequences compose appends when a service extends another (the rest are replaced). */
const APPENDED = new Set(['ports', 'expose', 'external_links', 'dns', 'dns_search', 'tmpfs', 'volumes', 'devices', 'env_file', 'cap_add', 'cap_drop', 'security_opt']);

export type ReadCompose = (file: string) => Promise<Obj>;

/** A compose file as data, its own syntax errors as a StackError with file:line:col. */
export async function readComposeFile(file: string): Promise<Obj> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`);
  }
  const { parseYaml } = await import('../../stack/yaml-doc.js');
  const parsed = parseYaml(text, file);
  if (parsed.syntaxErrors.length) throw new StackError(parsed.syntaxErrors);
  const v = parsed.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${file}: expected a compose mapping with services:`);
  return v as Obj;
}

function mergeService(base: Obj, own: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(own)) {
    const b = base[k];
    if (Array.isArray(b) && Array.isArray(v) && APPENDED.has(k)) out[k] = [...b, ...v.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x)))];
    else if (b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)) out[k] = { ...(b as Obj), ...(v as Obj) };
    else out[k] = v;
  }
  return out;
}

/**
 * The document with its includes' services added (the including file's win a name clash, said
 * in a note) and every extends: resolved. `file`: where it was read from (relative paths start there).
 */
export async function resolveComposeFiles(doc: Obj, file: string, notes: string[], read: ReadCompose = readComposeFile, depth = 0, seen: string[] = [resolve(file)]): Promise<Obj> {
  if (depth > MAX_DEPTH) throw new UsageError(`${file}: include: and extends: go deeper than ${MAX_DEPTH} files`);
  const dir = dirname(file);
  const services: Record<string, Obj> = { ...((doc.services ?? {}) as Record<string, Obj>) };
  for (const entry of Array.isArray(doc.include) ? doc.include : doc.include === undefined ? [] : [doc.include]) {
    const paths = typeof entry === 'string' ? [entry] : ([] as unknown[]).concat((entry as Obj)?.path ?? []).map(String);
    for (const p of paths) {
      const target = resolve(dir, p);
      if (seen.includes(target)) throw new UsageError(`${file}: include: ${p} includes itself (through ${seen.map((s) => s).join(' -> ')})`);
      const included = await resolveComposeFiles(await read(target), target, notes, read, depth + 1, [...seen, target]);
      const theirs = (included.services ?? {}) as Record<string, Obj>;
      for (const [n, s] of Object.entries(theirs)) {
        if (services[n]) notes.push(`include: ${p}: service ${n} is also in ${file}; the including file's is kept`);
        else services[n] = s;
      }
      notes.push(`include: ${p}: ${Object.keys(theirs).length} service${Object.keys(theirs).length === 1 ? '' : 's'} (${Object.keys(theirs).join(', ')})`);
    }
  }
  const resolving = new Set<string>();
  const resolveOne = async (name: string, s: Obj, from: string, all: Record<string, Obj>, level: number): Promise<Obj> => {
    const ext = s.extends;
    if (ext === undefined) return s;
    if (level > MAX_DEPTH) throw new UsageError(`${from}: service ${name}: extends: goes deeper than ${MAX_DEPTH}`);
    const { extends: _drop, ...own } = s;
    const spec = typeof ext === 'string' ? { service: ext } : (ext as Obj);
    const baseName = String(spec.service ?? '');
    let base: Obj | undefined;
    if (spec.file !== undefined) {
      const target = resolve(dirname(from), String(spec.file));
      const other = await read(target);
      const theirs = (other.services ?? {}) as Record<string, Obj>;
      if (!theirs[baseName]) throw new UsageError(`${from}: service ${name}: extends ${baseName} from ${String(spec.file)}, which has no such service`);
      base = await resolveOne(baseName, theirs[baseName]!, target, theirs, level + 1);
    } else {
      if (!all[baseName]) throw new UsageError(`${from}: service ${name}: extends ${baseName}, which this file does not have`);
      const key = `${from}#${baseName}`;
      if (resolving.has(key)) throw new UsageError(`${from}: service ${name}: extends comes back to ${baseName}`);
      resolving.add(key);
      base = await resolveOne(baseName, all[baseName]!, from, all, level + 1);
      resolving.delete(key);
    }
    notes.push(`${name}: extends ${baseName}${spec.file ? ` from ${String(spec.file)}` : ''}: merged as compose merges it`);
    return mergeService(base, own);
  };
  for (const [n, s] of Object.entries(services)) services[n] = await resolveOne(n, s ?? {}, file, services, 0);
  const { include: _inc, ...rest } = doc;
  return { ...rest, services };
}
