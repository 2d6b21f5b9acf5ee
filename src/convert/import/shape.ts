// The shape of a compose or process-compose file, checked before it is read: a value of the
// wrong kind (`ports: "80:80"`, a `!!set`) is one problem with file:line:col, never a crash
// of the importer that meets it. Only what the importers read is checked; the rest is theirs
// to note as not carried over.
import type { Problem } from '../../errors.js';
import type { ParsedYaml } from '../../stack/yaml-doc.js';

type Kind = 'map' | 'list' | 'string' | 'scalar' | 'string|list' | 'list|map' | 'string|map' | 'any';
type Shape = Readonly<Record<string, Kind>>;

const COMPOSE: Shape = {
  image: 'string',
  command: 'string|list',
  entrypoint: 'string|list',
  ports: 'list',
  environment: 'list|map',
  env_file: 'string|list',
  depends_on: 'list|map',
  healthcheck: 'map',
  profiles: 'list',
  restart: 'string',
  working_dir: 'string',
  container_name: 'string',
  stop_grace_period: 'scalar',
  build: 'string|map',
};
const HEALTHCHECK: Shape = { test: 'string|list', interval: 'scalar', timeout: 'scalar', retries: 'scalar', start_period: 'scalar', disable: 'scalar' };
const PROCESS: Shape = {
  command: 'string',
  working_dir: 'string',
  environment: 'list',
  depends_on: 'map',
  readiness_probe: 'map',
  liveness_probe: 'map',
  availability: 'map',
  shutdown: 'map',
  description: 'string',
  ready_log_line: 'string',
};

const kindOf = (v: unknown): 'map' | 'list' | 'string' | 'scalar' | 'other' =>
  Array.isArray(v) ? 'list' : typeof v === 'string' ? 'string' : v === null || typeof v === 'number' || typeof v === 'boolean' ? 'scalar' : Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null ? 'map' : 'other';

function fits(v: unknown, want: Kind): boolean {
  if (want === 'any') return true;
  const k = kindOf(v);
  if (want === 'scalar') return k === 'scalar' || k === 'string';
  return want.split('|').includes(k);
}

const words: Record<Kind, string> = {
  map: 'a mapping',
  list: 'a list',
  string: 'a string',
  scalar: 'a plain value',
  'string|list': 'a string or a list',
  'list|map': 'a list or a mapping',
  'string|map': 'a string or a mapping',
  any: 'anything',
};
const shown = (v: unknown) => (kindOf(v) === 'other' ? `a ${(v as object).constructor?.name ?? 'tagged value'} (a YAML tag such as !!set?)` : kindOf(v) === 'string' ? `the string ${JSON.stringify(v)}` : kindOf(v) === 'map' ? 'a mapping' : kindOf(v) === 'list' ? 'a list' : `${String(v)}`);

/** Problems with the shape of the file as `kind` reads it. */
export function shapeProblems(doc: Record<string, unknown>, kind: 'compose' | 'process-compose', parsed: ParsedYaml, file: string): Problem[] {
  const problems: Problem[] = [];
  const at = (path: (string | number)[], message: string) => problems.push({ file, ...(parsed.positionOf(path) ?? { line: 1, col: 1 }), message: `${path.join('.')}: ${message}` });
  const top = kind === 'compose' ? 'services' : 'processes';
  const services = doc[top];
  if (services === undefined || services === null) return problems;
  if (kindOf(services) !== 'map') {
    at([top], `expected a mapping of ${kind === 'compose' ? 'services' : 'processes'}, got ${shown(services)}`);
    return problems;
  }
  for (const [name, s] of Object.entries(services as Record<string, unknown>)) {
    if (s === null) continue;
    if (kindOf(s) !== 'map') {
      at([top, name], `expected a mapping, got ${shown(s)}`);
      continue;
    }
    const shape = kind === 'compose' ? COMPOSE : PROCESS;
    for (const [key, want] of Object.entries(shape)) {
      const v = (s as Record<string, unknown>)[key];
      if (v === undefined || v === null) continue;
      if (!fits(v, want)) at([top, name, key], `expected ${words[want]}, got ${shown(v)}`);
      else if (Array.isArray(v))
        v.forEach((item, i) => {
          if (kindOf(item) === 'other' || (key !== 'ports' && key !== 'env_file' && kindOf(item) === 'list')) at([top, name, key, i], `unexpected ${shown(item)}`);
        });
    }
    const hc = (s as Record<string, unknown>).healthcheck;
    if (kind === 'compose' && hc && kindOf(hc) === 'map')
      for (const [key, want] of Object.entries(HEALTHCHECK)) {
        const v = (hc as Record<string, unknown>)[key];
        if (v !== undefined && v !== null && !fits(v, want)) at([top, name, 'healthcheck', key], `expected ${words[want]}, got ${shown(v)}`);
      }
  }
  return problems;
}
