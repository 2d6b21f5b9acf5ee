// Readiness probes: http (2xx/3xx), tcp, a log line, or a clean exit. For http and tcp the
// listener must also belong to the service's own process tree, so a stray process already
// answering on the port never passes for the service.
import { request } from 'node:http';
import { connect } from 'node:net';
import { connectHost } from '../stack/launch-spec.js';
import type { ReadySpec } from '../stack/model.js';
import { listenerOwnedByTree } from './listener-owner.js';

export interface ProbeTarget {
  spec: ReadySpec;
  host: string;
  port?: number;
  url?: string;
  pid: number;
  pgid: number;
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export function describeProbe(t: ProbeTarget): string {
  switch (t.spec.kind) {
    case 'http':
      return `http ${t.url}`;
    case 'tcp':
      return `tcp ${t.host}:${t.port}`;
    case 'log':
      return `log /${t.spec.target}/`;
    case 'exit':
      return 'exit 0';
    case 'none':
      return 'started';
  }
}

export async function probeOnce(t: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  if (t.spec.kind === 'http') {
    const r = await httpProbe(t.url!, signal);
    if (!r.ok) return r;
  } else if (t.spec.kind === 'tcp') {
    const r = await tcpProbe(t.host, t.port!, signal);
    if (!r.ok) return r;
  } else {
    return { ok: false, reason: 'not a polled probe' };
  }
  if (t.port !== undefined && t.spec.owned && !listenerOwnedByTree(t.port, t.pid, t.pgid))
    return { ok: false, reason: `port ${t.port} answers, but not from this service's processes (a stray listener? a proxy such as docker-proxy needs ready.owned: false)` };
  return { ok: true };
}

/** A signal for one probe: aborted by the outer signal or after ms; the listener is removed after. */
async function withProbeSignal<T>(outer: AbortSignal, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const local = new AbortController();
  const abort = () => local.abort();
  const timer = setTimeout(abort, ms);
  outer.addEventListener('abort', abort, { once: true });
  try {
    return await fn(local.signal);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', abort);
  }
}

// node:http rather than fetch: Node loads fetch's implementation on first use, which costs
// a service's first probe a tenth of a second
function httpProbe(url: string, outer: AbortSignal): Promise<ProbeResult> {
  return withProbeSignal(outer, 2000, (signal) =>
    new Promise((resolve) => {
      const req = request(url, { signal, headers: { connection: 'close' } }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, reason: `HTTP ${code}` });
      });
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: e.code ?? e.message }));
      req.end();
    }),
  );
}

function tcpProbe(host: string, port: number, outer: AbortSignal): Promise<ProbeResult> {
  return withProbeSignal(outer, 1000, (signal) => new Promise((resolve) => {
    const socket = connect({ host: connectHost(host), port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: e.code ?? e.message }));
    signal.addEventListener('abort', () => done({ ok: false, reason: 'timeout' }), { once: true });
  }));
}

/**
 * Polls until ready, the deadline, or `stop` (the process exited). Log and exit probes are
 * satisfied from outside through `resolveExternally`.
 */
export function waitReady(t: ProbeTarget, signal: AbortSignal): { promise: Promise<ProbeResult>; resolveExternally: (r: ProbeResult) => void } {
  let settle!: (r: ProbeResult) => void;
  const promise = new Promise<ProbeResult>((resolve) => (settle = resolve));
  let settled = false;
  const onAbort = () => finish({ ok: false, reason: 'aborted' });
  const finish = (r: ProbeResult) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    signal.removeEventListener('abort', onAbort);
    settle(r);
  };
  let last = 'no answer yet';
  const deadline = setTimeout(() => finish({ ok: false, reason: `not ready after ${t.spec.timeoutMs / 1000}s (${describeProbe(t)}: ${last})` }), t.spec.timeoutMs);
  signal.addEventListener('abort', onAbort, { once: true });
  if (t.spec.kind === 'http' || t.spec.kind === 'tcp') {
    void (async () => {
      // probe often while a service is likely to come up (its first seconds), then back off
      const t0 = Date.now();
      let wait = 5;
      while (!settled) {
        const r = await probeOnce(t, signal);
        if (r.ok) return finish(r);
        last = r.reason;
        await new Promise((res) => setTimeout(res, wait));
        wait = Math.min(wait * 2, Date.now() - t0 < 2000 ? Math.min(20, t.spec.intervalMs) : t.spec.intervalMs);
      }
    })();
  } else if (t.spec.kind === 'none') {
    finish({ ok: true });
  }
  return { promise, resolveExternally: finish };
}
