// Port tables as teams write them: any markdown table whose header has a port column
// (Port, Ports) and a name column (Service, Name, Component; else the first other column),
// in any order, with any other columns. Cells are read for what they say, not how they are
// formatted: **bold**, `code`, links; ports as 8080, `8080`, 30000-32767 or lists; a row
// struck through (~~...~~) is deprecated.
import { dict } from '../stack/own.js';
import { markdownTables } from './markdown.js';

export interface DocRow {
  /** 1-based line in the document */
  line: number;
  /** the name cell, without formatting */
  name: string;
  /** the name cell as written (`code` marks name a program) */
  rawName: string;
  /** the other cells, by lower-case header, without formatting */
  cells: Record<string, string>;
  /** [from, to] for each port or range in the port cell */
  ports: [number, number][];
  deprecated: boolean;
}

export interface DocTable {
  line: number;
  portColumn: string;
  nameColumn: string;
  rows: DocRow[];
}

const PORT_HEADER = /^ports?$/i;
const NAME_HEADER = /^(service|services|name|component|process)$/i;

/** Text of a cell: no emphasis, code marks, strike marks or link targets. */
export function plain(cell: string): string {
  return cell
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/~~/g, '')
    .replace(/\*\*|__/g, '')
    .replace(/(^|\s)[*_]|[*_](\s|$)/g, '$1$2')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `8080`, `8080/tcp`, `30000-32767`, `8080, 8081`, `8080 / 8443`; words around are ignored. */
export function parsePorts(cell: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of plain(cell).matchAll(/(\d{1,5})(?:\s*[-–]\s*(\d{1,5}))?/g)) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from >= 1 && to <= 65535 && from <= to) out.push([from, to]);
  }
  return out;
}

const struck = (cell: string | undefined) => /^\s*~~[\s\S]*~~\s*$/.test(cell ?? '');

export function docPortTables(text: string): DocTable[] {
  const out: DocTable[] = [];
  for (const t of markdownTables(text)) {
    const header = t.header.map(plain);
    const portIdx = header.findIndex((h) => PORT_HEADER.test(h));
    if (portIdx < 0) continue;
    let nameIdx = header.findIndex((h) => NAME_HEADER.test(h));
    if (nameIdx < 0) nameIdx = portIdx === 0 ? 1 : 0;
    const rows = t.rows.map((cells, i): DocRow => {
      return {
        line: t.line + 2 + i,
        name: plain(cells[nameIdx] ?? ''),
        rawName: (cells[nameIdx] ?? '').trim(),
        cells: dict(header.map((h, j) => [h.toLowerCase(), plain(cells[j] ?? '')])),
        ports: parsePorts(cells[portIdx] ?? ''),
        deprecated: struck(cells[portIdx]) || struck(cells[nameIdx]),
      };
    });
    out.push({ line: t.line, portColumn: header[portIdx]!, nameColumn: header[nameIdx] ?? '', rows: rows.filter((r) => r.ports.length || r.name) });
  }
  return out;
}
