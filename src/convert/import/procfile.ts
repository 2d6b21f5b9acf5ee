// A Procfile (foreman, overmind, heroku): one service per "name: command" line. foreman gives
// every process type a PORT: 5000 for the first, then 100 apart. A process that uses $PORT gets
// that port in the plan; one with a fixed port in its line (-p 3000, --port=3000, PORT=3000)
// gets that one; the others keep the PORT foreman would give them in their env, outside the
// plan (a planned port must answer, and a worker listens on nothing).
import { dict } from '../../stack/own.js';
import { serviceName, type Imported, type RawService } from './result.js';

const FIXED = /(?:^|\s)(?:-p|--port)(?:\s+|=)(\d{2,5})\b|\bPORT=(\d{2,5})\b/;

export function importProcfile(text: string, name: string): Imported {
  const services: Record<string, RawService> = dict();
  const notes: string[] = [];
  let n = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const id = serviceName(m[1]!);
    const command = m[2]!;
    const foreman = 5000 + 100 * n;
    const uses = /\$\{?PORT\}?/.test(command);
    const fixed = FIXED.exec(command);
    const svc: RawService = { command: command.replace(/\$\{PORT\}|\$PORT\b/g, '${port}'), shell: true };
    if (uses) {
      svc.port = foreman;
      svc.env = { PORT: '${port}' };
    } else if (fixed) {
      svc.port = Number(fixed[1] ?? fixed[2]);
      notes.push(`${id}: listens on ${svc.port} (fixed in its command): in the plan, and preflight checks it`);
    } else {
      svc.env = { PORT: String(foreman) };
      notes.push(`${id}: foreman gives it PORT=${foreman}; kept in its env, not planned (its command does not use $PORT, so it may listen on nothing)`);
    }
    n++;
    services[id] = svc;
  }
  if (n) notes.push('each command runs through /bin/sh as foreman runs it (shell: true); drop shell: where a command needs none');
  return { name, services, notes };
}
