import { describe, expect, it } from 'vitest';
import { quickHash } from './quick-hash.js';

describe('quickHash', () => {
  it('is 16 hex digits, the same for the same text, and tells near texts apart', () => {
    const a = quickHash('name: demo\nservices:\n  api: { port: 8080 }\n');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(quickHash('name: demo\nservices:\n  api: { port: 8080 }\n')).toBe(a);
    expect(quickHash('name: demo\nservices:\n  api: { port: 8081 }\n')).not.toBe(a);
    expect(quickHash('')).not.toBe(quickHash(' '));
    // a path and an offset, as the run index names its entries
    expect(quickHash('/a/devnet.yaml\u00000')).not.toBe(quickHash('/a/devnet.yaml\u00001'));
  });

  it('has no collision over 100,000 near-identical texts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(quickHash(`port: ${i}\n`));
    expect(seen.size).toBe(100_000);
  });
});
