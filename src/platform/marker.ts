// The run marker: variables devnet sets on every service, so a process is known as devnet's
// (and whose) from its environment alone, even after it left its service's process tree.
import type { Marker } from './types.js';

export const MARKER = { stack: 'DEVNET_STACK_ID', service: 'DEVNET_SERVICE_NAME', run: 'DEVNET_RUN_ID', probe: 'DEVNET_PROBE_ID' } as const;

/** A marker from NAME=value entries (an environ, or the words ps prints after a command). */
export function markerOf(entries: Iterable<string>): Marker | undefined {
  const vars = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.startsWith('DEVNET_')) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const stack = vars.get(MARKER.stack);
  const service = vars.get(MARKER.service);
  const probe = vars.get(MARKER.probe);
  return stack && service ? { stack, service, run: vars.get(MARKER.run), ...(probe ? { probe } : {}) } : undefined;
}
