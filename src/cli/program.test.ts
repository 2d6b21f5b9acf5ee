import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, buildProgram } from './program.js';

describe('buildProgram', () => {
  it('lists in COMMAND_NAMES every command it defines, in its order', () => {
    expect(buildProgram('x').commands.map((c) => c.name())).toEqual(COMMAND_NAMES);
  });

  it('built for one command, defines that command alone, with the flags and help of the full build', () => {
    const full = buildProgram('x');
    for (const name of COMMAND_NAMES) {
      const one = buildProgram('x', name);
      expect(one.commands.map((c) => c.name())).toEqual([name]);
      const [a, b] = [one.commands[0]!, full.commands.find((c) => c.name() === name)!];
      expect(a.options.map((o) => o.flags)).toEqual(b.options.map((o) => o.flags));
      expect(a.aliases()).toEqual(b.aliases());
      expect(a.helpInformation()).toBe(b.helpInformation());
    }
  });
});
