// YAML parsing that keeps positions, so every problem can name file:line:col.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem } from '../errors.js';
import type { PathSegment } from './schema-dsl.js';

export interface ParsedYaml {
  value: unknown;
  /** 1-based line and column of the node at path (of its key when atKey) */
  positionOf(path: readonly PathSegment[], atKey?: boolean): { line: number; col: number } | undefined;
  syntaxErrors: Problem[];
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // the first syntax error only: the ones after it are usually its echoes
  const syntaxErrors: Problem[] = doc.errors.slice(0, 1).map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, line: pos.line, col: pos.col, message: firstLine(e.message) };
  });
  const toPos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  return {
    value: syntaxErrors.length ? undefined : doc.toJS({ maxAliasCount: 100 }),
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
