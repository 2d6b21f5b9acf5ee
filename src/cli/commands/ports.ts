import { readFileSync, readdirSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.js';
import { dirname, join, resolve } from 'node:path';
import { shippedStacksDir } from '../../package-root.js';
import { checkDocuments, describeFinding } from '../../plan/doc-check.js';
import { docPortTables } from '../../plan/doc-tables.js';
import { toMarkdown } from '../../plan/markdown.js';
import { planRows, type PlanRow } from '../../plan/rows.js';
import { toTable } from '../../plan/table.js';
import { openStack, print, printJson, shownPath } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  format: 'table' | 'markdown' | 'json' | 'nftables' | 'prometheus';
  check?: string[];
}

/** ports --check FILE...: 0 when the documents agree with the stack, 1 on drift, 2 when a file has no port table. */
async function checkDocs(files: string[], stackName: string, stackFile: string, rows: PlanRow[]): Promise<number> {
  const docs = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(e));
      throw new UsageError(`--check: ${file}: ${why}`, { hint: 'name the markdown file that holds the port table' });
    }
    const tables = docPortTables(text);
    if (!tables.length)
      throw new UsageError(`${file}: no port table found (a markdown table with a Port column and a Service, Name or Component column)`, { hint: 'devnet ports --format markdown writes one' });
    return { file: shownPath(resolve(file)), tables };
  });
  const r = checkDocuments(docs, rows);
  const how = ['description', 'key', 'name'].map((h) => [h, r.matched.filter((m) => m.how === h).length] as const).filter(([, n]) => n);
  const summary = `${r.matched.length} of ${r.rows} document rows matched to stack ${stackName}${how.length ? ` (${how.map(([h, n]) => `${n} by ${h}`).join(', ')})` : ''}`;
  if (!r.findings.length) {
    print(`${docs.map((d) => d.file).join(', ')}: agrees with stack ${stackName}: ${summary}`);
    return ExitCode.ok;
  }
  print(`${docs.map((d) => d.file).join(', ')}: ${r.findings.length} difference${r.findings.length === 1 ? '' : 's'} from stack ${stackName} (${summary}):`);
  for (const f of r.findings) print(`  ${describeFinding(f)}`);
  // most rows unmatched: the document may describe another stack; say which fits better, if any
  if (r.matched.length * 2 < r.rows) {
    const better = await betterStack(docs, stackFile, r.matched.length);
    process.stderr.write(
      better
        ? `hint: stack ${better.name} matches ${better.matched} of ${r.rows} rows: devnet ports --stack ${shownPath(better.file)} --check ${files.join(' ')}\n`
        : `hint: only ${r.matched.length} of ${r.rows} rows match stack ${stackName}, and no other stack here or shipped with devnet matches more\n`,
    );
  }
  return ExitCode.failed;
}

/** The stack in ./stacks/, beside this one, or shipped with devnet whose plan matches the most rows, if it beats `than`. */
async function betterStack(docs: Parameters<typeof checkDocuments>[0], stackFile: string, than: number): Promise<{ name: string; file: string; matched: number } | undefined> {
  const { loadStack } = await import('../../stack/load.js');
  const dirs = [join(process.cwd(), 'stacks'), dirname(stackFile), shippedStacksDir()];
  const files = [...new Set(dirs.flatMap((d) => yamlFilesIn(d)))].filter((f) => f !== stackFile);
  let best: { name: string; file: string; matched: number } | undefined;
  for (const file of files) {
    try {
      const { stack } = await loadStack(file);
      const matched = checkDocuments(docs, planRows(stack)).matched.length;
      if (matched > (best?.matched ?? than)) best = { name: stack.name, file, matched };
    } catch {
      // not a stack, or not a valid one: not a candidate
    }
  }
  return best;
}

function yamlFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export async function ports(flags: Flags): Promise<number> {
  const { stack } = await openStack(flags);
  const rows = planRows(stack);
  if (flags.check?.length) return checkDocs(flags.check, stack.name, stack.file, rows);
  switch (flags.format) {
    case 'markdown':
      process.stdout.write(toMarkdown(rows));
      break;
    case 'json':
      printJson({ stack: stack.name, portOffset: stack.portOffset, ports: rows, groups: stack.groups });
      break;
    case 'nftables':
      process.stdout.write((await import('../../plan/nftables.js')).toNftables(stack, rows));
      break;
    case 'prometheus':
      process.stdout.write((await import('../../plan/prometheus.js')).toPrometheus(stack));
      break;
    default:
      process.stdout.write(toTable(rows, process.stdout.isTTY && process.stdout.columns ? Math.max(60, process.stdout.columns) : 120));
  }
  return ExitCode.ok;
}
