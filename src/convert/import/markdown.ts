// A port table (the seeds' layouts, or any table ports --check reads) as a stack: a service
// per row with its port, description, notes and protocol; ranges for port spans; groups from a
// "Range | Usage" table. Commands are TODO placeholders that devnet doctor flags.
import { dict } from '../../stack/own.js';
import { docPortTables, parsePorts, plain } from '../../plan/doc-tables.js';
import { markdownTables } from '../../plan/markdown.js';
import { serviceName, type Imported, type RawService } from './result.js';

export function importMarkdown(text: string, name: string): Imported {
  const tables = docPortTables(text);
  const services: Record<string, RawService> = dict();
  const ranges: NonNullable<Imported['ranges']> = [];
  const notes: string[] = [];
  // a program name in parentheses ("Global API Server (`apiserver`)") names the service,
  // unless several rows run the same program ("Finance Barn (`barn`)", "Analytics Barn (`barn`)")
  // (only a `code`-marked one: "(FastAPI)" or "(dev)" is a remark, not a program)
  const keyOf = (raw: string) => /\(`([A-Za-z0-9][\w.-]*)`\)[*_\s]*$/.exec(raw)?.[1];
  const rows = tables.flatMap((t) => t.rows);
  const shared = new Set(rows.map((r) => keyOf(r.rawName)).filter((k, i, all) => k && all.indexOf(k) !== i));
  // where each port was given, for the finding when a second row gives it again
  const givenAt = new Map<number, { name: string; line: number; id: string }>();
  for (const t of tables)
    for (const r of t.rows) {
      const key = keyOf(r.rawName);
      const label = r.name.replace(/\s*\([^)]*\)\s*$/, '').trim() || r.name;
      let id = serviceName(key && !shared.has(key) ? key : label);
      const [port] = r.ports;
      // the same service in a second table (an overview, then a detail table): one service
      const prior = services[id];
      if (prior && port && prior.port === port[0] && port[0] === port[1]) {
        notes.push(`line ${r.line}: "${r.name}" is listed again (port ${port[0]}); one service`);
        continue;
      }
      // "Coordinator API (dev)" and "Coordinator API (production)": the remark tells them apart
      if (services[id]) id = serviceName(r.name.replace(/\((planned|optional)\)/i, ''));
      for (let n = 2; services[id]; n++) id = `${serviceName(label)}-${n}`;
      const cell = (...names: string[]) => names.map((n) => r.cells[n]).find((v) => v && v !== '-');
      const description = r.name;
      const notesText = cell('notes', 'purpose', 'description', 'usage');
      const protocol = cell('protocol');
      const location = cell('location');
      const [first] = r.ports;
      if (!first) {
        notes.push(`line ${r.line}: "${r.name}" has no port; left out`);
        continue;
      }
      if (first[0] !== first[1]) {
        ranges.push({ name: id, ports: `${first[0]}-${first[1]}`, ...(notesText ? { purpose: notesText } : {}), ...(protocol ? { protocol } : {}) });
        continue;
      }
      const statusText = cell('status', 'state');
      const planned = /\(planned\)/i.test(r.name) || /\b(planned|not implemented|todo|proposed|future)\b/i.test(statusText ?? '');
      const migrated = /\b(migrated|moved|retired|deprecated|removed|replaced)\b/i.test(statusText ?? '');
      const svc: RawService = { description };
      if (planned) svc.status = 'planned';
      else svc.command = `TODO ${id} --port \${port}`;
      svc.port = first[0];
      const seen = givenAt.get(first[0]);
      if (seen)
        notes.push(`finding: port ${first[0]} is given twice in the document: "${seen.name}" (line ${seen.line}) and "${r.name}" (line ${r.line}); the stack cannot run both on it`);
      else givenAt.set(first[0], { name: r.name, line: r.line, id });
      if (migrated) {
        svc.status = 'deprecated';
        svc.migration = `${statusText} (the document's status)`;
      } else if (statusText && !planned && !/\b(active|live|running|ok|done|implemented|yes|stable)\b/i.test(statusText)) notes.push(`line ${r.line}: "${r.name}" has status "${statusText}", kept in its notes`);
      // a binding column: the address it listens on
      const bind = cell('binding', 'bind', 'bind address', 'address', 'host', 'listen', 'interface');
      const addr = bind && /^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-f:]+\]?|localhost)(:\d+)?$/i.exec(bind.trim());
      if (addr) {
        const host = addr[1]!.replace(/^\[|\]$/g, '').replace(/^localhost$/i, '127.0.0.1');
        if (host !== '127.0.0.1') svc.host = host;
        if (host === '0.0.0.0' || host === '::') svc.exposure = 'public';
      } else if (bind) notes.push(`line ${r.line}: "${r.name}" binds "${bind}", which is not an address; kept in its notes`);
      // a health column: its readiness and health check, when it names an HTTP path
      const health = cell('health', 'health endpoint', 'health check', 'healthcheck', 'readiness');
      const path = health && /(^|\s|GET\s+)(\/[\w./-]*)/.exec(health)?.[2];
      if (path) {
        svc.ready = { http: path };
        svc.health = { http: path };
      } else if (health) notes.push(`line ${r.line}: "${r.name}" health "${health}" is not an HTTP path; kept in its notes`);
      const extra = [statusText && !planned && !migrated ? `status: ${statusText}` : '', bind && !addr ? `binds: ${bind}` : '', health && !path ? `health: ${health}` : ''].filter(Boolean);
      if (r.ports.length > 1) notes.push(`line ${r.line}: "${r.name}" lists ${r.ports.length} ports; only ${first[0]} was taken (add the others under ports:)`);
      if (r.deprecated) {
        svc.status = 'deprecated';
        svc.migration = notesText ?? 'struck through in the document';
      }
      if (location) svc.location = location;
      if (notesText || extra.length) svc.notes = [notesText, ...extra].filter(Boolean).join('; ');
      if (protocol) svc.protocol = protocol;
      services[id] = svc;
    }
  // "Range | Usage" tables: the groups of the plan
  const groups = markdownTables(text)
    .filter((t) => /^range$/i.test(plain(t.header[0] ?? '')))
    .flatMap((t) =>
      t.rows.flatMap((cells) => {
        const [span] = parsePorts(cells[0] ?? '');
        const usage = plain(cells[1] ?? '');
        return span && span[0] !== span[1] ? [{ name: serviceName(usage.split(/[(,]/)[0]!), ports: `${span[0]}-${span[1]}`, ...(usage ? { description: usage } : {}) }] : [];
      }),
    );
  // a service whose port lies in a group's range belongs to it (the first that holds it)
  for (const svc of Object.values(services)) {
    const port = svc.port as number | undefined;
    const g = port === undefined ? undefined : groups.find((x) => {
      const [a, b] = x.ports.split('-').map(Number);
      return port >= a! && port <= b!;
    });
    if (g) svc.group = g.name;
  }
  if (Object.values(services).some((s) => typeof s.command === 'string' && s.command.startsWith('TODO')))
    notes.push('commands are TODO placeholders: the document does not say how to start the services (devnet doctor lists them)');
  // the document's first heading names the stack better than its file name
  const heading = /^#\s+(.+)$/m.exec(text)?.[1];
  const title = heading && plain(heading).replace(/[^\x20-\x7e]/g, '').trim();
  return { name: title ? serviceName(title) : name, description: title || undefined, services, ranges, groups, notes };
}
