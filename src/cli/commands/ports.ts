import { readFileSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.js';
import { checkDrift } from '../../plan/drift.js';
import { toMarkdown } from '../../plan/markdown.js';
import { planRows } from '../../plan/rows.js';
import { toTable } from '../../plan/table.js';
import { openStack, print, printJson } from '../context.js';
import type { StackFlags } from '../program.js';

interface Flags extends StackFlags {
  format: 'table' | 'markdown' | 'json' | 'nftables' | 'prometheus';
  check?: string;
}

export async function ports(flags: Flags): Promise<number> {
  const { stack } = await openStack(flags);
  const rows = planRows(stack);
  if (flags.check) {
    let doc: string;
    try {
      doc = readFileSync(flags.check, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(e));
      throw new UsageError(`--check: ${flags.check}: ${why}`, { hint: 'name the markdown file that holds the port table' });
    }
    const drift = checkDrift(doc, rows);
    if (!drift.found) {
      print(`${flags.check}: no port table (| Port | Service | Location | Notes |) found; paste the output of devnet ports --format markdown`);
      return ExitCode.failed;
    }
    if (!drift.diff.length) {
      print(`${flags.check}: port table matches stack ${stack.name} (${rows.length} rows)`);
      return ExitCode.ok;
    }
    print(`${flags.check}: port table differs from stack ${stack.name} (- in the file, + in the stack):`);
    drift.diff.forEach((l) => print(l));
    return ExitCode.failed;
  }
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
      process.stdout.write(toTable(rows));
  }
  return ExitCode.ok;
}
