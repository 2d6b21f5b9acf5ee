import { ExitCode, StopError } from '../../errors.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled } from '../../report/style.js';
import { downStack } from '../../run/down.js';
import { announce, openForRun, print, printJson, upElsewhere } from '../context.js';
import type { StackFlags } from '../program.js';

interface Flags extends StackFlags {
  timeout?: number;
  json?: boolean;
}

export async function down(flags: Flags): Promise<number> {
  const ctx = await openForRun(flags);
  const { paths } = ctx;
  announce(ctx, flags.json);
  const reporter = await createReporter(flags.json ? 'silent' : 'plain', { services: ctx.services, showLogs: false, color: colorEnabled() });
  const result = await downStack(paths, { timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000, emit: reporter.emit });
  if (flags.json) printJson({ stack: paths.stackId, ...result, held: result.held.map((h) => ({ service: h.service, port: h.port, owner: h.owner && { pid: h.owner.pid, command: h.owner.command } })) });
  else if (!result.wasUp) {
    print(`stack ${paths.stackId} is not up; nothing to stop`);
    const elsewhere = upElsewhere(paths);
    if (elsewhere) print(elsewhere);
  }
  const problems = [...result.survivors.map((s) => `service ${s.service}: pid ${s.pid} survived SIGKILL`), ...result.held.map((h) => h.message)];
  if (problems.length) {
    if (flags.json) return ExitCode.failed;
    throw new StopError(problems.join('\n'));
  }
  if (!flags.json && result.wasUp) print(`stack ${paths.stackId} is down; all ports free`);
  return ExitCode.ok;
}
