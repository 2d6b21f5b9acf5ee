import { connect } from 'node:net';
import { connectHost } from '../../stack/launch-spec.js';
import { withProbeSignal } from './probe-signal.js';
import type { ProbeResult, ProbeTarget } from './types.js';

export function tcpProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  return withProbeSignal(outer, t.timeoutMs, (signal) =>
    new Promise((resolve) => {
      const socket = connect({ host: connectHost(t.host), port: t.port! });
      const done = (r: ProbeResult) => {
        socket.destroy();
        resolve(r);
      };
      socket.once('connect', () => done({ ok: true }));
      socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: e.code ?? e.message }));
      signal.addEventListener('abort', () => done({ ok: false, reason: `no connection within ${t.timeoutMs}ms` }), { once: true });
    }),
  );
}
