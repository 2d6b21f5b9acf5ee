import { ExitCode } from '../../errors.js';
import { formatColumns } from '../../plan/table.js';
import { stackStatus } from '../../run/status.js';
import { pathsAt } from '../../state/paths.js';
import { listRuns } from '../../state/run-index.js';
import { readState } from '../../state/store.js';
import { print, printJson, shownPath } from '../context.js';

interface Flags {
  json?: boolean;
}

/** devnet ls (status --all): every running stack of this user, as docker compose ls. */
export async function ls(flags: Flags): Promise<number> {
  const rows = listRuns().flatMap((run) => {
    const paths = pathsAt(run.stateDir, run.stackId);
    let st;
    let startedAt: string | undefined;
    try {
      st = stackStatus(paths, run.stackName);
      startedAt = readState(paths.stateFile)?.startedAt;
    } catch {
      return [];
    }
    if (!st.up) return [];
    const up = st.services.filter((s) => s.pid !== undefined).length;
    const uptime = startedAt ? Math.round((Date.now() - Date.parse(startedAt)) / 1000) : undefined;
    return [{ stack: run.stackId, file: run.stackFile, portOffset: run.portOffset, servicesUp: up, servicesTotal: st.services.length, uptime, stateDir: run.stateDir }];
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
  const secs = (s: number | undefined) => (s === undefined ? '-' : s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`);
  print(
    formatColumns([
      ['STACK', 'FILE', 'OFFSET', 'SERVICES', 'UPTIME', 'STATE'],
      ...rows.map((r) => [r.stack, shownPath(r.file), String(r.portOffset), `${r.servicesUp}/${r.servicesTotal} up`, secs(r.uptime), shownPath(r.stateDir)]),
    ]).trimEnd(),
  );
  return ExitCode.ok;
}
