// Loading a stack: read -> parse YAML -> schema -> env files -> normalize -> rules.
// Returns the stack with its warnings, or throws one StackError carrying every problem.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { StackError, UsageError, type Problem } from '../errors.js';
import { envFileRefs, readEnvFiles, secretValuesOf, type EnvFileRef } from './env-files.js';
import { InterpolationError, interpolate } from './interpolate.js';
import { DEFAULT_HOST, type Stack } from './model.js';
import { envStrings, normalizeService, normalizeSpans, type Raw } from './normalize.js';
import { checkStack } from './rules.js';
import { stackSchema } from './schema.js';
import { validate, type PathSegment } from './schema-dsl.js';
import { parseYaml } from './yaml-doc.js';

export interface LoadOptions {
  portOffset?: number;
  env?: Record<string, string | undefined>;
  /** how the file is named in messages (default: relative to the cwd) */
  displayName?: string;
}

export interface LoadResult {
  stack: Stack;
  warnings: Problem[];
}

export function loadStack(file: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read stack file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, { cause: e });
  }
  return loadStackText(text, resolve(file), options);
}

export function loadStackText(text: string, file: string, { portOffset = 0, env = process.env, displayName }: LoadOptions = {}): LoadResult {
  const shown = displayName ?? (relative(process.cwd(), file) || file);
  const parsed = parseYaml(text, shown);
  if (parsed.syntaxErrors.length) throw new StackError(parsed.syntaxErrors);
  const at = (segments: PathSegment[], message: string, atKey = false): Problem => {
    const pos = parsed.positionOf(segments, atKey);
    return { file: shown, line: pos?.line, col: pos?.col, path: formatPath(segments), message };
  };
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
    throw new StackError([at([], 'a stack file must be a mapping with name: and services:')]);

  const issues = validate(stackSchema, parsed.value);
  if (issues.length) throw new StackError(issues.map((i) => at(i.path, i.message, i.atKey)));

  const raw = parsed.value as Raw;
  const dir = dirname(file);
  const problems: Problem[] = [];
  const stack = buildStack(raw, file, dir, portOffset, env, problems, at);
  const { errors, warnings } = checkStack(stack, env);
  problems.push(...errors.map((e) => at(e.segments, e.message, e.atKey)));
  if (problems.length) throw new StackError(problems);
  return { stack, warnings: warnings.map((w) => at(w.segments, w.message, w.atKey)) };
}

function buildStack(
  raw: Raw,
  file: string,
  dir: string,
  portOffset: number,
  env: Record<string, string | undefined>,
  problems: Problem[],
  at: (segments: PathSegment[], message: string) => Problem,
): Stack {
  const readFiles = (refs: EnvFileRef[]) => {
    const { env: values, missing } = readEnvFiles(refs, dir);
    for (const m of missing) problems.push(at(m.at, `env file ${m.path} not found (create it, or mark it { path: ${m.path}, optional: true })`));
    return values;
  };
  const fileEnv = readFiles(envFileRefs(raw.env_file, ['env_file']));
  const host = raw.host ?? DEFAULT_HOST;
  let root = dir;
  if (raw.root !== undefined) {
    try {
      root = resolve(dir, interpolate(raw.root, { services: {}, env: { ...env, ...fileEnv, ...envStrings(raw.env) }, host }));
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      problems.push(at(['root'], e.message));
    }
  }
  const services: Stack['services'] = {};
  const secretValues = secretValuesOf(fileEnv);
  for (const [name, s] of Object.entries((raw.services ?? {}) as Record<string, Raw>)) {
    const svcFileEnv = readFiles(envFileRefs(s.env_file, ['services', name, 'env_file']));
    secretValues.push(...secretValuesOf(svcFileEnv));
    services[name] = normalizeService(name, s, host, portOffset, svcFileEnv);
  }
  return {
    name: raw.name,
    description: raw.description,
    file,
    dir,
    root,
    host,
    fileEnv,
    env: envStrings(raw.env),
    secretValues,
    services,
    ranges: normalizeSpans(raw.ranges, portOffset),
    groups: normalizeSpans(raw.groups, portOffset),
    portOffset,
  };
}

export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}
