// YAML parsing that keeps positions, so every problem can name file:line:col.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem } from '../errors.js';
import type { PathSegment } from './schema-dsl.js';

export interface ParsedYaml {
  value: unknown;
  /** 1-based line and column of the node at path (of its key when atKey) */
  positionOf(path: readonly PathSegment[], atKey?: boolean): { line: number; col: number } | undefined;
  syntaxErrors: Problem[];
}

/**
 * Nodes a document may hold once its aliases are expanded. The bound is on the expanded size,
 * not on the number of aliases: a compose file with hundreds of `<<: *defaults` is a few
 * thousand nodes, while the "billion laughs" (nine aliases of nine aliases, nine deep) is 10^9.
 * A 1 MiB stack file of plain YAML holds about 100,000.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys compares every key with every other (minutes for 40k keys): duplicateKey does it in one pass
  // merge: `<<: *anchor` merges, as compose and YAML 1.1 tools read it
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const toPos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const at = (offset: number, message: string): Problem => ({ file, ...toPos(offset), message });
  // the first syntax error only: the ones after it are usually its echoes
  const syntaxErrors: Problem[] = doc.errors.slice(0, 1).map((e) => at(e.pos[0], withHint(firstLine(e.message))));
  if (!syntaxErrors.length) {
    const dup = duplicateKey(doc);
    if (dup) syntaxErrors.push(at(dup.offset, `duplicate key "${dup.key}" (first at line ${toPos(dup.first).line}); a mapping names each key once`));
  }
  let value: unknown;
  if (!syntaxErrors.length) {
    const over = expandsPast(doc, MAX_EXPANDED_NODES);
    if (over !== undefined) syntaxErrors.push(at(over, `aliases expand past devnet's limit of ${MAX_EXPANDED_NODES.toLocaleString('en')} nodes (an alias bomb?); write the values out, or use fewer nested aliases`));
    else value = doc.toJS({ maxAliasCount: -1 });
  }
  return {
    value,
    syntaxErrors,
    positionOf(path, atKey = false) {
      let node: unknown = doc.contents;
      let last: { line: number; col: number } | undefined = rangeStart(node, toPos);
      for (let i = 0; i < path.length; i++) {
        const seg = path[i]!;
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === seg);
          if (!pair) return last;
          const isLast = i === path.length - 1;
          node = isLast && atKey ? pair.key : pair.value;
          if (isLast && atKey) return rangeStart(pair.key, toPos) ?? last;
        } else if (isSeq(node) && typeof seg === 'number') {
          node = node.items[seg];
        } else {
          return last;
        }
        last = rangeStart(node, toPos) ?? last;
      }
      return last;
    },
  };
}

function rangeStart(node: unknown, toPos: (o: number) => { line: number; col: number }) {
  const range = (node as Node | undefined)?.range;
  return range ? toPos(range[0]) : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function duplicateKey(doc: Document): { key: string; offset: number; first: number } | undefined {
  let found: { key: string; offset: number; first: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
        // merge keys (<<) may repeat; keys that are not scalars are compared by identity only
        if (key === '<<' || (key !== null && typeof key === 'object')) continue;
        const first = seen.get(key);
        if (first !== undefined) {
          found = { key: String(key), offset, first };
          return visit.BREAK;
        }
        seen.set(key, offset);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Where the document's expanded size passes `limit` (the alias that makes it), or undefined.
 * Each anchored node's size is computed once, so even a bomb is measured in linear time; an
 * alias inside its own anchor (a cycle) counts as past the limit.
 */
function expandsPast(doc: Document, limit: number): number | undefined {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let total = 0;
  let at: number | undefined;
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target || open.has(target)) return Infinity;
      const n = sizes.get(target) ?? size(target);
      return n;
    }
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let n = 1;
    if (isMap(node)) for (const p of node.items) n += (p.key == null ? 0 : size(p.key)) + (p.value == null ? 0 : size(p.value));
    else if (isSeq(node)) for (const i of node.items) n += size(i);
    open.delete(node);
    sizes.set(node, n);
    return n;
  };
  // the whole document, then the first alias whose expansion alone passes the limit, for the position
  total = doc.contents == null ? 0 : size(doc.contents);
  if (total <= limit) return undefined;
  visit(doc, {
    Alias(_, node) {
      if (size(node) > limit / 10 || at === undefined) at = node.range?.[0];
      if (size(node) > limit / 10) return visit.BREAK;
    },
  });
  return at ?? 0;
}

// yaml's words for a plain value holding ": " (command: echo a: b), which YAML reads as a mapping
const COLON_IN_VALUE = /compact mappings|not allowed within flow collections|Implicit keys need to be on a single line|Implicit map keys need to be/;

function withHint(message: string): string {
  return COLON_IN_VALUE.test(message) ? `${message}; a value that holds ": " must be quoted, e.g. command: "echo a: b"` : message;
}
