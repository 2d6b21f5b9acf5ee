import { describe, expect, it } from 'vitest';
import { BACKLOG_LIMIT, escapeControl, serviceOutput } from './terminal-output.js';

describe('escapeControl', () => {
  it('shows control characters escaped and keeps colour only where colour is on', () => {
    const text = 'a\x1b]0;title\x07 \x1b[2J \x1b[31mred\x1b[39m \r\x85\tb\n';
    expect(escapeControl(text, true)).toBe('a\\e]0;title\\x07 \\e[2J \x1b[31mred\x1b[39m \\r\\x85\tb\n');
    expect(escapeControl(text, false)).toBe('a\\e]0;title\\x07 \\e[2J red \\r\\x85\tb\n');
  });
});

describe('serviceOutput', () => {
  it('drops lines while the terminal is behind and says how many once it caught up', () => {
    const out: string[] = [];
    let backlog = 0;
    const write = serviceOutput((s) => out.push(s), () => backlog);
    write('1\n');
    backlog = BACKLOG_LIMIT + 1;
    write('2\n');
    write('3\n');
    backlog = 0;
    write('4\n');
    expect(out).toEqual(['1\n', '… 2 lines of service output not shown: the terminal was too slow (devnet logs has them)\n', '4\n']);
  });
});
