// The TCP listeners of this machine, read once through the platform backend (src/platform):
// one read answers for a 2,768-port range instead of 2,768 bind attempts.
import { platform } from '../platform/index.js';
import type { Listener } from '../platform/types.js';

export type { Listener };

export interface SocketTable {
  listeners: Listener[];
  /** listeners on a port, on any local address */
  on(port: number): Listener[];
}

export function readSocketTable(): SocketTable {
  const p = platform();
  return tableOf([...p.listeners(4), ...p.listeners(6)]);
}

/** The bound UDP sockets, in the same shape: read only for stacks that plan UDP ports. */
export function readUdpTable(): SocketTable {
  const p = platform();
  return tableOf([...p.udpSockets(4), ...p.udpSockets(6)]);
}

export function tableOf(listeners: Listener[]): SocketTable {
  const byPort = new Map<number, Listener[]>();
  for (const l of listeners) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  return { listeners, on: (port) => byPort.get(port) ?? [] };
}
