// The port plan as a markdown table, like the hand-kept "Port Allocation Plan":
// planned rows marked, deprecated rows struck through with their migration note.
import type { PlanRow } from './rows.js';

export const MARKDOWN_HEADER = ['Port', 'Service', 'Location', 'Notes'] as const;

export function markdownRow(r: PlanRow): string[] {
  let service = r.service;
  if (r.status === 'planned' && !/\(planned\)/i.test(service)) service += ' (planned)';
  const location = r.location ?? '';
  // replicas sharing the port: said in the notes, so the service column still matches the plan's
  const notes = (r.notes ?? '') + (r.replicas && r.replicas.count > 1 ? `${r.notes ? ' ' : ''}(${r.replicas.count} replicas: ${r.replicas.hosts.join(', ')})` : '');
  if (r.status === 'deprecated') {
    const migration = r.migration ? `Deprecated: ${r.migration}` : 'Deprecated.';
    return [`~~${r.port}~~`, `~~${service}~~`, location ? `~~${location}~~` : '', notes ? `~~${notes}~~ ${migration}` : migration];
  }
  return [r.port, service, location, notes];
}

export function toMarkdown(rows: PlanRow[]): string {
  const lines = [MARKDOWN_HEADER, MARKDOWN_HEADER.map(() => '---'), ...rows.map(markdownRow)].map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Every markdown table in a document: its header cells and its body rows. */
export function markdownTables(text: string): { header: string[]; rows: string[][]; line: number }[] {
  const tables: { header: string[]; rows: string[][]; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!isRow(lines[i]!) || !/^\s*\|?\s*:?-{3,}/.test(lines[i + 1]!)) continue;
    const header = cells(lines[i]!);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && isRow(lines[j]!); j++) rows.push(cells(lines[j]!));
    tables.push({ header, rows, line: i + 1 });
    i = j;
  }
  return tables;
}

const isRow = (l: string) => l.trim().startsWith('|');

export function cells(line: string): string[] {
  const t = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return t.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}
