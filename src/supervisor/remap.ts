// --remap: busy ports are replaced by free ones; the stack is rebuilt with the new ports,
// so interpolation carries them into every command and env that references them.
import type { Check } from '../check.js';
import type { KernelPorts } from '../ports/kernel.js';
import type { SocketTable } from '../ports/socket-table.js';
import { suggestPorts } from '../ports/suggest.js';
import type { Stack } from '../stack/model.js';
import { dict } from '../stack/own.js';

export interface PortChange {
  service: string;
  portName: string;
  from: number;
  to: number;
}

export async function planRemap(stack: Stack, checks: Check[], table: SocketTable, kernel: KernelPorts): Promise<PortChange[]> {
  const taken = new Set(Object.values(stack.services).flatMap((s) => Object.values(s.ports)));
  const inRange = (p: number) => stack.ranges.some((r) => p >= r.from && p <= r.to);
  const changes: PortChange[] = [];
  for (const c of checks) {
    if (c.id !== 'port.busy' || !c.service || c.port === undefined) continue;
    const s = stack.services[c.service]!;
    const portName = Object.keys(s.ports).find((n) => s.ports[n] === c.port)!;
    // preflight already proved its suggestions free; look further only if all are taken now
    const to = c.suggestions?.find((p) => !taken.has(p)) ?? (await suggestPorts(c.port, { table, kernel, taken: (p) => taken.has(p) || inRange(p), count: 1 }))[0];
    if (to === undefined) continue;
    taken.add(to);
    changes.push({ service: c.service, portName, from: c.port, to });
  }
  return changes;
}

/** A copy of the stack with the changed ports. Pure. */
export function applyRemap(stack: Stack, changes: readonly PortChange[]): Stack {
  const services = dict(Object.entries(stack.services));
  for (const ch of changes) {
    const s = services[ch.service]!;
    services[ch.service] = { ...s, ports: { ...s.ports, [ch.portName]: ch.to } };
  }
  return { ...stack, services };
}
