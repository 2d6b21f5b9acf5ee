// The Prometheus text exposition format (version 0.0.4), read as far as a check needs it:
// samples with their labels and values. # HELP and # TYPE lines and blank lines are skipped;
// a timestamp after the value is ignored; label values unescape \\, \" and \n.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) continue;
    let i = name.length;
    const labels: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      for (;;) {
        while (line[i] === ' ' || line[i] === ',') i++;
        if (line[i] === '}') {
          i++;
          break;
        }
        const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
        if (!key || line[i + key.length] !== '=' || line[i + key.length + 1] !== '"') {
          i = -1;
          break;
        }
        i += key.length + 2;
        let v = '';
        for (; i < line.length && line[i] !== '"'; i++) {
          if (line[i] === '\\' && i + 1 < line.length) {
            const n = line[++i];
            v += n === 'n' ? '\n' : n;
          } else v += line[i];
        }
        if (i >= line.length) {
          i = -1;
          break;
        }
        i++;
        labels[key] = v;
      }
      if (i < 0) continue;
    }
    const rest = line.slice(i).trim().split(/\s+/);
    const value = parseValue(rest[0] ?? '');
    if (value === undefined) continue;
    out.push({ name, labels, value });
  }
  return out;
}

function parseValue(v: string): number | undefined {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  return v !== '' && !Number.isNaN(n) ? n : undefined;
}

/** The samples of `name` whose labels include every one of `labels`. */
export function samplesOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
