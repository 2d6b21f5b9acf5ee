import { DevnetError, ExitCode } from '../../errors.js';
import type { PlanChange } from '../../events.js';
import type { Stack } from '../../stack/model.js';
import type { StatePaths } from '../../state/paths.js';
import { readState } from '../../state/store.js';
import { formatColumns } from '../../plan/table.js';
import { formatUptime } from '../../report/uptime.js';
import { stackStatus, statusJson, supervisorProblem, type ServiceStatus } from '../../record/status.js';
import { announce, openForRun, print, printJson, upElsewhere } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  json?: boolean;
}

export async function status(flags: Flags): Promise<number> {
  const ctx = await openForRun(flags);
  const { paths } = ctx;
  const st = stackStatus(paths, ctx.stackName, { checkPorts: true });
  announce(ctx, flags.json);
  const elsewhere = st.up ? undefined : upElsewhere(paths, ctx.stackFile);
  const drift = st.up && ctx.stack ? await fileDrift(ctx.stack, paths) : undefined;
  if (flags.json) {
    printJson({ ...statusJson(st), file: ctx.stackFile, ...(drift ? { fileChanged: drift } : {}), ...(elsewhere ? { note: elsewhere } : {}) });
    return ExitCode.ok;
  }
  if (!st.services.length) {
    print(`stack ${paths.stackId} is not up`);
    if (elsewhere) print(elsewhere);
    return ExitCode.ok;
  }
  // the last run of this copy, while another copy runs: the table alone would read as "all stopped"
  if (elsewhere) process.stderr.write(`note: stack ${paths.stackId} is not up; below is its last run. ${elsewhere}\n`);
  const groups = new Map(st.services.filter((s) => s.replicaOf).map((s) => [s.name, s.replicaOf!]));
  const rows = st.services.map((s) => [
    s.name,
    stateText(s, st.unsupervised, groups),
    s.pid ? String(s.pid) : '-',
    Object.values(s.ports).join(',') || '-',
    s.url ?? '-',
    s.uptimeSeconds !== undefined ? formatUptime(s.uptimeSeconds) : '-',
    String(s.restarts),
    s.lastExit ? `${s.lastExit.signal ?? String(s.lastExit.code)}${s.lastExit.stopped ? ' (stop)' : ''}` : '-',
  ]);
  print(formatColumns([['SERVICE', 'STATE', 'PID', 'PORTS', 'URL', 'UPTIME', 'RESTARTS', 'LAST EXIT'], ...rows]).trimEnd());
  const notes = st.services.filter((s) => s.reason && (s.state === 'failed' || s.state === 'unhealthy' || s.state === 'restarting'));
  for (const s of notes) print(`${s.name}: ${s.reason}`);
  for (const s of st.services) if (s.portLost) print(`${s.name}: ${s.portLost}`);
  if (drift?.changes.length) {
    const n = drift.changes.length;
    print(`stack file changed since up: ${n} service${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''}; devnet up applies it`);
    const { changeLine } = await import('../../record/changes.js');
    for (const c of drift.changes) print(`  ${changeLine(c)}`);
  } else if (drift?.error) print(`stack file changed since up, and cannot be compared with the running stack: ${drift.error}`);
  const problem = supervisorProblem(st);
  if (problem) {
    process.stderr.write(`warning: ${problem.message}\nhint: ${problem.hint}\n`);
  }
  return ExitCode.ok;
}

function stateText(s: ServiceStatus, unsupervised: boolean, groups: Map<string, string>): string {
  const exit = s.state === 'exited' && s.exitCode != null ? ` (${s.exitCode})` : '';
  // unhealthy (no quorum): the service's own word for it, when it gave a short one
  const why = s.state === 'unhealthy' ? (/\(([^()]{1,30})\)$/.exec(s.reason ?? '')?.[1] ?? '') : '';
  const alone = (unsupervised && s.pid !== undefined ? ', unsupervised' : '') + (s.portLost ? ', port lost' : '');
  return `${s.state}${exit}${why ? ` (${why})` : ''}${alone}${s.degradedBy ? `, degraded (${shortList(s.degradedBy, groups)} down)` : ''}`;
}

/** A list of down dependencies that fits a column: replicas by their group, at most two names. */
function shortList(names: string[], groups: Map<string, string>): string {
  const shown = [...new Set(names.map((n) => groups.get(n) ?? n))];
  return shown.length <= 2 ? shown.join(', ') : `${shown[0]} and ${shown.length - 1} more`;
}

/**
 * The stack file, loaded because it changed since up (openForRun acts from the run while it
 * is unchanged), against the running stack: the services that differ, as up would apply them.
 * A service that is only not running is not a difference of the file.
 */
async function fileDrift(stack: Stack, paths: StatePaths): Promise<{ changes: PlanChange[]; error?: string } | undefined> {
  const state = readState(paths.stateFile);
  if (!state) return undefined;
  const { changesOf } = await import('./apply.js');
  try {
    const { changes } = changesOf(stack, paths, state.selection ?? {}, state);
    return { changes: changes.filter((c) => !(c.action === 'start' && c.reasons[0] === 'not running')) };
  } catch (e) {
    if (!(e instanceof DevnetError)) throw e;
    return { changes: [], error: e.message.split('\n')[0]! };
  }
}
