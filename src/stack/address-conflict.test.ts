import { describe, expect, it } from 'vitest';
import { conflicts } from './address-conflict.js';

const on = (address: string) => ({ address });

describe('a listener in the way of a bind, per address', () => {
  it('a replica on its own loopback address is blocked by its address or a wildcard only', () => {
    expect(conflicts(on('127.0.0.3'), '127.0.0.3')).toBe(true);
    expect(conflicts(on('0.0.0.0'), '127.0.0.3')).toBe(true);
    expect(conflicts(on('::'), '127.0.0.3')).toBe(true);
    expect(conflicts(on('127.0.0.2'), '127.0.0.3')).toBe(false);
    expect(conflicts(on('::1'), '127.0.0.3')).toBe(false);
  });
  it('127.0.0.1 and ::1 are both "localhost"', () => {
    expect(conflicts(on('::1'), '127.0.0.1')).toBe(true);
    expect(conflicts(on('127.0.0.1'), '::1')).toBe(true);
  });
  it('a wildcard bind is blocked by any listener of its family', () => {
    expect(conflicts(on('127.0.0.5'), '0.0.0.0')).toBe(true);
    expect(conflicts(on('::1'), '0.0.0.0')).toBe(false);
    expect(conflicts(on('::1'), '::')).toBe(true);
    expect(conflicts(on('::ffff:127.0.0.4'), '127.0.0.4')).toBe(true);
  });
});
