// What an importer produces: a stack as plain data, and what could not be carried over.
export type RawService = Record<string, unknown>;

export interface Imported {
  name: string;
  description?: string;
  services: Record<string, RawService>;
  ranges?: { name: string; ports: string; purpose?: string; protocol?: string }[];
  groups?: { name: string; ports: string; description?: string }[];
  /** the stack's own env: (process-compose's top-level environment) */
  env?: Record<string, string>;
  /** what the stack cannot say, one line each: in the output as comments and on stderr */
  notes: string[];
}

/** A service name devnet accepts: letters, digits, -, _ and . */
export function serviceName(s: string): string {
  const n = s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  return n || 'service';
}

/** "30s", "1m30s", "500ms" (compose, process-compose) as devnet's duration, or undefined. */
export function duration(v: unknown): string | undefined {
  if (typeof v === 'number') return `${v}s`;
  if (typeof v !== 'string') return undefined;
  let ms = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s|us|ns)/g)) ms += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 }[m[2] as 'h']!;
  return ms ? (ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`) : undefined;
}
