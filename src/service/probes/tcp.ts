import { connectHost } from '../../stack/launch-spec.js';
import { connectOnce } from './connect-once.js';
import type { ProbeResult, ProbeTarget } from './types.js';

export async function tcpProbe(t: ProbeTarget, outer: AbortSignal): Promise<ProbeResult> {
  const c = await connectOnce(connectHost(t.host), t.port!, t.timeoutMs, outer);
  if ('reason' in c) return { ok: false, reason: c.reason };
  c.socket.destroy();
  return { ok: true };
}
