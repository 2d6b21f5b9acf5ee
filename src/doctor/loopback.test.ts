import { describe, expect, it } from 'vitest';
import type { Stack } from '../stack/model.js';
import { loopbackCheck } from './loopback.js';

const stack = {
  services: {
    'raft-1': { host: '127.0.0.1', replica: { of: 'raft', index: 1, count: 3 } },
    'raft-2': { host: '127.0.0.2', replica: { of: 'raft', index: 2, count: 3 } },
    'raft-3': { host: '127.0.0.10', replica: { of: 'raft', index: 3, count: 3 } },
    api: { host: '127.0.0.1' },
  },
} as unknown as Stack;

describe('loopback addresses of replicas', () => {
  it('need nothing on Linux', () => expect(loopbackCheck(stack, Object.keys(stack.services), 'linux')).toMatchObject({ level: 'ok', message: expect.stringContaining('127.0.0.2 to 127.0.0.10') }));
  it('print the lo0 alias lines on macOS', () => {
    const c = loopbackCheck(stack, Object.keys(stack.services), 'darwin')!;
    expect(c.level).toBe('warn');
    expect(c.message).toContain('sudo ifconfig lo0 alias 127.0.0.2 up\n  sudo ifconfig lo0 alias 127.0.0.10 up');
  });
  it('say nothing without replicas on other addresses', () => expect(loopbackCheck(stack, ['api', 'raft-1'], 'darwin')).toBeUndefined());
});
