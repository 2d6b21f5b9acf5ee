import { describe, expect, it } from 'vitest';
import { hasInterpolation, resolveUnset, toDevnet } from './compose-interpolation.js';

describe('compose interpolation', () => {
  it('becomes devnet references with the same operator where devnet interpolates at run time', () => {
    const notes: string[] = [];
    const t = (s: string) => toDevnet(s, (n) => notes.push(n));
    expect(t('${VAR}')).toBe('${env.VAR:-}');
    expect(t('$VAR/bin')).toBe('${env.VAR:-}/bin');
    expect(t('${CHAIN_ID:-32382}')).toBe('${env.CHAIN_ID:-32382}');
    expect(t('${A-x} ${B:?must be set} ${C?set it} ${D:+on} ${E+on}')).toBe('${env.A-x} ${env.B:?must be set} ${env.C?set it} ${env.D:+on} ${env.E+on}');
    expect(t('costs $$5 and $${literal}')).toBe('costs $5 and $${literal}');
    expect(t('a $ alone, $1 and ${not valid}')).toBe('a $ alone, $1 and ${not valid}');
    expect(t('${A:-${B:-c}}')).toBe('${env.A:-B:-c}');
    expect(notes).toHaveLength(1);
  });

  it('resolves as compose does with every variable unset where a value is needed now', () => {
    expect(resolveUnset('${PORT:-8080}:80')).toBe('8080:80');
    expect(resolveUnset('${RESTART_POLICY:-unless-stopped}')).toBe('unless-stopped');
    expect(resolveUnset('${A-x}${B}${C:+y}')).toBe('x');
    expect(resolveUnset('${A:-${B:-nested}}')).toBe('nested');
    expect(resolveUnset('${IMAGE:?set IMAGE}')).toBeUndefined();
    expect(resolveUnset('$$HOME')).toBe('$HOME');
    expect([hasInterpolation('plain'), hasInterpolation('$$x'), hasInterpolation('${X}'), hasInterpolation('$X')]).toEqual([false, false, true, true]);
  });
});
