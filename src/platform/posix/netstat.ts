// lsof shows only the sockets of processes the user may inspect: a listener of another user
// (root's, as a normal user) would be missed, and preflight would pass a busy port. The socket
// tables of netstat (macOS, the BSDs) and ss (Linux) list every listener, without its holder.
import type { Listener } from '../types.js';

/** `netstat -an -p tcp` (BSD): "tcp4  0  0  127.0.0.1.8080  *.*  LISTEN"; the port follows the last dot. */
export function parseNetstat(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^tcp/.test(f[0] ?? '') || f.at(-1) !== 'LISTEN') continue;
    const local = f[3] ?? '';
    const dot = local.lastIndexOf('.');
    const port = Number(local.slice(dot + 1));
    let address = local.slice(0, dot);
    const family: 4 | 6 = f[0] === 'tcp6' || address.includes(':') ? 6 : 4;
    if (address === '*') address = family === 6 ? '::' : '0.0.0.0';
    address = address.replace(/%.*$/, '');
    if (Number.isInteger(port) && port > 0) out.push({ address, port, family });
  }
  return out;
}

/** `ss -Hltn` (Linux): "LISTEN 0 511 127.0.0.1:8080 0.0.0.0:*", IPv6 as [::1]:8080. */
export function parseSs(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'LISTEN' || !f[3]) continue;
    const at = f[3].lastIndexOf(':');
    const port = Number(f[3].slice(at + 1));
    let address = f[3].slice(0, at).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    if (address === '*') address = '::';
    const family: 4 | 6 = address.includes(':') ? 6 : 4;
    if (Number.isInteger(port) && port > 0) out.push({ address, port, family });
  }
  return out;
}
