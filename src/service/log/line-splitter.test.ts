import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('splits on newlines and keeps a partial line for the next chunk', () => {
    const s = new LineSplitter();
    expect(s.push('a\nb')).toEqual(['a']);
    expect(s.push('c\r\nd\n')).toEqual(['bc', 'd']);
    expect(s.end()).toEqual([]);
  });

  it('cuts a line without a newline at the cap instead of keeping it whole', () => {
    const s = new LineSplitter(4);
    expect(s.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(s.push('kl\nxyz')).toEqual(['ijkl']);
    expect(s.end()).toEqual(['xyz']);
  });

  it('cuts a long complete line into pieces', () => {
    expect(new LineSplitter(3).push('abcdefg\n')).toEqual(['abc', 'def', 'g']);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const s = new LineSplitter();
    const euro = Buffer.from('€\n');
    expect(s.push(euro.subarray(0, 1))).toEqual([]);
    expect(s.push(euro.subarray(1))).toEqual(['€']);
  });
});
