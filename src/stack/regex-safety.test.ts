import { describe, expect, it } from 'vitest';
import { nestedQuantifier } from './regex-safety.js';

describe('nestedQuantifier', () => {
  it('finds a repeated group that repeats inside', () => {
    expect(nestedQuantifier('^(a+)+$')).toBe('(a+)+');
    expect(nestedQuantifier('(x*)*y')).toBe('(x*)*');
    expect(nestedQuantifier('((ab)+c)*')).toBe('((ab)+c)*');
    expect(nestedQuantifier('(\\d+\\.)+done')).toBe('(\\d+\\.)+');
    expect(nestedQuantifier('([a-z]+ )*ok')).toBe('([a-z]+ )*');
    expect(nestedQuantifier('(a{2,})+')).toBe('(a{2,})+');
  });
  it('lets the patterns people write for readiness through', () => {
    for (const p of ['listening on', 'ready in \\d+ms', '^Server started at (http|https)://\\S+$', 'block \\d+ sealed', '(ok|ready)+', '[(]a+[)]+', 'a+b+c*', '(foo)?bar+', 'Local:\\s+http://'])
      expect(nestedQuantifier(p), p).toBeUndefined();
  });
});
