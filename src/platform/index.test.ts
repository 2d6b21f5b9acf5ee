import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { choosePlatform } from './index.js';

describe('choosePlatform', () => {
  it('uses /proc on Linux unless told otherwise', () => {
    expect(choosePlatform(undefined).name).toBe(process.platform === 'linux' ? 'linux' : 'posix');
    expect(choosePlatform('posix').name).toBe('posix');
  });

  it('refuses an unknown backend as bad usage, quoting the value', () => {
    expect(() => choosePlatform('bsd')).toThrow(expect.objectContaining({ exitCode: ExitCode.usage, message: 'DEVNET_PLATFORM must be linux or posix, got `bsd`' }));
  });
});
