// Docs drift: the port table in a markdown file against the one the stack generates.
import { MARKDOWN_HEADER, markdownRow, markdownTables } from './markdown.js';
import type { PlanRow } from './rows.js';

export interface Drift {
  found: boolean;
  /** lines of a diff: "- " in the file only, "+ " in the stack only */
  diff: string[];
}

const norm = (cells: string[]) => `| ${cells.map((c) => c.replace(/\s+/g, ' ').trim()).join(' | ')} |`;

export function checkDrift(document: string, rows: PlanRow[]): Drift {
  const want = MARKDOWN_HEADER.map((h) => h.toLowerCase()).join('|');
  const table = markdownTables(document).find((t) => t.header.map((h) => h.toLowerCase()).join('|') === want);
  if (!table) return { found: false, diff: [] };
  const fileRows = table.rows.map(norm);
  const stackRows = rows.map((r) => norm(markdownRow(r)));
  return { found: true, diff: lineDiff(fileRows, stackRows) };
}

/** A minimal LCS diff: enough for tables of tens of rows. */
export function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}
