// Dependency graph: start order in waves and cycle detection. Pure.
import { own } from './own.js';

export type Graph = Record<string, readonly string[]>;

/** A dependency cycle as a path that returns to its start, or undefined. */
export function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of own(graph, node) ?? []) {
      if (!Object.hasOwn(graph, dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of Object.keys(graph)) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Nodes in waves: each wave depends only on earlier ones. Throws on a cycle. */
export function startWaves(graph: Graph): string[][] {
  const cycle = findCycle(graph);
  if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}`);
  const level = new Map<string, number>();
  const depth = (node: string): number => {
    const known = level.get(node);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(own(graph, node) ?? []).filter((x) => Object.hasOwn(graph, x)).map(depth)) + 1;
    level.set(node, d);
    return d;
  };
  const waves: string[][] = [];
  for (const node of Object.keys(graph)) (waves[depth(node)] ??= []).push(node);
  return waves;
}

/** The nodes and everything they depend on, transitively. */
export function withDependencies(graph: Graph, roots: readonly string[]): Set<string> {
  const out = new Set<string>();
  const add = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    for (const d of own(graph, n) ?? []) add(d);
  };
  roots.forEach(add);
  return out;
}
