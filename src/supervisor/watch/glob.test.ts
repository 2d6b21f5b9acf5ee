import { describe, expect, it } from 'vitest';
import { globBase, globToRegExp } from './glob.js';

describe('watch globs', () => {
  it('watches the literal base of a glob', () => {
    expect(globBase('src/**/*.ts')).toBe('src');
    expect(globBase('*.json')).toBe('.');
    expect(globBase('config/app.yaml')).toBe('config/app.yaml');
  });
  it('matches * within a directory and ** across them', () => {
    const ts = globToRegExp('src/**/*.ts');
    expect(ts.test('src/a.ts')).toBe(true);
    expect(ts.test('src/x/y/a.ts')).toBe(true);
    expect(ts.test('src/a.tsx')).toBe(false);
    expect(ts.test('lib/a.ts')).toBe(false);
    const one = globToRegExp('src/*.ts');
    expect(one.test('src/x/a.ts')).toBe(false);
  });
  it('braces, classes and ?', () => {
    const re = globToRegExp('config/*.{json,yaml}');
    expect(re.test('config/a.json')).toBe(true);
    expect(re.test('config/a.yml')).toBe(false);
    expect(globToRegExp('log[0-9].txt').test('log3.txt')).toBe(true);
    expect(globToRegExp('a?.txt').test('ab.txt')).toBe(true);
    expect(globToRegExp('a.txt').test('abtxt')).toBe(false);
  });
});
