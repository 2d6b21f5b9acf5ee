import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { throttleLogs } from './log-throttle.js';

describe('log throttle', () => {
  it('passes ten lines a second per service, and every other event', () => {
    let t = 0;
    const out: RunEvent[] = [];
    const emit = throttleLogs((e) => out.push(e), () => t);
    const line = (service: string): RunEvent => ({ kind: 'service:log', service, stream: 'out', line: 'x' });
    emit(line('a'));
    emit(line('a'));
    emit(line('b'));
    emit({ kind: 'service:healthy', service: 'a' });
    t = 100;
    emit(line('a'));
    expect(out.map((e) => `${e.kind}:${'service' in e ? e.service : ''}`)).toEqual(['service:log:a', 'service:log:b', 'service:healthy:a', 'service:log:a']);
  });
});
