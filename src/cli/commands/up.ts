import { trace } from '../../trace.js';
import { join } from 'node:path';
import { ExitCode, UsageError, serializeError } from '../../errors.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled, liveViewFits } from '../../report/style.js';
import { checkAlreadyUp } from '../../record/already-up.js';
import type { DetachedSupervisor } from '../../supervisor/detached.js';
import { abortOnStopSignals } from '../../supervisor/stop-signals.js';
import { selectServices, type Selection } from '../../stack/select.js';
import { acquireLock, releaseLock } from '../../state/lock.js';
import { newRunId } from '../../state/run-id.js';
import { claimStart } from '../../state/run-index.js';
import { resolveStack } from '../../stack/resolve.js';
import { openStack, print, printJson, splitList } from '../context.js';
import { keepRunningWhenStdoutCloses, type StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  detach?: boolean;
  remap?: boolean;
  only?: string;
  profile?: string[];
  json?: boolean;
  watch?: boolean;
  dryRun?: boolean;
  ui?: boolean;
}

export async function up(flags: Flags): Promise<number> {
  // the terminal closed under a foreground up: the stack is stopped as on Ctrl-C, then devnet
  // ends by the hangup itself, as a shell does: a normal exit would have Node restore the
  // settings of a terminal that is gone (and abort, SIGABRT in ResetStdio)
  let hungUp = false;
  const onHup = () => (hungUp = true);
  if (!flags.detach) process.on('SIGHUP', onHup);
  try {
    const code = await runUp(flags);
    if (hungUp) {
      process.removeAllListeners('SIGHUP');
      process.kill(process.pid, 'SIGHUP');
    }
    return code;
  } catch (e) {
    // scripts asking for --json get JSON on failure too; the message still goes to stderr
    if (flags.json) printJson({ ok: false, error: errorJson(e) });
    throw e;
  }
}

async function runUp(flags: Flags): Promise<number> {
  if (flags.ui) {
    if (flags.detach || flags.json || flags.dryRun) throw new UsageError(`--ui cannot go with ${flags.detach ? '--detach' : flags.json ? '--json' : '--dry-run'}`, { hint: 'devnet up -d, then devnet ui, attaches the screen to a detached stack' });
    const { uiRefusal } = await import('./ui.js');
    const refused = uiRefusal();
    if (refused) throw new UsageError(`devnet up --ui needs a terminal: ${refused}`, { hint: 'devnet up (without --ui) prints plain lines where there is no terminal' });
  }
  // before anything slow: a down from now on waits for this up rather than find nothing to stop
  const resolved = resolveStack({ stack: flags.stack });
  const releaseClaim = claimStart(resolved.file, flags.portOffset);
  try {
    return await runClaimedUp(flags, resolved, releaseClaim);
  } finally {
    releaseClaim();
  }
}

