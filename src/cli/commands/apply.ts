// devnet up on a running stack applies the stack file as it is now (as docker compose up
// does): what differs from the running stack is said first, one line a service, then its
// supervisor recreates, adds and removes exactly that. devnet scale goes the same way.
import { trace } from '../../trace.js';
import { ExitCode } from '../../errors.js';
import type { PlanChange, RunEvent } from '../../events.js';
import { changeLine, diffRun, namesToPlan } from '../../record/changes.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled } from '../../report/style.js';
import type { Stack } from '../../stack/model.js';
import { withRecordedScale } from '../../stack/replicas.js';
import { selectServices, type Selection } from '../../stack/select.js';
import { planStack } from '../../stack/service-plan.js';
import type { StatePaths } from '../../state/paths.js';
import { findRun, noteAppliedText } from '../../state/run-index.js';
import type { StackState } from '../../state/store.js';
import type { ControlRequest } from '../../control/protocol.js';
import { print, printJson } from '../context.js';
import { liveSupervisor } from './steer.js';

export interface ApplyFlags {
  json?: boolean;
  dryRun?: boolean;
}

/** What applying `loaded` would change in the running stack (its recorded scale kept where the file still allows). */
export function changesOf(loaded: Stack, paths: StatePaths, selection: Selection, state = liveSupervisor(paths, 'apply the stack file to')) {
  const { stack, scale } = withRecordedScale(loaded, state.scale);
  const wanted = selectServices(stack, selection);
  const plan = planStack(stack, namesToPlan(stack, wanted, state.services), { stackId: paths.stackId, runId: state.runId });
  return { stack, scale, wanted, state, changes: diffRun(state.services, stack, plan, wanted) };
}

export async function applyOnRunning(loaded: Stack, paths: StatePaths, selection: Selection, flags: ApplyFlags): Promise<number> {
  trace('cli apply loaded');
  // an edited file has something to apply: the supervisor compares; an unchanged one most
  // often has nothing, which is answered here without asking it
  const textChanged = findRun(loaded.file, loaded.portOffset)?.textHash !== loaded.textHash;
  if (!flags.dryRun && !flags.json && textChanged) return applyThroughSupervisor(loaded, paths, selection, flags);
  const { stack, scale, wanted, state, changes } = changesOf(loaded, paths, selection);
  trace('cli apply planned');
  if (!changes.length) {
    noteAppliedText(stack, paths.dir);
    if (flags.json) await printStatus(paths, state.stack, { dryRun: !!flags.dryRun, changes });
    else print(nothingToDo(paths, state));
    return ExitCode.ok;
  }
  if (flags.dryRun) {
    if (flags.json) await printStatus(paths, state.stack, { dryRun: true, changes });
    else {
      print(`stack ${paths.stackId}: ${summary(changes)} (dry run: nothing was changed)`);
      for (const c of changes) print(`  ${changeLine(c)}`);
    }
    return ExitCode.ok;
  }
  const fileChanged = changes.some((c) => c.action !== 'start' && c.action !== 'add') || findRun(stack.file, stack.portOffset)?.textHash !== stack.textHash;
  const why = fileChanged ? 'the stack file changed' : 'asked for by devnet up';
  trace('cli apply request');
  const applied = await request(paths, { op: 'apply', stack, services: wanted, env: process.env, scale, why }, flags);
  if (flags.json) await printStatus(paths, state.stack, { dryRun: false, changes: applied });
  return ExitCode.ok;
}

/** Sends an apply or scale to the supervisor, its events reported as lines; resolves with the changes it made. */
/**
 * `up` after an edit of the stack file: the supervisor compares the plans (it does anyway, to
 * act on them) and says what differs; the CLI's own comparison would be the same work, done
 * cold. The dry run and --json compare here first: they answer without acting.
 */
async function applyThroughSupervisor(loaded: Stack, paths: StatePaths, selection: Selection, flags: ApplyFlags): Promise<number> {
  const state = liveSupervisor(paths, 'apply the stack file to');
  const { stack, scale } = withRecordedScale(loaded, state.scale);
  const wanted = selectServices(stack, selection);
  trace('cli apply request');
  const changes = await request(paths, { op: 'apply', stack, services: wanted, env: process.env, scale, why: 'the stack file changed' }, flags);
  if (!changes.length) print(nothingToDo(paths, state));
  return ExitCode.ok;
}

const nothingToDo = (paths: StatePaths, state: StackState) => {
  const running = Object.values(state.services).filter((r) => r.state !== 'stopped' && r.state !== 'failed').length;
  return `stack ${paths.stackId} is up: ${running} service${running === 1 ? '' : 's'} running, nothing to do`;
};

export async function request(paths: StatePaths, req: Omit<ControlRequest, 'stateDir'>, flags: ApplyFlags): Promise<PlanChange[]> {
  const state = liveSupervisor(paths, req.op === 'scale' ? 'scale' : 'apply the stack file to');
  const reporter = await createReporter(flags.json ? 'silent' : 'plain', { services: Object.keys(state.services), showLogs: false, color: colorEnabled() });
  const { controlRequest } = await import('../../control/client.js');
  let changes: PlanChange[] = [];
  const onEvent = (e: RunEvent) => {
    if (e.kind === 'stack:changes') changes = e.changes;
    reporter.emit(e);
  };
  try {
    await controlRequest(state.control ?? paths.controlSocket, { ...req, stateDir: paths.dir }, onEvent);
  } finally {
    await reporter.startupDone();
  }
  return changes;
}

async function printStatus(paths: StatePaths, name: string, extra: { dryRun: boolean; changes: PlanChange[] }): Promise<void> {
  const { stackStatus, statusJson } = await import('../../record/status.js');
  printJson({ ok: true, ...extra, ...statusJson(stackStatus(paths, name)) });
}

export function summary(changes: readonly PlanChange[]): string {
  const n = changes.length;
  return `${n} service${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from the running stack`;
}
