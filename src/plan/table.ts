// The port plan for a terminal: aligned columns.
import type { PlanRow } from './rows.js';

/**
 * The plan for a terminal: SERVICE is the service's name, as in devnet status, and the line
 * fits `width` columns (120 unless the terminal says otherwise): the description, last, is
 * cut to fit. The notes are in --format markdown.
 */
export function toTable(rows: PlanRow[], width = 120): string {
  const header = ['SERVICE', 'PORT', 'PROTOCOL', 'STATUS', 'GROUP', 'DESCRIPTION'];
  const body = rows.map((r) => [
    r.key + (r.portName ? `.${r.portName}` : '') + replicasText(r),
    r.port,
    r.protocol ?? '-',
    r.status + (r.profiles.length ? ` (${r.profiles.join(',')})` : ''),
    r.group ?? '-',
    r.status === 'deprecated' && r.migration ? `deprecated: ${r.migration}` : r.service === r.key ? '' : r.service,
  ]);
  return fitWidth(formatColumns([header, ...body]), width);
}

/** Each line cut to `width` columns, with … where it was cut. */
export function fitWidth(text: string, width: number): string {
  return text
    .split('\n')
    .map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l))
    .join('\n');
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
