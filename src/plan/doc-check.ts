// Docs drift by meaning: each row of a document's port tables is matched to a row of the
// stack's plan (by the service's key, its description, or a fuzzy match of the name, and
// said which), then compared by port. Formatting never counts; what a reader would call a
// difference does: a row the stack lacks, a service the documents lack, a port that differs,
// and a port a document gives to two services.
import type { DocRow, DocTable } from './doc-tables.js';
import type { PlanRow } from './rows.js';

export type MatchHow = 'description' | 'key' | 'name';

export interface DocFile {
  file: string;
  tables: DocTable[];
}

export type Finding =
  | { kind: 'port-differs'; file: string; line: number; name: string; key: string; how: MatchHow; document: string; stack: string }
  | { kind: 'not-in-stack'; file: string; line: number; name: string; ports: string }
  | { kind: 'not-in-document'; key: string; service: string; port: string }
  | { kind: 'clash'; file: string; port: string; rows: { line: number; name: string }[] }
  | { kind: 'status-differs'; file: string; line: number; name: string; key: string; document: string; stack: string };

export interface CheckResult {
  rows: number;
  matched: { file: string; line: number; name: string; key: string; how: MatchHow }[];
  findings: Finding[];
}

const words = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const tokens = (s: string) => new Set(words(s).split(' ').filter(Boolean));
const span = ([a, b]: [number, number]) => (a === b ? String(a) : `${a}-${b}`);

function jaccard(a: Set<string>, b: Set<string>): number {
  const inter = [...a].filter((t) => b.has(t)).length;
  return inter / (a.size + b.size - inter || 1);
}

/** How well a document row names a plan row: 3 its description, 2 its key, 1 a fuzzy match, 0 not at all. */
function score(doc: DocRow, row: PlanRow): number {
  const name = words(doc.name);
  if (!name) return 0;
  if (name === words(row.service)) return 3;
  const key = words(row.key);
  if (name === key || ` ${name} `.includes(` ${key} `)) return 2;
  if (jaccard(tokens(doc.name), new Set([...tokens(row.service), ...tokens(row.key)])) >= 0.5) return 1;
  return 0;
}

const HOW: Record<number, MatchHow> = { 3: 'description', 2: 'key', 1: 'name' };

/** A token shared by more plan rows than this names none of them: it is not looked up. */
const COMMON_TOKEN = 50;

/**
 * Plan rows that may match a document row, from indexes rather than every pair (10k rows
 * against a 10k-row plan took 15s): equal descriptions, keys among the name's words, and for
 * the fuzzy match the rows sharing a word that few rows have.
 */
