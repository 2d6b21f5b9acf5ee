// devnet completion --services: the service names a completion script offers, one a line.
// Quiet by design: a shell completing a word must never see an error (a broken stack offers nothing).
import { ExitCode } from '../../errors.js';
import type { StackFlags } from '../flags.js';
import { openForRun } from '../context.js';

export async function serviceNames(flags: StackFlags): Promise<number> {
  try {
    const ctx = await openForRun(flags);
    const groups = new Set<string>();
    for (const n of ctx.services) {
      const m = /^(.*)-\d+$/.exec(n);
      if (m && ctx.services.includes(`${m[1]}-1`)) groups.add(m[1]!);
    }
    process.stdout.write([...new Set([...groups, ...ctx.services])].map((n) => `${n}\n`).join(''));
  } catch {
    // nothing to offer
  }
  return ExitCode.ok;
}
