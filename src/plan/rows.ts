// The port plan of a stack: one row per service port and per range, in declaration order
// (the order a team wrote its plan in, which is how the hand-kept tables read).
import type { Exposure, ServiceStatus, Stack } from '../stack/model.js';

export interface PlanRow {
  /** "8080" or "30000-32767" */
  port: string;
  from: number;
  to: number;
  service: string;
  /** the service (or range) key in the stack */
  key: string;
  portName?: string;
  status: ServiceStatus | 'range';
  location?: string;
  notes?: string;
  protocol?: string;
  migration?: string;
  group?: string;
  profiles: string[];
  exposure: Exposure;
}

export function planRows(stack: Stack): PlanRow[] {
  const rows: PlanRow[] = [];
  for (const s of Object.values(stack.services)) {
    for (const [name, port] of Object.entries(s.ports)) {
      const label = s.description ?? s.name;
      rows.push({
        port: String(port),
        from: port,
        to: port,
        service: name === 'default' ? label : `${label} (${name})`,
        key: s.name,
        portName: name === 'default' ? undefined : name,
        status: s.status,
        location: s.location,
        notes: s.notes,
        protocol: s.protocol,
        migration: s.migration,
        group: s.group,
        profiles: s.profiles,
        exposure: s.exposure,
      });
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
