// Probes by kind. Polled ones (http, tcp, exec) answer one try each; log and exit are
// satisfied by the runner from the service's output and exit.
import { listenerOwnedByTree } from '../../ports/listener-owner.js';
import { execProbe } from './exec.js';
import { httpProbe } from './http.js';
import { tcpProbe } from './tcp.js';
import { metricProbe } from './metric.js';
import { describeCondition } from '../../stack/metric-condition.js';
import type { PolledKind, Probe, ProbeResult, ProbeTarget } from './types.js';

const polled: Record<PolledKind, Probe> = { http: httpProbe, tcp: tcpProbe, exec: execProbe, metric: metricProbe };

/** One try of the target's probe; for a readiness probe the listener must be the service's own. */
export async function probeOnce(t: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const r = await polled[t.kind](t, signal);
  if (!r.ok || t.kind === 'exec') return r;
  if (t.port !== undefined && t.owned && !listenerOwnedByTree(t.port, t.pid, t.pgid, t.host))
    return { ok: false, reason: `port ${t.port} answers, but not from this service's processes (a stray listener? a proxy such as docker-proxy needs ready.owned: false)` };
  return r;
}

export function describeTarget(t: Pick<ProbeTarget, 'kind' | 'url' | 'host' | 'port' | 'exec' | 'metric'>): string {
  switch (t.kind) {
    case 'http':
      return `http ${t.url}`;
    case 'tcp':
      return `tcp ${t.host}:${t.port}`;
    case 'exec':
      return `exec ${t.exec!.display}`;
    case 'metric':
      return `metric ${t.metric ? describeCondition(t.metric) : '?'} on ${t.url}`;
  }
}
