import { describe, expect, it } from 'vitest';
import { firstShellProgram } from './shell-program.js';

describe('firstShellProgram', () => {
  it('finds the program a simple line runs', () => {
    expect(firstShellProgram('node server.js')).toBe('node');
    expect(firstShellProgram('exec python3 -m http.server')).toBe('python3');
    expect(firstShellProgram('PORT=1 DEBUG=x node x.js')).toBe('node');
  });

  it('does not guess past a builtin, a keyword or shell syntax', () => {
    for (const line of ['cd api && exec python3 -m app', 'export A=1; node x', 'while true; do sleep 1; done', '(sleep 1 &)', 'echo hi | cat', '$CMD --flag', '"unterminated'])
      expect(firstShellProgram(line), line).toBeUndefined();
  });
});
