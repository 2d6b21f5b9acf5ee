import { describe, expect, it } from 'vitest';
import { LogFilter, requiredLiteral } from './log-filter.js';
import { formatLogLine, parseLogLine } from './log-file.js';

const at = (i: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, i));
const lines = ['block 1 sealed', 'GET /health 200', 'block 22 sealed by alice', 'Block 3 SEALED', 'peer joined', 'out of blocks', 'sealed'];
const text = lines.map((l, i) => formatLogLine(at(i), i % 2 ? 'err' : 'out', l)).join('').slice(0, -1);

/** What a filter keeps of `text`, by the chunk path (candidates, then keep). */
const kept = (f: LogFilter) => f.candidates(text).flatMap((raw) => {
  const p = parseLogLine(raw);
  return p && f.keep(p) ? [p.line] : [];
});
/** The same, one line at a time: the meaning the chunk scan must keep. */
const oneByOne = (f: LogFilter) => lines.filter((l, i) => f.keep({ at: at(i).toISOString(), line: l }));

describe('log filter', () => {
  it('keeps the lines whose own text matches, never the time or stream before it', () => {
    expect(kept(new LogFilter({ grep: 'block \\d+ sealed' }))).toEqual(['block 1 sealed', 'block 22 sealed by alice']);
    // "out" and "err" are devnet's words on each line, not the service's
    expect(kept(new LogFilter({ grep: 'err' }))).toEqual([]);
    expect(kept(new LogFilter({ grep: 'out' }))).toEqual(['out of blocks']);
  });

  it('matches as one line at a time would, for anchors, lookbehind, case and inversion', () => {
    for (const spec of [{ grep: '^sealed$' }, { grep: '^block' }, { grep: 'sealed$' }, { grep: '(?<!\\S)peer' }, { grep: 'sealed', ignoreCase: true }, { grep: 'block', invert: true }, { grep: '[^a-z ]' }, { grep: 's\\s*$' }])
      expect(kept(new LogFilter(spec)), JSON.stringify(spec)).toEqual(oneByOne(new LogFilter(spec)));
  });

  it('a pattern that can span lines still tests each line alone', () => {
    expect(kept(new LogFilter({ grep: 'sealed\\s+\\S+' }))).toEqual(['block 22 sealed by alice']);
  });

  it('finds the literal every match holds, and gives up where it cannot be sure', () => {
    expect(requiredLiteral('ERROR [0-9]+ block')).toBe('ERROR ');
    expect(requiredLiteral('block \\d+ sealed by')).toBe(' sealed by');
    expect(requiredLiteral('colou?r')).toBe('colo');
    expect(requiredLiteral('ab*c')).toBe('a');
    expect(requiredLiteral('a+bcd')).toBe('bcd');
    expect(requiredLiteral('x(yes|no)?zz')).toBe('zz');
    expect(requiredLiteral('\\.json\\b')).toBe('.json');
    for (const p of ['a|b', '\\x41BC', '\\u0041', '\\p{L}', '(\\w)\\1']) expect(requiredLiteral(p), p).toBeUndefined();
  });

  it('the byte search keeps exactly what the text scan keeps', () => {
    const buf = Buffer.from(`${text}\n`);
    for (const grep of ['block \\d+ sealed', 'sealed', 'peer', 'out', 'xyz', 'Block', 'ed\\b']) {
      const f = new LogFilter({ grep });
      const viaBytes = f.candidatesIn(buf, 0, buf.length - 1).flatMap((raw) => {
        const p = parseLogLine(raw);
        return p && f.keep(p) ? [p.line] : [];
      });
      expect(viaBytes, grep).toEqual(oneByOne(f));
    }
  });

  it('keeps a time window: since and until, both ends included', () => {
    const f = new LogFilter({ since: at(2).toISOString(), until: at(4).toISOString() });
    expect(kept(f)).toEqual(['block 22 sealed by alice', 'Block 3 SEALED', 'peer joined']);
  });
});
