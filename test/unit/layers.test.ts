// The house's layout as a test: each folder of src/ is a layer, and a file imports only from
// its own layer or lower ones; no two files import each other, directly or around a circle.
// Type-only imports count: a type that lives upstairs is a sign the room is wrong.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

/** Lowest first. Files at the top of src/ (errors, events, trace) are the floor everything stands on. */
export const LAYERS: string[][] = [
  ['.', 'async', 'fs'],
  // containers through the engine's CLI: beside the platform, what a process is to it
  ['platform', 'container'],
  // the port plan as code is the stack's own view of itself (a rendered prometheus.yml is one)
  ['stack', 'plan'],
  ['state'],
  ['ports'],
  ['service'],
  ['control'],
  ['record'],
  ['supervisor'],
  ['convert', 'doctor', 'assertions'],
  ['report'],
  // devnet ui: its model, feed and controller; its view is built alone (dist/ui.mjs)
  ['ui'],
  ['cli'],
];

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const files = walk(src).filter((f) => /\.tsx?$/.test(f) && !/\.test(-support)?\.tsx?$/.test(f));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    const ts = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
    out.push(existsSync(ts) ? ts : `${ts}x`);
  }
  return out;
}

const layerOf = (file: string): number => {
  const top = relative(src, file).split('/');
  const room = top.length === 1 ? '.' : top[0]!;
  const i = LAYERS.findIndex((l) => l.includes(room));
  if (i < 0) throw new Error(`src/${room}/ is in no layer: add it to LAYERS`);
  return i;
};

describe('the layout', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('every folder of src/ has its place in the layers', () => {
    for (const f of files) expect(() => layerOf(f)).not.toThrow();
  });

  it('no file imports from a higher layer', () => {
    const upward: string[] = [];
    for (const [f, deps] of graph)
      for (const d of deps) if (layerOf(d) > layerOf(f)) upward.push(`${relative(src, f)} -> ${relative(src, d)}`);
    expect(upward).toEqual([]);
  });

  it('no circles', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(src, x)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      path.push(f);
      for (const d of graph.get(f) ?? []) visit(d);
      path.pop();
      state.set(f, 'done');
    };
    for (const f of files) visit(f);
    expect(circles).toEqual([]);
  });
});
