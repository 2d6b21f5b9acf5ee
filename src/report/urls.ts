// The table printed once a stack is up, as `supabase start` does: where everything is.
import { formatColumns } from '../plan/table.js';
import type { ReadyService } from './events.js';

export function urlTable(services: ReadyService[]): string {
  if (!services.length) return '';
  const rows = services.map((s) => [s.name, s.url ?? '-', Object.entries(s.ports).map(([n, p]) => (n === 'default' ? `${p}` : `${n}=${p}`)).join(' ') || '-']);
  return formatColumns([['SERVICE', 'URL', 'PORTS'], ...rows]);
}
