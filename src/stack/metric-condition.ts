// A condition on a Prometheus metric: `NAME OP NUMBER`, with labels as NAME{k="v"}. One
// parser for readiness and health on a metric (ready: { metric: 'blocks_total >= 1' }) and
// for devnet test's `metric` assertion.

export type MetricOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export interface MetricCondition {
  name: string;
  labels: Record<string, string>;
  op: MetricOp;
  value: number;
}

const OPS: MetricOp[] = ['==', '!=', '>=', '<=', '>', '<'];

/** The condition, or a message that says what is wrong and where (`at`: 0-based offset). */
export function parseMetricCondition(text: string): { condition: MetricCondition; rest: string } | { error: string; at: number } {
  const s = text;
  let i = 0;
  const blank = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  blank();
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?/.exec(s.slice(i));
  if (!m) return { error: 'expected a metric name (NAME or NAME{label="value"})', at: i };
  const labels: Record<string, string> = {};
  if (m[2]) {
    const body = m[2].slice(1, -1).trim();
    for (const part of body ? body.split(',') : []) {
      const l = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"\s*$/.exec(part);
      if (!l) return { error: `expected label="value" in ${m[2]}`, at: i + m[1]!.length };
      labels[l[1]!] = l[2]!;
    }
  }
  i += m[0].length;
  blank();
  const op = OPS.find((o) => s.startsWith(o, i));
  if (!op) return { error: `expected an operator (${OPS.join(' ')}) after ${m[1]}`, at: i };
  i += op.length;
  blank();
  const n = /^-?\d+(\.\d+)?(e-?\d+)?/.exec(s.slice(i));
  if (!n) return { error: 'expected a number', at: i };
  i += n[0].length;
  return { condition: { name: m[1]!, labels, op, value: Number(n[0]) }, rest: s.slice(i) };
}

export function holds(got: number, op: MetricOp, want: number): boolean {
  return op === '==' ? got === want : op === '!=' ? got !== want : op === '>' ? got > want : op === '>=' ? got >= want : op === '<' ? got < want : got <= want;
}

export const describeCondition = (c: MetricCondition): string => `${c.name}${Object.keys(c.labels).length ? `{${Object.entries(c.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''} ${c.op} ${c.value}`;
