// The port plan for a terminal: aligned columns.
import type { PlanRow } from './rows.js';

export function toTable(rows: PlanRow[]): string {
  const header = ['PORT', 'SERVICE', 'KEY', 'PROTOCOL', 'STATUS', 'PROFILES', 'GROUP', 'NOTES'];
  const body = rows.map((r) => [r.port, r.service, r.key + (r.portName ? `.${r.portName}` : ''), r.protocol ?? '-', r.status, r.profiles.join(',') || '-', r.group ?? '-', r.status === 'deprecated' && r.migration ? `deprecated: ${r.migration}` : (r.notes ?? '')]);
  return formatColumns([header, ...body]);
}

export function formatColumns(lines: string[][]): string {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
