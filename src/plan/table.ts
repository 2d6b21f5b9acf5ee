// The port plan for a terminal: aligned columns.
import type { PlanRow } from './rows.js';

export function toTable(rows: PlanRow[]): string {
  const header = ['PORT', 'SERVICE', 'KEY', 'PROTOCOL', 'STATUS', 'PROFILES', 'GROUP', 'NOTES'];
  const body = rows.map((r) => [r.port, r.service, r.key + (r.portName ? `.${r.portName}` : '') + replicasText(r), r.protocol ?? '-', r.status, r.profiles.join(',') || '-', r.group ?? '-', r.status === 'deprecated' && r.migration ? `deprecated: ${r.migration}` : (r.notes ?? '')]);
  return formatColumns([header, ...body]);
}

/** ` ×5 (127.0.0.1-5)`: replicas sharing the row's port, on their addresses */
export function replicasText(r: PlanRow): string {
  if (!r.replicas || r.replicas.count < 2) return '';
  const [first, ...rest] = r.replicas.hosts;
  const last = rest.at(-1)!;
  const prefix = first!.slice(0, first!.lastIndexOf('.') + 1);
  const range = last.startsWith(prefix) ? `${first}-${last.slice(prefix.length)}` : `${first}-${last}`;
  return ` ×${r.replicas.count} (${range})`;
}

export function formatColumns(lines: string[][]): string {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
