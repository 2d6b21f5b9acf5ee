// node:http rather than fetch: Node loads fetch's implementation on first use, which costs
// a service's first probe a tenth of a second.
import { request } from 'node:http';
import { withProbeSignal } from './probe-signal.js';
import type { ProbeResult, ProbeTarget } from './types.js';

export function httpProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  return withProbeSignal(outer, t.timeoutMs, (signal) =>
    new Promise((resolve) => {
      const req = request(t.url!, { signal, headers: { connection: 'close', 'user-agent': 'devnet-probe' } }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, reason: `HTTP ${code}`, answered: true });
      });
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: signal.aborted && !outer.aborted ? `no answer within ${t.timeoutMs}ms` : (e.code ?? e.message) }));
      req.end();
    }),
  );
}
