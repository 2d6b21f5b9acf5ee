// Linux: the kernel's TCP listener table, read from /proc/net/tcp and /proc/net/tcp6: one
// read answers for a 2,768-port range instead of 2,768 bind attempts.
import { closeSync, openSync, readSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import type { Connection, Listener } from '../types.js';

const LISTEN = '0A';
const TCP_STATES: Record<string, string> = { '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0B': 'CLOSING' };

/** One family's listeners: each file costs the kernel a walk of its whole connection table. */
export function readFamily(family: 4 | 6, procNet = '/proc/net'): Listener[] {
  return parseProcNetTcp(readListening(`${procNet}/${family === 4 ? 'tcp' : 'tcp6'}`), family);
}

/** Bytes a read asks for: less than one line of the file at first, a page once the listeners are many. */
const SMALL_READ = 128;
const SMALL_READS = 32;
const PAGE = 4096;

/**
 * The kernel prints listening sockets first (its listening hash), then the connection hash,
 * and makes only as many lines as a read asks for. So the file is read a little at a time,
 * and the first line that is not LISTEN ends it, decided as soon as its state is in: that
 * line is found by walking the connection hash's buckets (262,144 here) up to the first
 * connection, and each further line asked for walks on. A page asked at once walked on for
 * twenty-five more lines (the IPv4 table here: 1.77 -> 1.23 ms). A read the kernel does
 * not fill is the end of the table: it is not asked again.
 * Past a few dozen listeners, pages: fewer reads.
 */
function readListening(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // no IPv6 in this kernel or namespace: nothing listens there
    return '';
  }
  try {
    const buf = Buffer.alloc(PAGE);
    let text = '';
    // start of the first line not yet looked at (the header is skipped)
    let next = -1;
    for (let reads = 0; ; reads++) {
      const asked = reads < SMALL_READS ? SMALL_READ : PAGE;
      const n = readSync(fd, buf, 0, asked, null);
      if (n <= 0) return text;
      text += buf.toString('latin1', 0, n);
      // the kernel fills a read unless the table has ended: asking again would walk it again
      if (n < asked) return text;
      if (next < 0) next = text.indexOf('\n') + 1 || -1;
      // each line whose state is in (the 4th field; the line need not be complete): the first
      // one not in LISTEN ends the listeners
      while (next > 0) {
        const nl = text.indexOf('\n', next);
        const fields = text.slice(next, nl < 0 ? undefined : nl).trim().split(/\s+/);
        if (nl < 0 && fields.length < 5) break;
        if (fields[3] !== LISTEN) return text.slice(0, next);
        if (nl < 0) break;
        next = nl + 1;
      }
    }
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}


/** One family's bound UDP sockets: the whole file (UDP has no listening state to stop at). */
export function readUdpFamily(family: 4 | 6, procNet = '/proc/net'): Listener[] {
  let text: string;
  try {
    text = readFileSync(`${procNet}/${family === 4 ? 'udp' : 'udp6'}`, 'latin1');
  } catch {
    return [];
  }
  return parseProcNetUdp(text, family);
}

/** /proc/net/udp has /proc/net/tcp's columns; every socket there is bound to its local port. */
export function parseProcNetUdp(text: string, family: 4 | 6): Listener[] {
  const out: Listener[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = f[1]!.split(':') as [string, string];
    const port = parseInt(portHex, 16);
    if (port) out.push({ address: family === 4 ? ipv4(addrHex) : ipv6(addrHex), port, inode: Number(f[9]), family, uid: Number(f[7]) });
  }
  return out;
}

export function parseProcNetTcp(text: string, family: 4 | 6): Listener[] {
  const out: Listener[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addrHex, portHex] = f[1]!.split(':') as [string, string];
    out.push({ address: family === 4 ? ipv4(addrHex) : ipv6(addrHex), port: parseInt(portHex, 16), inode: Number(f[9]), family, uid: Number(f[7]) });
  }
  return out;
}

// The kernel prints each 32-bit word in host (little-endian) byte order.
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) for (const i of [6, 4, 2, 0]) bytes.push(parseInt(hex.slice(w * 8 + i, w * 8 + i + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]!) best = [i, j - i];
    i = j;
  }
  if (best[1]! < 2) return groups.join(':');
  const head = groups.slice(0, best[0]).join(':');
  const tail = groups.slice(best[0]! + best[1]!).join(':');
  return `${head}::${tail}`;
}

/** Connections on a local port, both families: the whole tables are read (only when a start failed on a busy port). */
export function readConnectionsOn(port: number, procNet = '/proc/net'): Connection[] {
  const out: Connection[] = [];
  for (const family of [4, 6] as const) {
    let text: string;
    try {
      text = readFileSync(`${procNet}/${family === 4 ? 'tcp' : 'tcp6'}`, 'latin1');
    } catch {
      continue;
    }
    out.push(...parseConnections(text, family).filter((c) => c.port === port));
  }
  return out;
}

export function parseConnections(text: string, family: 4 | 6): Connection[] {
  const out: Connection[] = [];
  const lines = text.split('\n');
  const addr = (hex: string) => (family === 4 ? ipv4(hex) : ipv6(hex));
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    // TIME_WAIT (06) is kept: it holds no process, but blocks a bind until it ends (up to 60s)
    // when the connection's socket was bound without SO_REUSEADDR, as a kernel-chosen source port is
    if (f.length < 10 || f[3] === LISTEN) continue;
    const [laddr, lport] = f[1]!.split(':') as [string, string];
    const [raddr, rport] = f[2]!.split(':') as [string, string];
    const remote = addr(raddr);
    const inode = Number(f[9]);
    out.push({ address: addr(laddr), port: parseInt(lport, 16), family, ...(inode ? { inode } : {}), uid: Number(f[7]), remote: `${family === 6 ? `[${remote}]` : remote}:${parseInt(rport, 16)}`, state: TCP_STATES[f[3]!] ?? f[3] });
  }
  return out;
}
