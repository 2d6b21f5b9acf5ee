import { describe, expect, it } from 'vitest';
import { earlyDownFlags } from './early-down.js';

describe('earlyDownFlags', () => {
  it('takes the plain forms of down, as the CLI reads them', () => {
    expect(earlyDownFlags(['down'])).toEqual({ portOffset: 0, json: false });
    expect(earlyDownFlags(['down', '--stack', 'a.yaml', '--port-offset', '100', '-t', '5', '--json'])).toEqual({ stack: 'a.yaml', portOffset: 100, timeout: 5, json: true });
    expect(earlyDownFlags(['down', '-s', 'aitbc', '--port-offset=-10', '--timeout=0'])).toEqual({ stack: 'aitbc', portOffset: -10, timeout: 0, json: false });
    expect(earlyDownFlags(['down', '--stack=dir/dev.yaml'])).toEqual({ stack: 'dir/dev.yaml', portOffset: 0, json: false });
  });

  it('leaves every other form to the CLI (its errors, its help, what down does besides stopping)', () => {
    for (const args of [
      ['up'],
      ['down', '--volumes'],
      ['down', '-v'],
      ['down', '--help'],
      ['down', 'extra'],
      ['down', '--'],
      ['down', '--stack'],
      ['down', '--stack', ''],
      ['down', '--stack', '--json'],
      ['down', '-sa.yaml'],
      ['down', '-s', 'a.yaml', '--stack', 'b.yaml'],
      ['down', '--json', '--json'],
      ['down', '--json=1'],
      ['down', '--timeout', '-1'],
      ['down', '--timeout', '1.5'],
      ['down', '--port-offset', 'x'],
      ['down', '--port-offset', '-65536'],
      ['down', '--port-offset', '1e3'],
    ])
      expect(earlyDownFlags(args), args.join(' ')).toBeUndefined();
  });
});
