import { describe, expect, it } from 'vitest';
import { interpolate, references, shellQuote, type InterpolationContext } from './interpolate.js';

const ctx: InterpolationContext = {
  self: { host: '127.0.0.1', ports: { default: 8080 } },
  services: {
    node: { host: '127.0.0.1', ports: { default: 8080 } },
    api: { host: '::1', ports: { rpc: 9000, ws: 9001 } },
  },
  env: { HOME_DIR: '/home/x', EMPTY: '' },
  host: '127.0.0.1',
};

describe('interpolate', () => {
  it('resolves every kind of reference', () => {
    expect(interpolate('--port ${port} --host ${host}', ctx)).toBe('--port 8080 --host 127.0.0.1');
    expect(interpolate('${services.api.ports.ws} ${services.node.port} ${services.api.host}', ctx)).toBe('9001 8080 ::1');
    expect(interpolate('${env.HOME_DIR}/x ${env.NOPE:-fallback} ${env.EMPTY:-d}', ctx)).toBe('/home/x/x fallback d');
  });

  it('keeps $${ as a literal ${', () => {
    expect(interpolate('echo $${port}', ctx)).toBe('echo ${port}');
    expect(references('echo $${port} ${host}')).toEqual(['host']);
  });

  it('names the bad reference and the fix', () => {
    expect(() => interpolate('${services.nope.port}', ctx)).toThrow('unknown service "nope"');
    expect(() => interpolate('${services.api.ports.grpc}', ctx)).toThrow('has no port named "grpc" (it has rpc, ws)');
    expect(() => interpolate('${services.node.ports.rpc}', ctx)).toThrow('it has a single port: use port');
    expect(() => interpolate('${env.MISSING}', ctx)).toThrow('environment variable MISSING is not set');
    expect(() => interpolate('${portz}', ctx)).toThrow('unknown reference');
    expect(() => interpolate('${port}', { ...ctx, self: undefined })).toThrow('only a service can use its own port');
  });

  it('quotes values for a shell so they stay one word', () => {
    expect(shellQuote('abc-1.2')).toBe('abc-1.2');
    expect(shellQuote("a b; rm -rf /'")).toBe(`'a b; rm -rf /'\\'''`);
  });
});

describe('env references with the shell forms', () => {
  const ctx = { services: {}, env: { SET: 'v', EMPTY: '' }, host: '127.0.0.1' } as unknown as Parameters<typeof interpolate>[1];
  it(':- and - default, :+ and + replace, :? and ? fail with the message', () => {
    expect(interpolate('${env.SET:-d} ${env.EMPTY:-d} ${env.NONE:-d}', ctx)).toBe('v d d');
    expect(interpolate('[${env.EMPTY-d}] ${env.NONE-d}', ctx)).toBe('[] d');
    expect(interpolate('${env.SET:+on}|${env.EMPTY:+on}|${env.EMPTY+on}|${env.NONE+on}', ctx)).toBe('on||on|');
    expect(interpolate('${env.EMPTY?x}', ctx)).toBe('');
    expect(() => interpolate('${env.EMPTY:?EMPTY must be set}', ctx)).toThrow('EMPTY must be set');
    expect(() => interpolate('${env.NONE?}', ctx)).toThrow(/environment variable NONE is not set/);
    expect(interpolate('${env.discovery.type:-single}', ctx)).toBe('single');
  });
});
