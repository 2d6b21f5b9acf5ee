// A small schema language: one definition yields both the validator devnet runs
// and the JSON Schema editors use, so the two cannot disagree.
import { own } from './own.js';

export type Schema =
  | { kind: 'string'; description?: string; enum?: readonly string[]; pattern?: string; patternHint?: string }
  | { kind: 'integer'; description?: string; min?: number; max?: number }
  | { kind: 'boolean'; description?: string }
  | { kind: 'array'; description?: string; items: Schema; minItems?: number }
  | { kind: 'object'; description?: string; props: Record<string, Schema>; required?: readonly string[]; extensions?: boolean }
  | { kind: 'record'; description?: string; values: Schema; keyPattern?: string }
  | { kind: 'union'; description?: string; options: readonly Schema[] };

type Desc = { description?: string };
export const str = (o: Omit<Extract<Schema, { kind: 'string' }>, 'kind'> = {}): Schema => ({ kind: 'string', ...o });
export const int = (o: Omit<Extract<Schema, { kind: 'integer' }>, 'kind'> = {}): Schema => ({ kind: 'integer', ...o });
export const bool = (o: Desc = {}): Schema => ({ kind: 'boolean', ...o });
export const arr = (items: Schema, o: Desc & { minItems?: number } = {}): Schema => ({ kind: 'array', items, ...o });
export const obj = (props: Record<string, Schema>, o: Desc & { required?: readonly string[]; extensions?: boolean } = {}): Schema => ({ kind: 'object', props, ...o });

/** Keys starting with x- are free for the user (YAML anchors), as in docker compose files. */
export const EXTENSION_KEY = /^x-/;
export const record = (values: Schema, o: Desc & { keyPattern?: string } = {}): Schema => ({ kind: 'record', values, ...o });
export const union = (options: readonly Schema[], o: Desc = {}): Schema => ({ kind: 'union', options, ...o });

export type PathSegment = string | number;
export interface SchemaIssue {
  path: PathSegment[];
  message: string;
  /** points at the key rather than its value (unknown keys) */
  atKey?: boolean;
  /** an unknown key's nearest known one, where one is near: the key it likely misspells */
  meant?: string;
}

export function toJsonSchema(s: Schema): Record<string, unknown> {
  const d = s.description ? { description: s.description } : {};
  switch (s.kind) {
    case 'string':
      return { type: 'string', ...d, ...(s.enum ? { enum: [...s.enum] } : {}), ...(s.pattern ? { pattern: s.pattern } : {}) };
    case 'integer':
      return { type: 'integer', ...d, ...(s.min !== undefined ? { minimum: s.min } : {}), ...(s.max !== undefined ? { maximum: s.max } : {}) };
    case 'boolean':
      return { type: 'boolean', ...d };
    case 'array':
      return { type: 'array', ...d, items: toJsonSchema(s.items), ...(s.minItems ? { minItems: s.minItems } : {}) };
    case 'object':
      return {
        type: 'object',
        ...d,
        properties: Object.fromEntries(Object.entries(s.props).map(([k, v]) => [k, toJsonSchema(v)])),
        ...(s.required?.length ? { required: [...s.required] } : {}),
        ...(s.extensions ? { patternProperties: { [EXTENSION_KEY.source]: {} } } : {}),
        additionalProperties: false,
      };
    case 'record':
      return {
        type: 'object',
        ...d,
        ...(s.keyPattern ? { propertyNames: { pattern: s.keyPattern } } : {}),
        additionalProperties: toJsonSchema(s.values),
      };
    case 'union':
      return { ...d, anyOf: s.options.map(toJsonSchema) };
  }
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return '`null`';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `\`${JSON.stringify(v)}\` (${Number.isInteger(v) ? 'integer' : typeof v})`;
}

function expected(s: Schema): string {
  switch (s.kind) {
    case 'string':
      return s.enum ? `one of ${s.enum.map((e) => `"${e}"`).join(', ')}` : 'a string';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'union':
      return [...new Set(s.options.map(expected))].join(' or ');
  }
}

function matchesKind(s: Schema, v: unknown): boolean {
  switch (s.kind) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
    case 'record':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'union':
      return s.options.some((o) => matchesKind(o, v));
  }
}

export function validate(s: Schema, v: unknown, path: PathSegment[] = []): SchemaIssue[] {
  if (!matchesKind(s, v)) return [{ path, message: `expected ${expected(s)}, got ${describeValue(v)}` }];
  switch (s.kind) {
    case 'string': {
      const val = v as string;
      if (s.enum && !s.enum.includes(val)) return [{ path, message: `expected ${expected(s)}, got ${describeValue(v)}${didYouMean(val, s.enum)}` }];
      if (s.pattern && !new RegExp(s.pattern, 'u').test(val))
        return [{ path, message: `expected ${s.patternHint ?? `a string matching /${s.pattern}/`}, got ${describeValue(v)}` }];
      return [];
    }
    case 'integer': {
      const n = v as number;
      if (!Number.isInteger(n)) return [{ path, message: `expected an integer, got ${describeValue(v)}` }];
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max))
        return [{ path, message: `expected an integer in ${s.min ?? '-inf'}-${s.max ?? 'inf'}, got ${describeValue(v)}` }];
      return [];
    }
    case 'boolean':
      return [];
    case 'array': {
      const list = v as unknown[];
      if (s.minItems && list.length < s.minItems) return [{ path, message: `expected a list of at least ${s.minItems} item${s.minItems > 1 ? 's' : ''}, got an empty list` }];
      return list.flatMap((item, i) => validate(s.items, item, [...path, i]));
    }
    case 'object': {
      const o = v as Record<string, unknown>;
      const issues: SchemaIssue[] = [];
      const known = Object.keys(s.props);
      for (const [k, val] of Object.entries(o)) {
        const p = own(s.props, k);
        if (!p && s.extensions && EXTENSION_KEY.test(k)) continue;
        if (!p) {
          const meant = nearest(k, known);
          issues.push({ path: [...path, k], atKey: true, message: `unknown key "${k}"${suggestion(meant)}`, ...(meant ? { meant } : {}) });
        }
        else issues.push(...validate(p, val, [...path, k]));
      }
      for (const r of s.required ?? []) if (!Object.hasOwn(o, r)) issues.push({ path, message: `missing required key "${r}"` });
      return issues;
    }
    case 'record': {
      const issues: SchemaIssue[] = [];
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        if (s.keyPattern && !new RegExp(s.keyPattern, 'u').test(k))
          issues.push({ path: [...path, k], atKey: true, message: `invalid name "${k}": use letters, digits, "-", "_" or "."` });
        issues.push(...validate(s.values, val, [...path, k]));
      }
      return issues;
    }
    case 'union': {
      // Report against the one option whose kind fits, so a mistyped key inside a
      // mapping is named instead of a vague "expected a string or a mapping".
      const fitting = s.options.filter((o) => matchesKind(o, v));
      let best: SchemaIssue[] | undefined;
      for (const o of fitting) {
        const issues = validate(o, v, path);
        if (issues.length === 0) return [];
        if (!best || issues.length < best.length) best = issues;
      }
      return best ?? [];
    }
  }
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** ` (did you mean "command"?)` for the nearest candidate within a small distance, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  return suggestion(nearest(word, candidates));
}

const suggestion = (best: string | undefined): string => (best === undefined ? '' : ` (did you mean "${best}"?)`);

/** The candidate nearest to `word`, if it is within a small distance (a misspelling of it). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
