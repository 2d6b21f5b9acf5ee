// devnet import FILE: a stack from what a team already has. The kind is told by the file's
// name and content: a Procfile, a markdown port table, a docker-compose file (services:) or a
// process-compose file (processes:).
import { basename, dirname, extname, resolve } from 'node:path';
import { StackError, UsageError } from '../../errors.js';
import { shapeProblems } from './shape.js';
import { importCompose, prepareCompose } from './compose.js';
import { importMarkdown } from './markdown.js';
import { importProcessCompose } from './process-compose.js';
import { importProcfile } from './procfile.js';
import { serviceName, type Imported } from './result.js';

export type ImportKind = 'markdown' | 'compose' | 'procfile' | 'process-compose';

export async function importFile(file: string, text: string, kind?: ImportKind): Promise<{ kind: ImportKind; result: Imported }> {
  const base = basename(file);
  // a generic file name (docker-compose.yml, Procfile) says nothing: its folder names the project, as compose does
  const own = basename(base, extname(base)).replace(/^(docker-)?compose$|^process-compose$|^procfile$/i, '');
  const name = serviceName(own || basename(dirname(resolve(file))) || 'imported');
  const as = kind ?? detect(base, text);
  if (as === 'markdown') return { kind: as, result: importMarkdown(text, name) };
  if (as === 'procfile') return { kind: as, result: importProcfile(text, name) };
  const { parseYaml } = await import('../../stack/yaml-doc.js');
  const parsed = parseYaml(text, file);
  if (parsed.syntaxErrors.length) throw new StackError(parsed.syntaxErrors);
  const doc = parsed.value;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${file}: expected a mapping with services: (compose) or processes: (process-compose)`);
  const problems = shapeProblems(doc as Record<string, unknown>, as, parsed, file);
  if (problems.length) throw new StackError(problems, { hint: `nothing was written; ${file} is not a ${as} file devnet can read as it is` });
  if (as === 'compose') {
    const notes: string[] = [];
    const { resolveComposeFiles } = await import('./compose-files.js');
    const whole = await resolveComposeFiles(doc as Record<string, unknown>, file, notes);
    const result = importCompose(prepareCompose(whole, notes), name);
    result.notes.unshift(...notes);
    return { kind: as, result };
  }
  return { kind: as, result: importProcessCompose(doc as Record<string, unknown>, name) };
}

function detect(base: string, text: string): ImportKind {
  if (/^procfile/i.test(base)) return 'procfile';
  if (/\.(md|markdown|txt)$/i.test(base) || /^\s*\|.*\bports?\b.*\|/im.test(text)) return 'markdown';
  if (/^processes\s*:/m.test(text)) return 'process-compose';
  if (/^services\s*:/m.test(text)) return 'compose';
  throw new UsageError(`${base}: cannot tell what it is`, { hint: 'name the kind: devnet import --from compose|procfile|process-compose|markdown FILE' });
}

/** The stack as YAML, with what could not be carried over as comments at the top. */
export async function toStackYaml(r: Imported, from: string, kind: ImportKind): Promise<string> {
  const { stringifyPortable } = await import('../yaml-out.js');
  const stack = {
    name: r.name,
    description: r.description ?? `imported from ${from} (${kind})`,
    ...(r.env && Object.keys(r.env).length ? { env: r.env } : {}),
    services: r.services,
    ...(r.ranges?.length ? { ranges: r.ranges } : {}),
    ...(r.groups?.length ? { groups: r.groups } : {}),
  };
  const head = [`# imported by devnet import from ${from} (${kind}); check it with devnet doctor`, ...(r.notes.length ? ['# not carried over, or to finish by hand:', ...r.notes.map((n) => `#   - ${n}`)] : [])];
  return `${head.join('\n')}\n${stringifyPortable(stack)}`;
}
