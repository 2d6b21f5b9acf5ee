import { ExitCode } from '../../errors.js';
import { formatColumns } from '../../plan/table.js';
import { formatUptime } from '../../report/uptime.js';
import { stackStatus, statusJson, supervisorProblem, type ServiceStatus } from '../../run/status.js';
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
  const elsewhere = st.up ? undefined : upElsewhere(paths, ctx.stackFile);
  if (flags.json) {
    printJson({ ...statusJson(st), file: ctx.stackFile, ...(elsewhere ? { note: elsewhere } : {}) });
    return ExitCode.ok;
  }
  if (!st.services.length) {
    print(`stack ${paths.stackId} is not up`);
    if (elsewhere) print(elsewhere);
    return ExitCode.ok;
  }
  // the last run of this copy, while another copy runs: the table alone would read as "all stopped"
  if (elsewhere) process.stderr.write(`note: stack ${paths.stackId} is not up; below is its last run. ${elsewhere}\n`);
  const rows = st.services.map((s) => [
    s.name,
    stateText(s, st.unsupervised),
    s.pid ? String(s.pid) : '-',
    Object.values(s.ports).join(',') || '-',
    s.url ?? '-',
    s.uptimeSeconds !== undefined ? formatUptime(s.uptimeSeconds) : '-',
    String(s.restarts),
    s.lastExit ? (s.lastExit.signal ?? String(s.lastExit.code)) : '-',
  ]);
  print(formatColumns([['SERVICE', 'STATE', 'PID', 'PORTS', 'URL', 'UPTIME', 'RESTARTS', 'LAST EXIT'], ...rows]).trimEnd());
  const notes = st.services.filter((s) => s.reason && (s.state === 'failed' || s.state === 'unhealthy' || s.state === 'restarting'));
  for (const s of notes) print(`${s.name}: ${s.reason}`);
  const problem = supervisorProblem(st);
  if (problem) {
    process.stderr.write(`warning: ${problem.message}\nhint: ${problem.hint}\n`);
  }
  return ExitCode.ok;
}

function stateText(s: ServiceStatus, unsupervised: boolean): string {
  const exit = s.state === 'exited' && s.exitCode != null ? ` (${s.exitCode})` : '';
  const alone = unsupervised && s.pid !== undefined ? ', unsupervised' : '';
  return `${s.state}${exit}${alone}${s.degradedBy ? `, degraded (${s.degradedBy.join(', ')} down)` : ''}`;
}
