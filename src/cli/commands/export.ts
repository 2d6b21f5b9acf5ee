import { writeOutput } from '../../fs/output-file.js';
import { ExitCode, UsageError } from '../../errors.js';
import { openStack, shownPath } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  output?: string;
  force?: boolean;
  network?: string;
}

export async function exportCommand(engine: 'compose' | 'k8s', flags: Flags): Promise<number> {
  if (flags.network !== undefined && engine !== 'compose') throw new UsageError('--network is an option of devnet export compose only');
  const { stack, paths } = await openStack(flags);
  const { stringifyPortable } = await import('../../convert/yaml-out.js');
  let body: string;
  let notes: string[];
  if (engine === 'compose') {
    const r = (await import('../../convert/export/compose.js')).toCompose(stack, { network: flags.network === 'host' ? 'host' : 'bridge' });
    body = stringifyPortable(r.text);
    notes = r.notes;
  } else {
    const r = (await import('../../convert/export/k8s.js')).toK8s(stack);
    body = r.docs.map(stringifyPortable).join('---\n');
    notes = r.notes;
  }
  const head = [`# devnet export ${engine} of stack ${paths.stackId} (${shownPath(stack.file)})`, ...notes.map((n) => `# - ${n}`)].join('\n');
  const text = `${head}\n${body}`;
  if (flags.output) writeOutput(flags.output, text, { force: flags.force, reading: [stack.file, ...(stack.sources ?? [])], what: 'an export' });
  else process.stdout.write(text);
  process.stderr.write(`stack ${paths.stackId} exported for ${engine === 'compose' ? 'docker compose' : 'Kubernetes'}${flags.output ? ` to ${shownPath(flags.output)}` : ''}; ${notes.length} note${notes.length === 1 ? '' : 's'} in its header\n`);
  return ExitCode.ok;
}
