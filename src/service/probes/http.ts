// node:http rather than fetch: Node loads fetch's implementation on first use, which costs
// a service's first probe a tenth of a second.
//
// While a service starts, most tries find its port refused. An HTTP request costs ~0.6 ms of
// CPU to learn that (~0.27 ms with a bare http.get; measured, 600 tries), taken from services
// that are starting on the same cores; a bare connect costs ~0.07 ms. So each try connects
// first, and the request goes over that connection once it is accepted. An https target is
// asked afresh each try (http-request.ts).
import { request, type IncomingMessage } from 'node:http';
import { probeRequest } from './http-request.js';
import type { Socket } from 'node:net';
import { connectOnce } from './connect-once.js';
import { withProbeSignal } from './probe-signal.js';
import type { ProbeResult, ProbeTarget } from './types.js';

interface Where {
  host: string;
  port: number;
  path: string;
}

// parsed once per target (a run's probe target lives as long as the run)
const parsed = new WeakMap<ProbeTarget, Where | null>();
function where(t: ProbeTarget): Where | null {
  let w = parsed.get(t);
  if (w === undefined) {
    const u = new URL(t.url!);
    w = u.protocol === 'http:' ? { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80), path: `${u.pathname}${u.search}` } : null;
    parsed.set(t, w);
  }
  return w;
}

export async function httpProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  const w = where(t);
  let socket: Socket | undefined;
  const t0 = Date.now();
  if (w) {
    const c = await connectOnce(w.host, w.port, t.timeoutMs, outer);
    if ('reason' in c) return { ok: false, reason: c.reason.startsWith('no connection within') ? `no answer within ${t.timeoutMs}ms` : c.reason };
    socket = c.socket;
  }
  // from here the try has a signal of its own: the request's, for the rest of its time
  const ms = Math.max(1, t.timeoutMs - (Date.now() - t0));
  return withProbeSignal(outer, ms, (signal) =>
    new Promise((resolve) => {
      const failed = (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: signal.aborted && !outer.aborted ? `no answer within ${t.timeoutMs}ms` : (e.code ?? e.message) });
      const headers = { connection: 'close', 'user-agent': 'devnet-probe' };
      const answered = (res: IncomingMessage) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) {
          res.resume();
          return resolve({ ok: true });
        }
        // why, in the service's words: a health endpoint's status or error field, or a short text
        let body = '';
        res.on('data', (c: Buffer) => {
          if (body.length < MAX_BODY) body += c.toString('utf8');
        });
        const done = () => resolve({ ok: false, reason: `HTTP ${code}${saying(body)}`, answered: true });
        res.once('end', done);
        res.once('error', done);
      };
      const req = socket ? request({ host: w!.host, port: w!.port, path: w!.path, headers, signal, createConnection: () => socket }, answered) : probeRequest(t.url!, { signal, headers }, answered);
      req.once('error', failed);
      req.end();
    }),
  );
}

const MAX_BODY = 2048;

/** " (no quorum)" from {"status": "no quorum"} or a short plain body; "" when it says nothing short. */
export function saying(body: string): string {
  const text = body.trim();
  if (!text) return '';
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const word = [v.status, v.error, v.message, v.reason].find((x) => typeof x === 'string' && x.length > 0 && x.length <= 80);
    return word ? ` (${String(word)})` : '';
  } catch {
    return text.length <= 80 && !text.includes('\n') && !text.startsWith('<') ? ` (${text})` : '';
  }
}
