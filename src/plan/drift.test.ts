import { describe, expect, it } from 'vitest';
import { checkDrift, lineDiff } from './drift.js';
import { cells, markdownTables } from './markdown.js';
import type { PlanRow } from './rows.js';

const row = (port: number, service: string, extra: Partial<PlanRow> = {}): PlanRow => ({ port: String(port), from: port, to: port, service, key: service, status: 'active', profiles: [], exposure: 'external', ...extra });

describe('port plan drift', () => {
  const doc = `# Plan\n\n| Port | Service | Location | Notes |\n| --- | --- | --- | --- |\n| 8080 | Node | \`apps/node/\` | RPC |\n| 8090 | Mock |  | x \\| y |\n\ntext`;

  it('finds markdown tables and unescapes cells', () => {
    const [t] = markdownTables(doc);
    expect(t!.header).toEqual(['Port', 'Service', 'Location', 'Notes']);
    expect(t!.rows[1]).toEqual(['8090', 'Mock', '', 'x | y']);
    expect(cells('| a | b |')).toEqual(['a', 'b']);
  });

  it('is clean when the stack matches and shows the difference when not', () => {
    const rows = [row(8080, 'Node', { location: '`apps/node/`', notes: 'RPC' }), row(8090, 'Mock', { notes: 'x | y' })];
    expect(checkDrift(doc, rows)).toEqual({ found: true, diff: [] });
    const drift = checkDrift(doc, [rows[0]!, row(8091, 'Mock', { notes: 'x | y' })]);
    expect(drift.diff).toEqual(['- | 8090 | Mock |  | x | y |', '+ | 8091 | Mock |  | x | y |']);
  });

  it('diffs lines minimally', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'c', 'd'])).toEqual(['- b', '+ d']);
  });
});
