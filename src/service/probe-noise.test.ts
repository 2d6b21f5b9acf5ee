import { describe, expect, it } from 'vitest';
import { probeNoise } from './probe-noise.js';

describe('probeNoise', () => {
  it('recognises request lines for the probe path, not other requests', () => {
    const noise = probeNoise('http://127.0.0.1:4000/nope')!;
    expect(noise('127.0.0.1 - - "GET /nope HTTP/1.1" 404 -')).toBe(true);
    expect(noise('GET /nope 404')).toBe(true);
    expect(noise('GET /nope?x=1 404')).toBe(true);
    expect(noise('GET /nopexyz 404')).toBe(false);
    expect(noise('Error: cannot bind')).toBe(false);
    expect(noise('agent devnet-probe asked')).toBe(true);
  });
  it('a root path matches only requests for the root', () => {
    const noise = probeNoise('http://127.0.0.1:4000/')!;
    expect(noise('GET / 200')).toBe(true);
    expect(noise('GET /api 200')).toBe(false);
  });
  it('no http probe, no filter', () => expect(probeNoise(undefined)).toBeUndefined());
});
