import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeOutput } from '../../fs/output-file.js';
import { MAX_STACK_FILE_BYTES, formatBytes } from '../../stack/load.js';
import { DevnetError, ExitCode, StackError, UsageError, formatProblem, type Problem } from '../../errors.js';
import { importFile, toStackYaml, type ImportKind } from '../../convert/import/import.js';
import { shownPath } from '../context.js';

interface Flags {
  output?: string;
  from?: ImportKind;
  force?: boolean;
}

/** What devnet's loader says of the stack, as if it were the file at `at` (its relative paths), shown as `shown`. */
async function problemsOf(yaml: string, at: string, shown: string): Promise<Problem[]> {
  const { loadStackText } = await import('../../stack/load.js');
  try {
    await loadStackText(yaml, at, { portOffset: 0, displayName: shown });
    return [];
  } catch (e) {
    if (e instanceof StackError) return e.problems;
    if (e instanceof DevnetError) return [{ file: shown, message: e.message.split('\n')[0]! }];
    throw e;
  }
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
  // checked by the rules every stack file meets, where it will live (its relative paths)
  const problems = await problemsOf(yaml, flags.output ? resolve(flags.output) : join(process.cwd(), 'devnet.yaml'), flags.output ? shownPath(flags.output) : '<stdout>');
  if (flags.output) writeOutput(flags.output, yaml, { force: flags.force, reading: [file], what: 'the imported stack' });
  else process.stdout.write(yaml);
  // what could not be carried over goes to stderr too, where a redirect does not hide it
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
    process.stderr.write(`the stack from ${shownPath(file)} is not valid as it is: ${problems.length} problem${problems.length === 1 ? '' : 's'} above to fix by hand${flags.output ? ` in ${shownPath(flags.output)}` : ''}\n`);
    return ExitCode.usage;
  }
  const count = Object.keys(result.services).length;
  process.stderr.write(`${count} service${count === 1 ? '' : 's'} from ${shownPath(file)} (${kind})${flags.output ? ` written to ${shownPath(flags.output)}` : ''}; check it with devnet doctor --stack ${flags.output ? shownPath(flags.output) : 'FILE'}\n`);
  return ExitCode.ok;
}
