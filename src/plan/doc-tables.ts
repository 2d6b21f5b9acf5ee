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

/** A port column: Port, Ports, Port Range, Default Port(s), Connection port, Listen port, Host port... (not Protocol, Transport, Support). */
const PORT_HEADER = /^ports?$/i;
const PORTISH_HEADER = /(^|\s)ports?(\(s\))?(\s|$)|^port\(s\)$/i;
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
  // a number standing alone: "p2p" and "v1.2" hold no port
  for (const m of plain(cell).matchAll(/(?<![\w.])(\d{1,5})(?:\s*[-–]\s*(\d{1,5}))?(?![\w.])/g)) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from >= 1 && to <= 65535 && from <= to) out.push([from, to]);
  }
  return out;
}

const struck = (cell: string | undefined) => /^\s*~~[\s\S]*~~\s*$/.test(cell ?? '');

/**
 * Which column holds the ports: one headed Port(s); else one whose header names a port (Port
 * Range, Default Port(s), Listen port); else a column headed Default whose cells are ports.
 */
function portColumn(header: string[], rows: string[][]): number {
  const exact = header.findIndex((h) => PORT_HEADER.test(h));
  if (exact >= 0) return exact;
  const named = header.findIndex((h) => PORTISH_HEADER.test(h));
  if (named >= 0) return named;
  const byDefault = header.findIndex((h) => /^default$/i.test(h));
  if (byDefault >= 0 && rows.length && rows.filter((r) => /^\s*`?\d{1,5}`?\s*$/.test(plain(r[byDefault] ?? ''))).length * 2 >= rows.length) return byDefault;
  return -1;
}

export function docPortTables(text: string): DocTable[] {
  const out: DocTable[] = [];
  for (const t of markdownTables(text)) {
    const header = t.header.map(plain);
    const portIdx = portColumn(header, t.rows);
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
