// The table printed once a stack is up, as `supabase start` does: where everything is.
import { formatColumns } from '../plan/table.js';
import type { ReadyService } from '../events.js';

export function urlTable(all: ReadyService[]): string {
  // a one-shot task that completed has nothing to visit: its own done line said it
  const services = all.filter((s) => !s.completed);
  if (!services.length) return '';
  const rows = services.map((s) => [s.name, s.url ?? '-', Object.entries(s.ports).map(([n, p]) => (n === 'default' ? `${p}` : `${n}=${p}`)).join(' ') || '-']);
  return formatColumns([['SERVICE', 'URL', 'PORTS'], ...rows]);
}
