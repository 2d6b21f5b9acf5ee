// Linux kernel port policy from /proc/sys: the ephemeral range, reserved ports, the privileged limit.
import { readFileSync } from 'node:fs';
import type { KernelPorts } from '../types.js';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function linuxKernelPorts(): KernelPorts {
  const [lo, hi] = (read('/proc/sys/net/ipv4/ip_local_port_range') ?? '32768 60999').split(/\s+/).map(Number);
  const reserved = parseReservedPorts(read('/proc/sys/net/ipv4/ip_local_reserved_ports') ?? '');
  return {
    ephemeral: [lo!, hi!],
    reserved: (p) => reserved.some(([a, b]) => p >= a && p <= b),
    unprivilegedStart: Number(read('/proc/sys/net/ipv4/ip_unprivileged_port_start') ?? 1024),
    isRoot: process.getuid?.() === 0,
  };
}

/** "8080,30000-32767" -> [[8080,8080],[30000,32767]] */
export function parseReservedPorts(text: string): [number, number][] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [a, b] = s.split('-').map(Number);
      return [a!, b ?? a!];
    });
}
