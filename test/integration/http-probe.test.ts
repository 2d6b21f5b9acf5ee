// The HTTP probe on real sockets: it connects first (a refused port costs a tenth of a
// request), then asks over that connection.
import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import { httpProbe } from '../../src/service/probes/http.js';
import type { ProbeTarget } from '../../src/service/probes/types.js';
import { ROOT, freePort } from '../helpers.js';

const target = (url: string, timeoutMs = 1000): ProbeTarget => ({ kind: 'http', host: '127.0.0.1', url, owned: false, pid: 0, pgid: 0, timeoutMs });
const never = new AbortController().signal;

async function serving(host: string, handler: Parameters<typeof createServer>[1]): Promise<{ port: number; seen: string[]; server: Server } & AsyncDisposable> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.host}`);
    handler!(req, res);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, host, r));
  return { port, seen, server, [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the http probe', () => {
  it('is ready on 2xx and 3xx, asks the path with its query, and names the Host', async () => {
    await using s = await serving('127.0.0.1', (req, res) => void res.writeHead(req.url === '/moved' ? 302 : 200).end('ok'));
    expect(await httpProbe(target(`http://127.0.0.1:${s.port}/health?deep=1`), never)).toEqual({ ok: true });
    expect(await httpProbe(target(`http://127.0.0.1:${s.port}/moved`), never)).toEqual({ ok: true });
    expect(s.seen).toEqual([`/health?deep=1 127.0.0.1:${s.port}`, `/moved 127.0.0.1:${s.port}`]);
  });

  it('asks an https target, its self-signed certificate accepted as Kubernetes probes do', async () => {
    // test/fixtures/tls: a self-signed certificate for localhost and 127.0.0.1, made for this test
    const tls = (f: string) => readFileSync(join(ROOT, 'test/fixtures/tls', f));
    const server = createHttpsServer({ key: tls('localhost.key'), cert: tls('localhost.crt') }, (req, res) => void res.writeHead(req.url === '/health' ? 200 : 503).end('{"status":"syncing"}'));
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      expect(await httpProbe(target(`https://127.0.0.1:${port}/health`), never)).toEqual({ ok: true });
      expect(await httpProbe(target(`https://localhost:${port}/deep`), never)).toEqual({ ok: false, reason: 'HTTP 503 (syncing)', answered: true });
      const closed = await freePort();
      expect(await httpProbe(target(`https://127.0.0.1:${closed}/health`), never)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('says why a service answers badly, in its words', async () => {
    await using s = await serving('127.0.0.1', (_req, res) => void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"no quorum"}'));
    expect(await httpProbe(target(`http://127.0.0.1:${s.port}/health`), never)).toEqual({ ok: false, reason: 'HTTP 503 (no quorum)', answered: true });
  });

  it('says a refused port as the kernel does, and a silent one as a time that ran out', async () => {
    const closed = await freePort();
    expect(await httpProbe(target(`http://127.0.0.1:${closed}/health`), never)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    // accepts the connection, never answers
    const silent = createTcpServer(() => {});
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
    try {
      expect(await httpProbe(target(`http://127.0.0.1:${port}/health`, 300), never)).toEqual({ ok: false, reason: 'no answer within 300ms' });
    } finally {
      silent.close();
    }
  });

  it('reaches an IPv6 listener by its bracketed address', async (ctx) => {
    let s;
    try {
      s = await serving('::1', (_req, res) => void res.end('ok'));
    } catch {
      return ctx.skip();
    }
    await using _ = s;
    expect(await httpProbe(target(`http://[::1]:${s.port}/health`), never)).toEqual({ ok: true });
    expect(s.seen).toEqual([`/health [::1]:${s.port}`]);
  });

  it('stops a try when the run is stopped', async () => {
    const silent = createTcpServer(() => {});
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
    try {
      const outer = new AbortController();
      const p = httpProbe(target(`http://127.0.0.1:${port}/health`, 10_000), outer.signal);
      setTimeout(() => outer.abort(), 50);
      expect((await p).ok).toBe(false);
    } finally {
      silent.close();
    }
  });
});
