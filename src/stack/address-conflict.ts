// Whether a listener stands in the way of a service binding `host` on the same port. Replicas
// share ports on their own loopback addresses, so a port is busy per address: 127.0.0.3:8800
// is blocked by a listener on 127.0.0.3, 0.0.0.0 or [::] (dual-stack), not by one on
// 127.0.0.2. "localhost" reaches 127.0.0.1 or ::1, whichever answers first, so those two
// count as one address.


const V4_ANY = new Set(['0.0.0.0', '']);
const V6_ANY = new Set(['::', '[::]']);

function normal(address: string): string {
  const a = address.replace(/^\[|\]$/g, '');
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

const isV6 = (a: string) => a.includes(':');
const isLocalhost = (a: string) => a === '127.0.0.1' || a === '::1';

export function conflicts(listener: { address: string }, host: string): boolean {
  const l = normal(listener.address);
  const h = normal(host);
  if (V6_ANY.has(l) || V6_ANY.has(h)) return true;
  if (V4_ANY.has(l)) return !isV6(h) || V4_ANY.has(h);
  if (V4_ANY.has(h)) return !isV6(l);
  if (l === h) return true;
  return isLocalhost(l) && isLocalhost(h);
}
