import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { choosePlatform, platform, usePlatform, withPlatform } from './index.js';

describe('choosePlatform', () => {
  it('uses /proc on Linux unless told otherwise', () => {
    expect(choosePlatform(undefined).name).toBe(process.platform === 'linux' ? 'linux' : 'posix');
    expect(choosePlatform('posix').name).toBe('posix');
  });

  it('refuses an unknown backend as bad usage, quoting the value', () => {
    expect(() => choosePlatform('bsd')).toThrow(expect.objectContaining({ exitCode: ExitCode.usage, message: 'DEVNET_PLATFORM must be linux or posix, got `bsd`' }));
  });
});

describe('withPlatform', () => {
  it('reads with the backend named, then returns to the one before, even when the read throws', () => {
    usePlatform(choosePlatform('linux'));
    try {
      expect(withPlatform('posix', () => platform().name)).toBe('posix');
      expect(platform().name).toBe('linux');
      expect(() =>
        withPlatform('posix', () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(platform().name).toBe('linux');
      expect(withPlatform(undefined, () => platform().name)).toBe('linux');
    } finally {
      usePlatform(undefined);
    }
  });
});