async function runClaimedUp(flags: Flags, resolved: ReturnType<typeof resolveStack>, releaseClaim: () => void): Promise<number> {
  // up -d: the supervisor bin/devnet.cjs forked at once is adopted here (or forked now)
  trace('cli before fork');
  const detached = flags.detach ? new (await import('../../supervisor/detached.js')).DetachedSupervisor() : undefined;
  let prepared;
  try {
    prepared = await prepare(flags, detached, resolved);
    // up -d: the lock is taken (in the supervisor's name); down finds the run by it from here on
    if (prepared.lock) releaseClaim();
  } catch (e) {
    // it was handed nothing: it exits on its own
    detached?.cancel();
    throw e;
  }
  trace('cli prepared');
  const { stack, paths, services, already, lock } = prepared;
  const printStatus = async () => {
    if (!flags.json) return;
    const { stackStatus, statusJson } = await import('../../record/status.js');
    printJson(statusJson(stackStatus(paths, stack.name)));
  };
  if (already) {
    // up on a running stack applies the stack file as it is now: what differs, and only that
    detached?.cancel();
    const { applyOnRunning } = await import('./apply.js');
    const code = await applyOnRunning(stack, paths, prepared.selection, flags);
    // up --ui on a stack that is up: the screen attaches to it, as devnet ui does
    if (flags.ui && code === ExitCode.ok) return (await import('./ui.js')).ui(flags);
    return code;
  }
  if (flags.dryRun) {
    detached?.cancel();
    if (flags.json) printJson({ ok: true, dryRun: true, up: false, changes: services.map((n) => ({ action: 'add', service: n, reasons: [] })) });
    else {
      print(`stack ${paths.stackId} is not up; devnet up would start ${services.length} service${services.length === 1 ? '' : 's'} (dry run: nothing was started)`);
      for (const n of services) print(`  add ${n}`);
    }
    return ExitCode.ok;
  }
  const color = colorEnabled();
  // up --ui: plain lines, held while the screen is shown (they would tear through it): the stop after it is said as usual
  const kind = flags.json ? 'silent' : color && liveViewFits() && !flags.ui ? 'listr' : 'plain';
  const shownReporter = await createReporter(kind, { services, showLogs: !flags.detach && !flags.ui, color });
  let screenShown = false;
  const reporter = flags.ui ? { ...shownReporter, emit: (e: Parameters<typeof shownReporter.emit>[0]) => void (screenShown || shownReporter.emit(e)) } : shownReporter;

  if (detached) {
    // Ctrl-C while it comes up: it rolls back what it started
    const controller = new AbortController();
    const removeHandlers = abortOnStopSignals(controller, process);
    try {
      await detached.start({ stack, services, selection: prepared.selection, remap: !!flags.remap, watch: !!flags.watch, lock: lock!, stateDir: paths.dir, stackId: paths.stackId }, join(paths.dir, 'supervisor.log'), reporter.emit, controller.signal);
    } catch (e) {
      releaseLock(paths.lockFile, lock!);
      const { SupervisorDiedError } = await import('../../errors.js');
      if (e instanceof SupervisorDiedError) {
        // it may have started some services: nothing may run on without a supervisor
        const { downStack } = await import('../../record/stop-run.js');
        const left = await downStack(paths, { emit: () => {} }).catch(() => undefined);
        const stopped = left?.stopped.length ? `; stopped what it had started (${left.stopped.join(', ')})` : '';
        throw new SupervisorDiedError(`${e.message}${stopped}`, { hint: e.hint });
      }
      throw e;
    } finally {
      removeHandlers();
      await reporter.startupDone();
    }
    trace('cli supervisor ready');
    await printStatus();
    return ExitCode.ok;
  }

  // the foreground: this process is the supervisor, hosted as the detached one is (the
  // supervisor's code is loaded only where it runs). Its services are supervised until
  // stopped, whatever happens to stdout.
  keepRunningWhenStdoutCloses();
  const { hostStack } = await import('../../supervisor/host.js');
  let shown = false;
  const startupDone = async () => {
    if (!shown) await reporter.startupDone();
    shown = true;
  };
  // up --ui: the screen opens as the first start gets under way; leaving it stops the stack
  // (it runs in this terminal), by the same path as Ctrl-C
  const session = flags.ui ? await (await import('./ui.js')).openUi(paths, stack.file, true) : undefined;
  screenShown = !!session;
  let left = false;
  let hosted = false;
  void session?.end.then(() => {
    // closed because the host is done (a refused start, every service ended): nothing to stop
    if (hosted) return;
    left = true;
    screenShown = false;
    process.kill(process.pid, 'SIGINT');
  });
  try {
    const { code } = await hostStack({
      stack,
      services,
      selection: prepared.selection,
      paths,
      remap: flags.remap,
      watch: flags.watch,
      emit: reporter.emit,
      onLocked: releaseClaim,
      // a bug in devnet stops the services before the CLI goes, rather than leave them running
      onCrash: (e) => void process.stderr.write(`devnet: internal error while supervising stack ${paths.stackId}; stopping it\n${e.stack ?? e.message}\n`),
      onStopAsked: process.stdin.isTTY
        ? () => {
            session?.close();
            screenShown = false;
            process.stderr.write(`stopping stack ${paths.stackId}${left ? ' (devnet ui was left)' : ''}: press Ctrl-C again to kill what is left now\n`);
          }
        : undefined,
      onUp: async () => {
        await startupDone();
        await printStatus();
      },
    });
    return code;
  } finally {
    // every service ended by itself, or the start failed: the screen goes before the last lines are printed
    hosted = true;
    session?.close();
    screenShown = false;
    await startupDone();
  }
}

/**
 * Everything before a supervisor takes over: the stack and its selection; whether it is up
 * already with all of it (nothing to do); for up -d, the lock taken in the supervisor's name,
 * so that a down from here on finds a run starting.
 */
async function prepare(flags: Flags, detached: DetachedSupervisor | undefined, resolved: ReturnType<typeof resolveStack>) {
  const { stack, paths } = await openStack(flags, resolved, true);
  const only = splitList(flags.only);
  if (flags.only !== undefined && !only?.length) throw new UsageError(`--only needs service names, got \`${flags.only}\``, { hint: 'name services separated by commas: --only api,web' });
  const selection: Selection = { ...(only ? { only } : {}), ...(flags.profile?.length ? { profiles: flags.profile.flatMap((p) => splitList(p) ?? []) } : {}) };
  const services = selectServices(stack, selection);
  // already up with everything asked for: nothing to do, which is success (docker compose up -d)
  const already = checkAlreadyUp(paths, services);
  const lock = detached && !already ? acquireLock(paths.lockFile, paths.stackId, newRunId(), detached.identity()) : undefined;
  return { stack, paths, services, already, lock, selection };
}

function errorJson(e: unknown) {
  const { name, message, hint, problems, lines, service, logTail } = serializeError(e);
  return { kind: name, message: message.split('\n')[0], hint, problems, lines, service, logTail };
}
