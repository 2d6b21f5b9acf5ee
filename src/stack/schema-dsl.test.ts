import { describe, expect, it } from 'vitest';
import { arr, didYouMean, editDistance, int, obj, str, union, validate } from './schema-dsl.js';

describe('schema validation', () => {
  const s = obj({ name: str(), port: int({ min: 1, max: 65535 }), mode: str({ enum: ['a', 'b'] }), list: arr(union([str(), obj({ path: str() }, { required: ['path'] })])) }, { required: ['name'] });

  it('shows the bad value and its type', () => {
    expect(validate(s, { name: 'x', port: '80' })).toEqual([{ path: ['port'], message: 'expected an integer, got `"80"` (string)' }]);
    expect(validate(s, { name: 'x', port: 70000 })[0]!.message).toBe('expected an integer in 1-65535, got `70000` (integer)');
    expect(validate(s, { name: 'x', mode: 'c' })[0]!.message).toContain('expected one of "a", "b"');
  });

  it('names unknown keys with the near miss, at the key', () => {
    expect(validate(s, { name: 'x', prot: 1 })).toEqual([{ path: ['prot'], atKey: true, message: 'unknown key "prot" (did you mean "port"?)', meant: 'port' }]);
  });

  it('reports inside the union option whose kind fits', () => {
    expect(validate(s, { name: 'x', list: ['a', { pth: 'b' }] }).map((i) => i.message)).toEqual(['unknown key "pth" (did you mean "path"?)', 'missing required key "path"']);
  });

  it('suggests only near misses', () => {
    expect(editDistance('comand', 'command')).toBe(1);
    expect(didYouMean('comand', ['command', 'cwd'])).toBe(' (did you mean "command"?)');
    expect(didYouMean('zzzzzz', ['command', 'cwd'])).toBe('');
  });
});
