import { readFileSync, statSync } from 'node:fs';
import { writeOutput } from '../../fs/output-file.js';
import { MAX_STACK_FILE_BYTES, formatBytes } from '../../stack/load.js';
import { ExitCode, UsageError } from '../../errors.js';
import { importFile, toStackYaml, type ImportKind } from '../../convert/import/import.js';
import { shownPath } from '../context.js';

interface Flags {
  output?: string;
  from?: ImportKind;
  force?: boolean;
}

export async function importCommand(file: string, flags: Flags): Promise<number> {
  let text: string;
  try {
    // what devnet could not load as a stack anyway is not read (a 2.2 MB compose file took 21s and 470 MB)
    const size = statSync(file).size;
    if (statSync(file).isFile() && size > MAX_STACK_FILE_BYTES)
      throw new UsageError(`${file} is ${formatBytes(size)}; devnet imports files of up to ${formatBytes(MAX_STACK_FILE_BYTES)}, the size of a stack file it reads`, { hint: 'split it, or import the part you run with devnet' });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : (code ?? String(e))}`);
  }
  const { kind, result } = await importFile(file, text, flags.from);
  if (!Object.keys(result.services).length) throw new UsageError(`${file}: no services found in it (read as ${kind})`);
  const yaml = await toStackYaml(result, shownPath(file), kind);
  if (Buffer.byteLength(yaml) > MAX_STACK_FILE_BYTES)
    throw new UsageError(`the stack from ${file} would be ${formatBytes(Buffer.byteLength(yaml))}, over the ${formatBytes(MAX_STACK_FILE_BYTES)} devnet reads; nothing was written`, { hint: 'import a smaller part of it' });
  if (flags.output) writeOutput(flags.output, yaml, { force: flags.force, reading: [file], what: 'the imported stack' });
  else process.stdout.write(yaml);
  // what could not be carried over goes to stderr too, where a redirect does not hide it
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
  const count = Object.keys(result.services).length;
  process.stderr.write(`${count} service${count === 1 ? '' : 's'} from ${shownPath(file)} (${kind})${flags.output ? ` written to ${shownPath(flags.output)}` : ''}; check it with devnet doctor --stack ${flags.output ? shownPath(flags.output) : 'FILE'}\n`);
  return ExitCode.ok;
}
