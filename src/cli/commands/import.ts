import { readFileSync, writeFileSync } from 'node:fs';
import { ExitCode, UsageError } from '../../errors.js';
import { importFile, toStackYaml, type ImportKind } from '../../convert/import/import.js';
import { shownPath } from '../context.js';

interface Flags {
  output?: string;
  from?: ImportKind;
}

export async function importCommand(file: string, flags: Flags): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : (code ?? String(e))}`);
  }
  const { kind, result } = await importFile(file, text, flags.from);
  if (!Object.keys(result.services).length) throw new UsageError(`${file}: no services found in it (read as ${kind})`);
  const yaml = await toStackYaml(result, shownPath(file), kind);
  if (flags.output) writeFileSync(flags.output, yaml);
  else process.stdout.write(yaml);
  // what could not be carried over goes to stderr too, where a redirect does not hide it
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
  const count = Object.keys(result.services).length;
  process.stderr.write(`${count} service${count === 1 ? '' : 's'} from ${shownPath(file)} (${kind})${flags.output ? ` written to ${shownPath(flags.output)}` : ''}; check it with devnet doctor --stack ${flags.output ? shownPath(flags.output) : 'FILE'}\n`);
  return ExitCode.ok;
}
