// Log lines prefixed by a coloured, padded service name, docker compose style.
import { SERVICE_COLORS, type Paint } from './style.js';

export function prefixer(names: readonly string[], paint: Paint): (service: string, line: string) => string {
  const width = Math.max(0, ...names.map((n) => n.length));
  const color = new Map(names.map((n, i) => [n, SERVICE_COLORS[i % SERVICE_COLORS.length]!]));
  return (service, line) => `${paint(color.get(service) ?? 'cyan', `${service.padEnd(width)} |`)} ${line}`;
}
