// Loading a stack: read -> parse YAML -> schema -> env files -> normalize -> rules.
// Returns the stack with its warnings, or throws one StackError carrying every problem.
import { dict, nullProtoDeep } from './own.js';
import { readFileSync, statSync } from 'node:fs';
import { stackTextHash } from './text-hash.js';
import { dirname, relative, resolve } from 'node:path';
import { StackError, UsageError, type Problem } from '../errors.js';
import { envFileRefs, readEnvFiles, secretValuesOf, secretVarsOf, type EnvFileRef } from './env-files.js';
import { InterpolationError, interpolate } from './interpolate.js';
import { DEFAULT_HOST, type Stack } from './model.js';
import { envStrings, normalizeFiles, normalizeService, normalizeSpans, type Raw } from './normalize.js';
import { expandReplicas } from './replicas.js';
import { checkStack } from './rules.js';
import { stackSchema } from './schema.js';
import { validate, type PathSegment } from './schema-dsl.js';
import type { ParsedYaml } from './yaml-doc.js';
import { cacheSlot } from './yaml-cache.js';

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

/** Stack and env files larger than this are refused before they are read: real ones are a few KiB. */
export const MAX_STACK_FILE_BYTES = 1 << 20;

export async function loadStack(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const path = resolve(file);
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
    if (st.size > MAX_STACK_FILE_BYTES)
      throw new StackError([{ file: shownName(path, options), message: `the stack file is ${formatBytes(st.size)}; devnet reads stack files of up to ${formatBytes(MAX_STACK_FILE_BYTES)}` }]);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof StackError) throw e;
    throw new UsageError(`cannot read stack file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, { cause: e, hint: 'pass a YAML file with --stack' });
  }
  const cache = cacheSlot(text);
  const cached = cache?.read();
  const result = cached ? await loadValue(cached.value, path, options, () => text) : await loadStackText(text, path, options);
  if (!cached && 'value' in result) cache?.write(result.value);
  result.stack.textHash = stackTextHash(text);
  return result;
}


export function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

export async function loadStackText(text: string, file: string, options: LoadOptions = {}): Promise<LoadResult & { value: unknown }> {
  const { parseYaml } = await import('./yaml-doc.js');
  const parsed = parseYaml(text, shownName(file, options));
  if (parsed.syntaxErrors.length) throw new StackError(parsed.syntaxErrors);
  return { ...(await loadValue(parsed.value, file, options, () => text, parsed)), value: parsed.value };
}

const shownName = (file: string, o: LoadOptions) => o.displayName ?? (relative(process.cwd(), file) || file);

/** Validates and builds the stack from the parsed value; positions are computed only for problems. */
async function loadValue(value: unknown, file: string, options: LoadOptions, text: () => string, parsed?: ParsedYaml): Promise<LoadResult> {
  const { portOffset = 0, env = process.env } = options;
  const shown = shownName(file, options);
  const pending: { segments: PathSegment[]; message: string; atKey: boolean }[] = [];
  const at = (segments: PathSegment[], message: string, atKey = false) => void pending.push({ segments, message, atKey });
  const resolvePositions = async (): Promise<Problem[]> => {
    if (!pending.length) return [];
    parsed ??= (await import('./yaml-doc.js')).parseYaml(text(), shown);
    return pending.splice(0).map(({ segments, message, atKey }) => {
      const pos = parsed!.positionOf(segments, atKey);
      return { file: shown, line: pos?.line, col: pos?.col, path: formatPath(segments), message };
    });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    at([], 'a stack file must be a mapping with name: and services:');
    throw new StackError(await resolvePositions());
  }
  const issues = validate(stackSchema, value);
  issues.forEach((i) => at(i.path, i.message, i.atKey));
  // Every problem in one round: services the schema refused are set aside, and the rules
  // (graph, ports, interpolation) run on the rest, so a typo and a port clash show together.
  // Only a problem outside services (name:, ranges:, ...) stops here.
  // A service whose problem is in some of its keys is checked without those keys, so its other
  // problems (an unknown dependency beside a bad port) show in the same round; one that is not
  // a mapping at all is set aside.
  const broken = new Set<string>();
  const badKeys = new Map<string, Set<string>>();
  for (const i of issues) {
    if (i.path[0] !== 'services' || typeof i.path[1] !== 'string') broken.add('*');
    else if (typeof i.path[2] === 'string' && i.path.length >= 3) badKeys.set(i.path[1], (badKeys.get(i.path[1]) ?? new Set()).add(i.path[2]));
    else broken.add(i.path[1]);
  }
  if (broken.has('*')) throw new StackError(sortProblems(await resolvePositions()));
  const rawServices = (value as Raw).services as Record<string, unknown> | undefined;
  // a misspelt key (`prot: 8080`) is checked as the key it likely means, where the service has
  // no such key: what needs a port then does not also say there is none, and the typo is the
  // one problem said. Its problems, as the key's own, show once the typo is fixed
  const renamed = new Map<string, [from: string, to: string][]>();
  for (const i of issues) {
    const [top, name, key] = i.path;
    const s = typeof name === 'string' ? rawServices?.[name] : undefined;
    if (!i.meant || i.path.length !== 3 || top !== 'services' || typeof name !== 'string' || typeof key !== 'string' || !s || typeof s !== 'object' || Object.hasOwn(s, i.meant)) continue;
    renamed.set(name, [...(renamed.get(name) ?? []), [key, i.meant]]);
    badKeys.get(name)!.add(i.meant);
  }
  const repaired = (name: string, s: Raw): Raw => {
    if (!badKeys.has(name) || !s || typeof s !== 'object') return s;
    const kept = withoutKeys(s, badKeys.get(name)!) as Record<string, unknown>;
    for (const [from, to] of renamed.get(name) ?? []) kept[to] = (s as Record<string, unknown>)[from];
    return kept;
  };
  const raw =
    broken.size || badKeys.size
      ? { ...(value as Raw), services: dict(Object.entries(withoutKeys(rawServices ?? {}, broken) as Record<string, Raw>).map(([n, s]) => [n, repaired(n, s)])) }
      : (value as Raw);
  // a value not valid where it was meant is set aside with its key, as before
  if (renamed.size)
    for (const i of validate(stackSchema, raw)) {
      const [top, name, key] = i.path;
      if (top === 'services' && typeof name === 'string' && typeof key === 'string') delete ((raw as { services: Record<string, Record<string, unknown>> }).services[name] ?? {})[key];
    }
  const stack = buildStack(raw, file, dirname(file), portOffset, env, at);
  const checked = checkStack(stack, env);
  // a rule that trips over what was set aside would only echo its schema problem
  // (a key the schema refused is often a misspelling: `comand: x` is not also a missing command)
  const fromBadKey = (p: { segments: PathSegment[]; message: string }) =>
    p.segments[0] === 'services' &&
    typeof p.segments[1] === 'string' &&
    badKeys.has(p.segments[1]) &&
    ((typeof p.segments[2] === 'string' && badKeys.get(p.segments[1])!.has(p.segments[2])) || /^missing "/.test(p.message));
  const errors = checked.errors.filter((e) => !fromBadKey(e));
  const warnings = checked.warnings.filter((w) => !fromBadKey(w));
  const echoes = (message: string) => [...broken].some((b) => message.includes(`"${b}"`));
  // a replica's problem is its service's, in the file; five replicas with one mistake make one problem
  const seen = new Set<string>();
  const atService = (segments: PathSegment[], message: string, atKey?: boolean) => {
    const of = segments[0] === 'services' && typeof segments[1] === 'string' ? stack.services[segments[1]]?.replica?.of : undefined;
    const inFile = of ? ['services', of, ...segments.slice(2)] : segments;
    const key = `${inFile.join('.')}|${message}`;
    if (!seen.has(key)) at(inFile, message, atKey);
    seen.add(key);
  };
  errors.filter((e) => !echoes(e.message)).forEach((e) => atService(e.segments, e.message, e.atKey));
  const problems = await resolvePositions();
  if (problems.length) throw new StackError(sortProblems(problems));
  warnings.forEach((w) => atService(w.segments, w.message, w.atKey));
  // every map keyed by a name the user wrote answers only for its own keys
  return { stack: nullProtoDeep(stack), warnings: await resolvePositions() };
}

function buildStack(
  raw: Raw,
  file: string,
  dir: string,
  portOffset: number,
  env: Record<string, string | undefined>,
  at: (segments: PathSegment[], message: string) => void,
): Stack {
  const sources = [file];
  const readFiles = (refs: EnvFileRef[]) => {
    for (const r of refs) sources.push(resolve(dir, r.path));
    const { env: values, problems } = readEnvFiles(refs, dir);
    for (const p of problems) at(p.at, p.message);
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
      at(['root'], e.message);
    }
  }
  const services: Stack['services'] = dict();
  // secrets from env files, and literal values in env: under a secret-looking key
  const secretValues = [...secretValuesOf(fileEnv), ...secretValuesOf(literals(envStrings(raw.env)))];
  const secretVars = dict([...secretVarsOf(fileEnv), ...secretVarsOf(literals(envStrings(raw.env)))]);
  for (const [name, s] of Object.entries((raw.services ?? {}) as Record<string, Raw>)) {
    const svcFileEnv = readFiles(envFileRefs(s.env_file, ['services', name, 'env_file']));
    for (const [key, kinds] of [['ready', ['http', 'tcp', 'log', 'exit', 'exec']], ['health', ['http', 'tcp', 'exec']]] as const) {
      const probes = kinds.filter((k) => s[key]?.[k] !== undefined);
      if (probes.length > 1) at(['services', name, key], `${key} takes exactly one probe, got ${probes.join(' and ')}: keep one`);
    }
    secretValues.push(...secretValuesOf(svcFileEnv), ...secretValuesOf(literals(envStrings(s.env))));
    for (const [k, v] of [...secretVarsOf(svcFileEnv), ...secretVarsOf(literals(envStrings(s.env)))]) secretVars[k] ??= v;
    const svc = (services[name] = normalizeService(name, s, host, portOffset, svcFileEnv));
    // the stack's engine: is a default for the services that name an image
    const engine = s.engine ?? (s.image !== undefined ? raw.engine : undefined);
    if (engine === 'docker') {
      if (s.image === undefined) at(['services', name, 'engine'], 'engine: docker runs a container image: add image: (the image to run), or remove engine:');
      svc.engine = 'docker';
      // the listener is the container's process, not a child of the docker CLI devnet runs
      if (s.ready?.owned === undefined) svc.ready.owned = false;
    }
  }
  const files = normalizeFiles(raw.files);
  for (const f of [...Object.values(files), ...Object.values(services).flatMap((s) => Object.values(s.files))]) if (f.template !== undefined) sources.push(resolve(dir, f.template));
  return {
    name: raw.name,
    description: raw.description,
    sources: [...new Set(sources)],
    services: expandReplicas(services, at),
    file,
    dir,
    root,
    setup: raw.setup,
    host,
    fileEnv,
    env: envStrings(raw.env),
    secretValues,
    secretVars,
    ranges: normalizeSpans(raw.ranges, portOffset),
    groups: normalizeSpans(raw.groups, portOffset),
    portOffset,
    alternatives: raw.alternatives ?? [],
    files,
  };
}

/** env values without ${...}: an interpolated one is a port or a path, not a secret to hide. */
function literals(env: Record<string, string>): Record<string, string> {
  return dict(Object.entries(env).filter(([, v]) => !v.includes('${')));
}

function withoutKeys(o: Raw, keys: Set<string>): Raw {
  return dict(Object.entries(o).filter(([k]) => !keys.has(k)));
}

/** Most problems a stack error lists; the rest are counted. */
export const MAX_PROBLEMS = 20;

/** By position in the file, at most MAX_PROBLEMS of them. */
function sortProblems(problems: Problem[]): Problem[] {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const file = sorted[0]!.file;
  return [...sorted.slice(0, MAX_PROBLEMS), { file, message: `and ${sorted.length - MAX_PROBLEMS} more problems; fix these first` }];
}

export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}
