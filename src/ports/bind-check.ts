// Whether a service's ports can be bound right now, by binding them: for the few ports of
// one service being restarted, a bind is exact (it asks the kernel the very question) and
// far cheaper than reading the socket tables, which preflight does for a whole stack.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { Stack } from '../stack/model.js';

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpBindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only: host === '::' });
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** The ports of these services that cannot be bound now, with their service. */
export async function unbindablePorts(stack: Stack, services: readonly string[]): Promise<{ service: string; host: string; port: number }[]> {
  const wants = services.flatMap((n) => [
    ...Object.values(stack.services[n]!.ports).map((port) => ({ service: n, host: stack.services[n]!.host, port, udp: false })),
    ...Object.values(stack.services[n]!.udpPorts).map((port) => ({ service: n, host: stack.services[n]!.host, port, udp: true })),
  ]);
  const ok = await Promise.all(wants.map((w) => (w.udp ? udpBindable : bindable)(w.port, w.host)));
  return wants.filter((_, i) => !ok[i]).map(({ udp: _u, ...w }) => w);
}

export async function portsBindable(stack: Stack, services: readonly string[]): Promise<boolean> {
  return allBindable(services.map((n) => ({ host: stack.services[n]!.host, ports: stack.services[n]!.ports, udpPorts: stack.services[n]!.udpPorts })));
}

export async function allBindable(services: { host: string; ports: Record<string, number>; udpPorts?: Record<string, number> }[]): Promise<boolean> {
  const wants = services.flatMap((s) => [...Object.values(s.ports).map((p) => bindable(p, s.host)), ...Object.values(s.udpPorts ?? {}).map((p) => udpBindable(p, s.host))]);
  return (await Promise.all(wants)).every(Boolean);
}

/** Recorded services (state.json): every port binds on its recorded address; false where a record names no address. */
export async function recordsBindable(recs: readonly { host?: string; ports: Record<string, number>; udpPorts?: Record<string, number> }[]): Promise<boolean> {
  return recs.every((r) => r.host !== undefined) && allBindable(recs.map((r) => ({ host: r.host!, ports: r.ports, udpPorts: r.udpPorts })));
}
