// The port plan of a stack: one row per service port and per range, in declaration order
// (the order a team wrote its plan in, which is how the hand-kept tables read).
import type { Exposure, ServiceLifecycle, Stack } from '../stack/model.js';

export interface PlanRow {
  /** "8080" or "30000-32767" */
  port: string;
  from: number;
  to: number;
  service: string;
  /** the service (or range) key in the stack */
  key: string;
  portName?: string;
  status: ServiceLifecycle | 'range';
  location?: string;
  notes?: string;
  protocol?: string;
  migration?: string;
  group?: string;
  profiles: string[];
  exposure: Exposure;
  /** replicas that share this port (spread: hosts), each on its own address */
  replicas?: { count: number; hosts: string[] };
  /** a UDP port (udp_ports:); port then reads "30303/udp" */
  udp?: boolean;
}

export function planRows(stack: Stack): PlanRow[] {
  const rows: PlanRow[] = [];
  // replicas on one port (spread: hosts) are one planned port: one row, with their addresses
  const shared = new Map<string, PlanRow>();
  const firstPorts = new Map<string, string>();
  const movedPorts = new Set<string>();
  for (const s of Object.values(stack.services)) {
    if (!s.replica) continue;
    const ports = JSON.stringify(s.ports);
    if ((firstPorts.get(s.replica.of) ?? ports) !== ports) movedPorts.add(s.replica.of);
    firstPorts.set(s.replica.of, firstPorts.get(s.replica.of) ?? ports);
  }
  for (const s of Object.values(stack.services)) {
    const entries = [...Object.entries(s.ports).map(([n, p]) => [n, p, false] as const), ...Object.entries(s.udpPorts).map(([n, p]) => [n, p, true] as const)];
    for (const [name, port, udp] of entries) {
      const base = s.description ?? s.replica?.of ?? s.name;
      // spread: ports gives each replica its own port: its own row, saying which replica
      const label = s.replica && movedPorts.has(s.replica.of) ? `${base} (replica ${s.replica.index} of ${s.replica.count})` : base;
      const key = s.replica && `${s.replica.of}|${name}|${port}|${udp}`;
      const same = key && shared.get(key);
      if (same) {
        same.replicas!.count++;
        same.replicas!.hosts.push(s.host);
        continue;
      }
      rows.push({
        port: udp ? `${port}/udp` : String(port),
        ...(udp ? { udp } : {}),
        from: port,
        to: port,
        service: name === 'default' ? label : `${label} (${name})`,
        key: s.replica?.of ?? s.name,
        portName: name === 'default' ? undefined : name,
        status: s.status,
        location: s.location,
        notes: s.notes,
        protocol: s.protocol,
        migration: s.migration,
        group: s.group,
        profiles: s.profiles,
        exposure: s.exposure,
        replicas: s.replica && { count: 1, hosts: [s.host] },
      });
      if (key) shared.set(key, rows.at(-1)!);
    }
  }
  for (const r of stack.ranges)
    rows.push({
      port: `${r.from}-${r.to}`,
      from: r.from,
      to: r.to,
      service: r.name,
      key: r.name,
      status: 'range',
      notes: r.purpose,
      protocol: r.protocol,
      profiles: [],
      exposure: r.exposure,
    });
  return rows;
}
