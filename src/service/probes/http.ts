// node:http rather than fetch: Node loads fetch's implementation on first use, which costs
// a service's first probe a tenth of a second.
import { request } from 'node:http';
import { withProbeSignal } from './probe-signal.js';
import type { ProbeResult, ProbeTarget } from './types.js';

export function httpProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  return withProbeSignal(outer, t.timeoutMs, (signal) =>
    new Promise((resolve) => {
      const req = request(t.url!, { signal, headers: { connection: 'close', 'user-agent': 'devnet-probe' } }, (res) => {
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
      });
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: signal.aborted && !outer.aborted ? `no answer within ${t.timeoutMs}ms` : (e.code ?? e.message) }));
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
