// docs/stack-file.md: every key of a stack file, generated from the one schema definition the
// validator and the JSON Schema come from, so the reference cannot drift from what devnet reads.
import { stackSchema } from './schema.js';
import type { Schema } from './schema-dsl.js';

type ObjSchema = Extract<Schema, { kind: 'object' }>;

/** What a value may be, in a few words: "string", "integer 1-250", "one of: no, always", "list of string". */
export function typeOf(s: Schema): string {
  switch (s.kind) {
    case 'string':
      return s.enum ? `one of: ${s.enum.map((e) => `\`${e}\``).join(', ')}` : s.patternHint ? `string (${s.patternHint})` : 'string';
    case 'integer':
      return s.min !== undefined && s.max !== undefined ? `integer ${s.min}-${s.max}` : s.min !== undefined ? `integer >= ${s.min}` : 'integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return s.items.kind === 'union' ? `list of (${typeOf(s.items)})` : `list of ${typeOf(s.items)}`;
    case 'object':
      return 'mapping (below)';
    case 'record':
      return `mapping of NAME to ${s.values.kind === 'object' ? 'a mapping (below)' : typeOf(s.values)}`;
    case 'union':
      return s.options.map(typeOf).join(', or ');
  }
}

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The mappings inside a schema, with the path a reader writes them at. */
function nested(s: Schema, path: string): { path: string; schema: ObjSchema }[] {
  if (s.kind === 'object') return [{ path, schema: s }];
  if (s.kind === 'record') return nested(s.values, `${path}.NAME`);
  if (s.kind === 'array') return nested(s.items, path);
  if (s.kind === 'union') return s.options.flatMap((o) => nested(o, path));
  return [];
}

function section(path: string, s: ObjSchema, out: string[]): void {
  out.push(`## \`${path}\``, '');
  if (s.description) out.push(`${s.description[0]!.toUpperCase()}${s.description.slice(1)}.`, '');
  out.push('| key | value | what it does |', '| --- | --- | --- |');
  const later: { path: string; schema: ObjSchema }[] = [];
  for (const [key, v] of Object.entries(s.props)) {
    const required = s.required?.includes(key) ? ' (required)' : '';
    out.push(`| \`${key}\`${required} | ${cell(typeOf(v))} | ${cell(v.description)} |`);
    later.push(...nested(v, `${path === 'stack' ? '' : `${path}.`}${key}`));
  }
  out.push('');
  for (const n of later) section(n.path, n.schema, out);
}

/** Every key path the reference documents ("services.NAME.ready.http"), for the test that none is missing. */
export function documentedKeys(s: Schema = stackSchema, path = ''): string[] {
  if (s.kind === 'object') return Object.entries(s.props).flatMap(([k, v]) => [`${path}${k}`, ...documentedKeys(v, `${path}${k}.`)]);
  if (s.kind === 'record') return documentedKeys(s.values, `${path}NAME.`);
  if (s.kind === 'array') return documentedKeys(s.items, path);
  if (s.kind === 'union') return [...new Set(s.options.flatMap((o) => documentedKeys(o, path)))];
  return [];
}

export function stackReference(): string {
  const out = [
    '# Stack file reference',
    '',
    '<!-- generated from src/stack/schema.ts by the build: edit the schema, not this file -->',
    '',
    'A stack file is YAML (`devnet.yaml`); editors complete and check it with `schema/stack.schema.json`,',
    'made from the same definition. Interpolation (`${port}`, `${services.S.port}`, `${env.VAR}`, ...) is',
    'described in [interpolation](stack-files.md#interpolation). Durations are seconds (a number) or',
    '`500ms`, `30s`, `2m`, at most about a day.',
    '',
  ];
  section('stack', stackSchema as ObjSchema, out);
  return `${out.join('\n').trimEnd()}\n`;
}