function candidateIndex(plan: PlanRow[]): (doc: DocRow) => Set<number> {
  const add = (m: Map<string, number[]>, k: string, j: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(j);
  const byService = new Map<string, number[]>();
  const byKey = new Map<string, number[]>();
  const byToken = new Map<string, number[]>();
  plan.forEach((p, j) => {
    add(byService, words(p.service), j);
    add(byKey, words(p.key), j);
    for (const t of new Set([...tokens(p.service), ...tokens(p.key)])) add(byToken, t, j);
  });
  return (doc) => {
    const out = new Set<number>();
    const name = words(doc.name);
    for (const j of byService.get(name) ?? []) out.add(j);
    const w = name.split(' ');
    // every run of consecutive words of the name, as a key would appear in it
    for (let a = 0; a < w.length; a++) for (let b = a + 1; b <= w.length && b - a <= 6; b++) for (const j of byKey.get(w.slice(a, b).join(' ')) ?? []) out.add(j);
    for (const t of tokens(doc.name)) {
      const js = byToken.get(t) ?? [];
      if (js.length <= COMMON_TOKEN) for (const j of js) out.add(j);
    }
    return out;
  };
}

export function checkDocuments(docs: DocFile[], plan: PlanRow[]): CheckResult {
  const entries = docs.flatMap((d) => d.tables.flatMap((t) => t.rows.map((row) => ({ file: d.file, row }))));
  const candidates = candidateIndex(plan);
  // best matches first, each plan row and document row used once; a same-port match wins a tie
  const pairs = entries
    .flatMap((e, i) => [...candidates(e.row)].map((j) => ({ i, j, s: score(e.row, plan[j]!), samePort: e.row.ports.some(([a, b]) => a === plan[j]!.from && b === plan[j]!.to) })))
    .filter((p) => p.s > 0)
    .sort((x, y) => y.s - x.s || Number(y.samePort) - Number(x.samePort) || x.i - y.i || x.j - y.j);
  const docTaken = new Map<number, { j: number; s: number }>();
  const planTaken = new Set<number>();
  for (const p of pairs) {
    if (docTaken.has(p.i) || planTaken.has(p.j)) continue;
    docTaken.set(p.i, { j: p.j, s: p.s });
    planTaken.add(p.j);
  }
  const findings: Finding[] = [];
  const matched: CheckResult['matched'] = [];
  entries.forEach((e, i) => {
    const m = docTaken.get(i);
    const docPorts = e.row.ports.map(span).join(', ') || 'none';
    if (!m) {
      // a struck-through row is history: the stack need not have it
      if (!e.row.deprecated) findings.push({ kind: 'not-in-stack', file: e.file, line: e.row.line, name: e.row.name, ports: docPorts });
      return;
    }
    const p = plan[m.j]!;
    matched.push({ file: e.file, line: e.row.line, name: e.row.name, key: p.key, how: HOW[m.s]! });
    if (!e.row.ports.some(([a, b]) => a === p.from && b === p.to))
      findings.push({ kind: 'port-differs', file: e.file, line: e.row.line, name: e.row.name, key: p.key, how: HOW[m.s]!, document: docPorts, stack: p.port });
    const stackDeprecated = p.status === 'deprecated';
    if (stackDeprecated !== e.row.deprecated)
      findings.push({ kind: 'status-differs', file: e.file, line: e.row.line, name: e.row.name, key: p.key, document: e.row.deprecated ? 'deprecated (struck through)' : 'in use', stack: stackDeprecated ? 'deprecated' : p.status === 'planned' ? 'planned' : 'in use' });
  });
  plan.forEach((p, j) => {
    if (!planTaken.has(j)) findings.push({ kind: 'not-in-document', key: p.key, service: p.service, port: p.port });
  });
  // a port the document gives to two services (struck-through rows are history, not claims)
  for (const d of docs) findings.push(...clashes(d));
  return { rows: entries.length, matched, findings };
}

/** Overlapping ports of rows with different names, by a sweep over the spans sorted by start (not every pair). */
function clashes(d: DocFile): Finding[] {
  const spans = d.tables
    .flatMap((t) => t.rows)
    .filter((r) => !r.deprecated)
    .flatMap((row) => row.ports.map(([from, to]) => ({ row, from, to })))
    .sort((a, b) => a.from - b.from || a.row.line - b.row.line);
  const out: Finding[] = [];
  const seen = new Set<string>();
  let open: typeof spans = [];
  for (const s of spans) {
    open = open.filter((o) => o.to >= s.from);
    for (const o of open) {
      const [a, b] = o.row.line < s.row.line ? [o.row, s.row] : [s.row, o.row];
      if (a.line === b.line || words(a.name) === words(b.name)) continue;
      const key = `${a.line}|${b.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind: 'clash', file: d.file, port: span([Math.max(o.from, s.from), Math.min(o.to, s.to)]), rows: [{ line: a.line, name: a.name }, { line: b.line, name: b.name }] });
    }
    open.push(s);
  }
  // in document order, as a reader goes through it
  return out.sort((x, y) => (x.kind === 'clash' && y.kind === 'clash' ? x.rows[0]!.line - y.rows[0]!.line || x.rows[1]!.line - y.rows[1]!.line : 0));
}

export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case 'port-differs':
      return `${f.file}:${f.line}: "${f.name}" has port ${f.document} in the document, ${f.stack} in the stack (service ${f.key}, matched by ${f.how})`;
    case 'not-in-stack':
      return `${f.file}:${f.line}: "${f.name}" (port ${f.ports}) is in the document but not in the stack`;
    case 'not-in-document':
      return `service ${f.key} (${f.service}, port ${f.port}) is in the stack but in no document`;
    case 'clash':
      return `${f.file}:${f.rows[0]!.line}: port ${f.port} is given to both "${f.rows[0]!.name}" (line ${f.rows[0]!.line}) and "${f.rows[1]!.name}" (line ${f.rows[1]!.line}) in the document`;
    case 'status-differs':
      return `${f.file}:${f.line}: "${f.name}" is ${f.document} in the document, ${f.stack} in the stack (service ${f.key})`;
  }
}
