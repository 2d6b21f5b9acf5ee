import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellLine } from './shell-line.js';

const dir = mkdtempSync(join(tmpdir(), 'devnet-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostile = ['$(touch pwned)', '`touch pwned`', "'; touch pwned; '", '"; touch pwned; "', 'a  b\tc', '*', 'back\\slash', '$HOME', "it's"];
// each template prints the value once, between brackets, in one quoting context
const contexts: Record<string, string> = {
  bare: 'printf "[%s]" ${env.X}',
  double: 'printf "[%s]" "${env.X}"',
  'double with text': 'printf "%s" "[${env.X}]"',
  single: "printf '%s' '[${env.X}]'",
  backticks: 'v=`printf %s ${env.X}`; printf "[%s]" "$v"',
  'backticks in double quotes': 'printf "[%s]" "`printf %s ${env.X}`"',
  'dollar-paren in double quotes': 'printf "[%s]" "$(printf %s ${env.X})"',
  'dollar-paren bare': 'v=$(printf %s ${env.X}); printf "[%s]" "$v"',
};

const sh = (line: string, env: Record<string, string> = {}) => execFileSync('/bin/sh', ['-c', line], { cwd: dir, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

describe('interpolation into a shell line', () => {
  for (const [name, template] of Object.entries(contexts)) {
    it(`passes every value through literally, ${name}`, () => {
      for (const value of hostile) {
        const r = shellLine(template, { services: {}, env: { X: value }, host: '127.0.0.1' });
        expect(sh(r.line, r.env), `${template} with ${JSON.stringify(value)}`).toBe(`[${value}]`);
        expect(sh(r.display), `display of ${template} with ${JSON.stringify(value)}`).toBe(`[${value}]`);
        expect(existsSync(join(dir, 'pwned'))).toBe(false);
      }
    });
  }

  it('keeps $${ as a literal ${ for the shell', () => {
    const r = shellLine('X=1; echo "$${X}"', { services: {}, env: {}, host: '127.0.0.1' });
    expect(sh(r.line, r.env).trim()).toBe('1');
  });
});
