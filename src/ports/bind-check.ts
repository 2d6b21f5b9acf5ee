// Whether a service's ports can be bound right now, by binding them: for the few ports of
// one service being restarted, a bind is exact (it asks the kernel the very question) and
// far cheaper than reading the socket tables, which preflight does for a whole stack.
import { createServer } from 'node:net';
import type { Stack } from '../stack/model.js';

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The ports of these services that cannot be bound now, with their service. */
export async function unbindablePorts(stack: Stack, services: readonly string[]): Promise<{ service: string; host: string; port: number }[]> {
  const wants = services.flatMap((n) => Object.values(stack.services[n]!.ports).map((port) => ({ service: n, host: stack.services[n]!.host, port })));
  const ok = await Promise.all(wants.map((w) => bindable(w.port, w.host)));
  return wants.filter((_, i) => !ok[i]);
}

export async function portsBindable(stack: Stack, services: readonly string[]): Promise<boolean> {
  return allBindable(services.map((n) => ({ host: stack.services[n]!.host, ports: stack.services[n]!.ports })));
}

export async function allBindable(services: { host: string; ports: Record<string, number> }[]): Promise<boolean> {
  const wants = services.flatMap((s) => Object.values(s.ports).map((p) => bindable(p, s.host)));
  return (await Promise.all(wants)).every(Boolean);
}
