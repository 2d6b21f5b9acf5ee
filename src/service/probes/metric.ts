// Readiness or health on a metric: the service's metrics: path fetched, read as the Prometheus
// text format, and the condition tested on every sample of the metric (with its labels).
import { probeRequest } from './http-request.js';
import { describeCondition, holds } from '../../stack/metric-condition.js';
import { withProbeSignal } from './probe-signal.js';
import { parsePromText, samplesOf } from './prom-text.js';
import type { ProbeResult, ProbeTarget } from './types.js';

const MAX_BODY = 4 * 1024 * 1024;

export function metricProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  const c = t.metric!;
  return withProbeSignal(outer, t.timeoutMs, (signal) =>
    new Promise((resolve) => {
      const req = probeRequest(t.url!, { signal, headers: { connection: 'close', 'user-agent': 'devnet-probe' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          if (body.length < MAX_BODY) body += chunk.toString('utf8');
        });
        const done = () => {
          if ((res.statusCode ?? 0) >= 400) return resolve({ ok: false, reason: `HTTP ${res.statusCode} from ${t.url}`, answered: true });
          const found = samplesOf(parsePromText(body), c.name, c.labels);
          if (!found.length) return resolve({ ok: false, reason: `no sample of ${c.name} on ${t.url}`, answered: true });
          const bad = found.filter((s) => !holds(s.value, c.op, c.value));
          resolve(bad.length ? { ok: false, reason: `${c.name} = ${bad.map((s) => s.value).join(', ')} (wants ${describeCondition(c)})`, answered: true } : { ok: true });
        };
        res.once('end', done);
        res.once('error', done);
      });
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, reason: signal.aborted && !outer.aborted ? `no answer within ${t.timeoutMs}ms` : (e.code ?? e.message) }));
      req.end();
    }),
  );
}
