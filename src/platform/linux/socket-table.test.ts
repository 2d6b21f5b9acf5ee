import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReservedPorts } from './kernel.js';
import { parseProcNetTcp, parseProcNetUdp, readFamily } from './socket-table.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F9A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 20 4 30 10 -1`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 666 1 0000000000000000 100 0 0 10 0`;

// /proc/net/udp: a bound socket (07) and a connected one (01) both hold their local port
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  123: 0100007F:765F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
  124: 00000000:0035 0100007F:1F90 01 00000000:00000000 00:00000000 00000000   100        0 888 2 0000000000000000 0`;

describe('the kernel UDP table', () => {
  it('reads every bound socket, connected or not, with its inode', () => {
    expect(parseProcNetUdp(UDP, 4)).toEqual([
      { address: '127.0.0.1', port: 30303, inode: 777, family: 4, uid: 0 },
      { address: '0.0.0.0', port: 53, inode: 888, family: 4, uid: 100 },
    ]);
  });
});

describe('the kernel socket table', () => {
  it('reads IPv4 listeners and skips connections', () => {
    expect(parseProcNetTcp(TCP, 4)).toEqual([
      { address: '127.0.0.1', port: 8080, inode: 111, family: 4, uid: 0 },
      { address: '0.0.0.0', port: 8090, inode: 222, family: 4, uid: 1000 },
    ]);
  });

  it('reads IPv6 listeners: ::1, ::, and mapped IPv4', () => {
    expect(parseProcNetTcp(TCP6, 6).map((l) => [l.address, l.port])).toEqual([
      ['::1', 8080],
      ['::', 80],
      ['::ffff:127.0.0.1', 81],
    ]);
  });

  it('reads reserved port lists', () => {
    expect(parseReservedPorts('8080,30000-32767\n')).toEqual([
      [8080, 8080],
      [30000, 32767],
    ]);
    expect(parseReservedPorts('')).toEqual([]);
  });
});

describe('readFamily reads only the listening part of the table', () => {
  const line = (i: number, st: string) =>
    `${String(i).padStart(4)}: 0100007F:${(20000 + i).toString(16).toUpperCase()} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000  1000        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0`;
  it('stops at the first connection, across chunk boundaries, and sees every listener', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-procnet-'));
    try {
      // more listeners than one 4 KiB read holds, then connections
      const rows = [...Array.from({ length: 60 }, (_, i) => line(i, '0A')), ...Array.from({ length: 5 }, (_, i) => line(60 + i, '01')), line(99, '0A')];
      writeFileSync(join(dir, 'tcp'), `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n${rows.join('\n')}\n`);
      const ls = readFamily(4, dir);
      expect(ls).toHaveLength(60);
      expect(ls.at(-1)!.port).toBe(20059);
      writeFileSync(join(dir, 'tcp6'), '  sl  local_address header only\n');
      expect(readFamily(6, dir)).toEqual([]);
      expect(readFamily(4, join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
