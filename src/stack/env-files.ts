// dotenv files of a stack or service: read, merged in order, secrets noted for redaction.
import { dict } from './own.js';
import { readFileSync, statSync } from 'node:fs';
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
  /** files that are missing or cannot be env files, each with the reason */
  problems: { at: PathSegment[]; message: string }[];
}

/** An env file larger than this is refused before it is read (it would end as E2BIG at spawn). */
export const MAX_ENV_FILE_BYTES = 1 << 20;

// dotenv is loaded on first use: most stacks have no env files, and start-up time counts
let dotenvParse: ((text: string) => Record<string, string>) | undefined;
const parseDotenv = (text: string) => (dotenvParse ??= (createRequire(import.meta.url)('dotenv') as typeof import('dotenv')).parse)(text);

export function readEnvFiles(refs: EnvFileRef[], baseDir: string): EnvFilesResult {
  const env: Record<string, string> = dict();
  const problems: EnvFilesResult['problems'] = [];
  for (const ref of refs) {
    const file = resolve(baseDir, ref.path);
    const problem = (message: string) => problems.push({ at: ref.at, message: `env file ${ref.path} ${message}` });
    let text: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) {
        problem(`is ${st.isDirectory() ? 'a directory' : 'not a regular file'}; name a dotenv file`);
        continue;
      }
      if (st.size > MAX_ENV_FILE_BYTES) {
        problem(`is ${(st.size / (1 << 20)).toFixed(1)} MiB; devnet reads env files of up to 1 MiB`);
        continue;
      }
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        if (!ref.optional) problem(`not found (create it, or mark it { path: ${ref.path}, optional: true })`);
      } else problem(`cannot be read (${code ?? e})`);
      continue;
    }
    if (text.includes('\0')) {
      problem('contains a NUL byte: a binary file, not a dotenv file');
      continue;
    }
    Object.assign(env, parseDotenv(text));
  }
  return { env, problems };
}

// auth alone only at the end or before what carries it: GF_AUTH_ANONYMOUS_ENABLED is a switch, BASIC_AUTH a secret
const SECRET_KEY = /(secret|token|passw(or)?d|pass$|private|credential|api[_-]?key|_key$|^key$|auth$|auth_?(header|key|orization)|dsn|cookie|session)/i;
/** A switch or a number is no secret, whatever its key: redacting "true" would mangle every line that says it. */
const PLAIN_VALUE = /^(true|false|yes|no|on|off|enabled|disabled|none|null|\d+)$/i;
const secretish = (k: string, v: string) => SECRET_KEY.test(k) && !PLAIN_VALUE.test(v.trim());

/**
 * Values whose key looks secret; output redacts them. Short values are left alone: redacting
 * "1" would mangle every line. A multi-line value (a PEM key) is also redacted line by line,
 * since logs and terminals see it a line at a time.
 */
/** The variables among `env` whose names look secret, with their values (export writes references to them). */
export function secretVarsOf(env: Record<string, string>): [string, string][] {
  return Object.entries(env).filter(([k, v]) => secretish(k, v) && v.length >= 4);
}

export function secretValuesOf(env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!secretish(k, v)) continue;
    if (v.length >= 4) out.push(v);
    if (v.includes('\n')) for (const line of v.split(/\r?\n/)) if (line.trim().length >= 4) out.push(line.trim());
  }
  return out;
}

const longestFirst = new WeakMap<readonly string[], string[]>();

/** Replaces every secret by ***, longest first, so a secret that contains another is not half shown. */
export function redact(text: string, secrets: readonly string[]): string {
  if (!secrets.length) return text;
  let sorted = longestFirst.get(secrets);
  if (!sorted) longestFirst.set(secrets, (sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length)));
  let out = text;
  for (const s of sorted) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
