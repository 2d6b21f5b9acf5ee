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
  for (const t of tables)
    for (const r of t.rows) {
      const key = keyOf(r.rawName);
      const label = r.name.replace(/\s*\([^)]*\)\s*$/, '').trim() || r.name;
      let id = serviceName(key && !shared.has(key) ? key : label);
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
      const planned = /\(planned\)/i.test(r.name);
      const svc: RawService = { description };
      if (planned) svc.status = 'planned';
      else svc.command = `TODO ${id} --port \${port}`;
      svc.port = first[0];
      if (r.ports.length > 1) notes.push(`line ${r.line}: "${r.name}" lists ${r.ports.length} ports; only ${first[0]} was taken (add the others under ports:)`);
      if (r.deprecated) {
        svc.status = 'deprecated';
        svc.migration = notesText ?? 'struck through in the document';
      }
      if (location) svc.location = location;
      if (notesText) svc.notes = notesText;
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
