import { ExitCode } from '../../errors.js';
import { formatColumns } from '../../plan/table.js';
import { formatUptime } from '../../report/uptime.js';
import { stackStatus } from '../../record/status.js';
import { pathsAt } from '../../state/paths.js';
import { listRuns } from '../../state/run-index.js';
import { print, printJson, shownPath } from '../context.js';

interface Flags {
  json?: boolean;
}

/** devnet ls (status --all): every running stack of this user, as docker compose ls. */
export async function ls(flags: Flags): Promise<number> {
  const rows = listRuns().flatMap((run) => {
    const paths = pathsAt(run.stateDir, run.stackId);
    let st;
    try {
      st = stackStatus(paths, run.stackName);
    } catch {
      return [];
    }
    if (!st.up) return [];
    const up = st.services.filter((s) => s.pid !== undefined).length;
    const uptime = st.startedAt ? Math.round((Date.now() - Date.parse(st.startedAt)) / 1000) : undefined;
    return [{ stack: run.stackId, file: run.stackFile, portOffset: run.portOffset, servicesUp: up, servicesTotal: st.services.length, supervisor: st.supervisor?.state ?? 'gone', uptime, stateDir: run.stateDir }];
  });
  rows.sort((a, b) => a.stack.localeCompare(b.stack));
  if (flags.json) {
    printJson({ stacks: rows });
    return ExitCode.ok;
  }
  if (!rows.length) {
    print('no stack is up');
    return ExitCode.ok;
  }
  print(
    formatColumns([
      ['STACK', 'FILE', 'OFFSET', 'SERVICES', 'UPTIME', 'STATE'],
      ...rows.map((r) => [r.stack, shownPath(r.file), String(r.portOffset), `${r.servicesUp}/${r.servicesTotal} up${r.supervisor === 'alive' ? '' : r.supervisor === 'gone' ? ', unsupervised' : ', supervisor frozen'}`, r.uptime === undefined ? '-' : formatUptime(r.uptime), shownPath(r.stateDir)]),
    ]).trimEnd(),
  );
  return ExitCode.ok;
}
