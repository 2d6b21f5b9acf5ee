import { describe, expect, it } from 'vitest';
import { wantsDetachedUp } from './fork.js';

describe('the early fork of up -d', () => {
  it('is for up with -d or --detach, combined short flags too', () => {
    expect(wantsDetachedUp(['up', '-d'])).toBe(true);
    expect(wantsDetachedUp(['up', '--stack', 'x.yaml', '--detach'])).toBe(true);
    expect(wantsDetachedUp(['up', '-ds', 'x.yaml'])).toBe(true);
  });
  it('is not for a foreground up, another command, --help, or a -d after --', () => {
    expect(wantsDetachedUp(['up'])).toBe(false);
    expect(wantsDetachedUp(['down', '-d'])).toBe(false);
    expect(wantsDetachedUp(['up', '-d', '--help'])).toBe(false);
    expect(wantsDetachedUp(['up', '--', '-d'])).toBe(false);
  });
});
