// dotenv files of a stack or service: read, merged in order, secrets noted for redaction.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { PathSegment } from './schema-dsl.js';

export interface EnvFileRef {
  path: string;
  optional: boolean;
  at: PathSegment[];
}

export function envFileRefs(raw: unknown, at: PathSegment[]): EnvFileRef[] {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((e: string | { path: string; optional?: boolean }, i) =>
    typeof e === 'string' ? { path: e, optional: false, at: Array.isArray(raw) ? [...at, i] : at } : { path: e.path, optional: e.optional ?? false, at: [...at, i] },
  );
}

export interface EnvFilesResult {
  env: Record<string, string>;
  missing: EnvFileRef[];
}

// dotenv is loaded on first use: most stacks have no env files, and start-up time counts
let dotenvParse: ((text: string) => Record<string, string>) | undefined;
const parseDotenv = (text: string) => (dotenvParse ??= (createRequire(import.meta.url)('dotenv') as typeof import('dotenv')).parse)(text);

export function readEnvFiles(refs: EnvFileRef[], baseDir: string): EnvFilesResult {
  const env: Record<string, string> = {};
  const missing: EnvFileRef[] = [];
  for (const ref of refs) {
    let text: string;
    try {
      text = readFileSync(resolve(baseDir, ref.path), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (!ref.optional) missing.push(ref);
      continue;
    }
    Object.assign(env, parseDotenv(text));
  }
  return { env, missing };
}

const SECRET_KEY = /(secret|token|passw(or)?d|pass$|private|credential|api[_-]?key|_key$|^key$|auth|dsn|cookie|session)/i;

/** Values whose key looks secret; output redacts them. Short values are left alone: redacting "1" would mangle every line. */
export function secretValuesOf(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([k, v]) => SECRET_KEY.test(k) && v.length >= 4)
    .map(([, v]) => v);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
