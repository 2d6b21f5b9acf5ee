// The published JSON Schema and devnet's validator come from one definition; these tests
// prove they agree, on every shipped stack and on a corpus of broken ones.
import { Ajv } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { stackJsonSchema } from '../../src/stack/json-schema.js';
import { stackSchema } from '../../src/stack/schema.js';
import { validate } from '../../src/stack/schema-dsl.js';
import { ROOT } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const check = ajv.compile(JSON.parse(stackJsonSchema()));
const agree = (doc: unknown) => expect(check(doc)).toBe(validate(stackSchema, doc).length === 0);

const broken: unknown[] = [
  {},
  { name: 'x' },
  { name: 'x', services: [] },
  { name: 'bad name', services: {} },
  { name: 'x', services: { a: { comand: 'x' } } },
  { name: 'x', services: { a: { command: 'x', port: 0 } } },
  { name: 'x', services: { a: { command: 'x', port: 65536 } } },
  { name: 'x', services: { a: { command: 'x', port: 80.5 } } },
  { name: 'x', services: { a: { command: [] } } },
  { name: 'x', services: { a: { command: 'x', ports: { 'bad name': 1 } } } },
  { name: 'x', services: { a: { command: 'x', depends_on: { b: { condition: 'healthy' } } } } },
  { name: 'x', services: { a: { command: 'x', depends_on: 'b' } } },
  { name: 'x', services: { a: { command: 'x', ready: { http: 1 } } } },
  { name: 'x', services: { a: { command: 'x', ready: { timeout: '10 minutes' } } } },
  { name: 'x', services: { a: { command: 'x', status: 'retired' } } },
  { name: 'x', services: { a: { command: 'x', env: { '1A': 'x' } } } },
  { name: 'x', services: { a: { command: 'x', env: { A: null } } } },
  { name: 'x', services: {}, env_file: [{ optional: true }] },
  { name: 'x', services: {}, ranges: [{ name: 'r', ports: '1..2' }] },
  { name: 'x', services: {}, groups: [{ ports: '1-2' }] },
  { name: 'x', services: { a: { command: 'x', exposure: 'open' } } },
];

const valid: unknown[] = [
  { name: 'x', services: {} },
  { name: 'x', env_file: ['.env', { path: '.env.local', optional: true }], services: { a: { command: ['node', 'a.js'], ports: { rpc: 1, ws: 2 }, depends_on: { b: { condition: 'completed' } }, ready: { log: 'up', timeout: '1.5s' } } } },
  { name: 'x', services: { a: { command: 'x', port: 1, ready: { tcp: true, timeout: 3, interval: '50ms' }, env: { A: 1, B: true, C: 's', 'discovery.type': 'single-node', 'A-B': 'x' } } }, ranges: [{ name: 'r', ports: 30000 }] },
];

describe('the JSON Schema', () => {
  it('is the committed schema/stack.schema.json, generated from the validator definition', () => {
    expect(readFileSync(join(ROOT, 'schema', 'stack.schema.json'), 'utf8')).toBe(stackJsonSchema());
  });

  it('accepts every shipped stack, as the validator does', () => {
    const dir = join(ROOT, 'stacks');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const doc = parse(readFileSync(join(dir, f), 'utf8'));
      expect(validate(stackSchema, doc)).toEqual([]);
      expect(check(doc), `${f}: ${ajv.errorsText(check.errors)}`).toBe(true);
    }
  });

  it.each(broken.map((d) => [JSON.stringify(d), d]))('agrees with the validator on %s', (_s, doc) => {
    expect(validate(stackSchema, doc).length).toBeGreaterThan(0);
    agree(doc);
  });

  it.each(valid.map((d) => [JSON.stringify(d), d]))('agrees with the validator on valid %s', (_s, doc) => {
    expect(validate(stackSchema, doc)).toEqual([]);
    agree(doc);
  });
});
