// Every error class of the core lives in src/errors.ts and crosses from a supervisor to the
// CLI (a request over the control socket) as what it was: the same class, message, hint and
// exit code, so a command fails alike wherever its work was done (--json kinds included).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import { ROOT } from '../helpers.js';

const { DevnetError, deserializeError, serializeError, revivableErrors } = errors;
const classes = Object.entries(errors).filter(([, v]) => typeof v === 'function' && (v === DevnetError || v.prototype instanceof DevnetError)) as [string, typeof DevnetError][];

describe('errors', () => {
  it('are all defined in src/errors.ts', () => {
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const elsewhere = walk(join(ROOT, 'src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('errors.ts'))
      .filter((f) => /class \w+ extends (DevnetError|\w+Error)\b/.test(readFileSync(f, 'utf8').replace(/class (TransitionError|InterpolationError) extends Error/g, '')))
      .map((f) => relative(ROOT, f));
    expect(elsewhere).toEqual([]);
  });

  it('each class can come back from a supervisor', () => {
    expect(classes.map(([n]) => n).sort()).toEqual(revivableErrors().sort());
  });

  it.each(classes)('%s round-trips with its class, message, hint and exit code', (name, Cls) => {
    const back = deserializeError({ name, message: 'what happened', hint: 'what to do', lines: ['what happened'], problems: [{ message: 'what happened' }] });
    expect(back).toBeInstanceOf(Cls);
    expect(back.name).toBe(name);
    expect((back as errors.DevnetError).hint).toBe('what to do');
    expect(back.message).toContain('what happened');
    expect(serializeError(back).name).toBe(name);
  });

  it("a service failure keeps its service, last lines and typed reason", () => {
    const e = new errors.ServiceFailedError('api', 'service api exited with code 1', ['boom'], { reason: 'exited with code 1', hint: 'its full log: x' });
    const back = deserializeError(serializeError(e)) as errors.ServiceFailedError;
    expect([back.service, back.logTail, back.reason, back.exitCode]).toEqual(['api', ['boom'], 'exited with code 1', errors.ExitCode.failed]);
  });
});
