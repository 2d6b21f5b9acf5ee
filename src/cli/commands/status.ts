import { ExitCode } from '../../errors.js';
import { formatColumns } from '../../plan/table.js';
import { formatUptime } from '../../report/uptime.js';
import { stackStatus, statusJson } from '../../run/status.js';
import { announce, openForRun, print, printJson, upElsewhere } from '../context.js';
import type { StackFlags } from '../program.js';

interface Flags extends StackFlags {
  json?: boolean;
}

export async function status(flags: Flags): Promise<number> {
  const ctx = await openForRun(flags);
  const { paths } = ctx;
  const st = stackStatus(paths, ctx.stackName);
  announce(ctx, flags.json);
  if (flags.json) {
    printJson({ ...statusJson(st), file: ctx.stackFile });
    return ExitCode.ok;
  }
  if (!st.services.length) {
    print(`stack ${paths.stackId} is not up`);
    const elsewhere = upElsewhere(paths);
    if (elsewhere) print(elsewhere);
    return ExitCode.ok;
  }
  const rows = st.services.map((s) => [s.name, s.state + (s.state === 'exited' && s.exitCode != null ? ` (${s.exitCode})` : ''), s.pid ? String(s.pid) : '-', Object.values(s.ports).join(',') || '-', s.url ?? '-', s.uptimeSeconds !== undefined ? formatUptime(s.uptimeSeconds) : '-']);
  print(formatColumns([['SERVICE', 'STATE', 'PID', 'PORTS', 'URL', 'UPTIME'], ...rows]).trimEnd());
  return ExitCode.ok;
}
