// A Procfile (foreman, overmind, heroku): one service per "name: command" line. Processes that
// use $PORT get one, as foreman gives them: 5000 for the first, then 100 apart.
import { dict } from '../../stack/own.js';
import { serviceName, type Imported, type RawService } from './result.js';

export function importProcfile(text: string, name: string): Imported {
  const services: Record<string, RawService> = dict();
  const notes: string[] = [];
  let n = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const id = serviceName(m[1]!);
    const uses = /\$\{?PORT\}?/.test(m[2]!);
    const svc: RawService = { command: m[2]!.replace(/\$\{PORT\}|\$PORT\b/g, '${port}'), shell: true };
    if (uses) {
      svc.port = 5000 + 100 * n;
      svc.env = { PORT: '${port}' };
    }
    n++;
    services[id] = svc;
  }
  if (n) notes.push('each command runs through /bin/sh as foreman runs it (shell: true); drop shell: where a command needs none');
  return { name, services, notes };
}
