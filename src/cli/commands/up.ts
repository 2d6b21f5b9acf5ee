import { trace } from '../../trace.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, InterruptedError, SupervisorDiedError, UsageError, serializeError } from '../../errors.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled, liveViewFits } from '../../report/style.js';
import { checkAlreadyUp } from '../../record/already-up.js';
import { appendPrivateFile, ensurePrivateDir } from '../../fs/private-fs.js';
import type { Died } from '../../supervisor/launch.js';
import { selectServices, type Selection } from '../../stack/select.js';
import { claimStart } from '../../state/run-index.js';
import { resolveStack } from '../../stack/resolve.js';
import { openStack, print, printJson, splitList } from '../context.js';
import { keepRunningWhenStdoutCloses, type StackFlags } from '../flags.js';
import { invocation } from '../invocation.js';
import type { StatePaths } from '../../state/paths.js';

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
  const launched = invocation();
  const prepared = await prepare(flags, resolved);
  trace('cli prepared');
  const { stack, paths, services, already } = prepared;
  // up -d after its supervisor died: what it started is stopped, and said
  if (flags.detach && launched.died) return cleanUpAfter(launched.died, paths);
  const printStatus = async () => {
    if (!flags.json) return;
    const { stackStatus, statusJson } = await import('../../record/status.js');
    printJson(statusJson(stackStatus(paths, stack.name)));
  };
  if (already) {
    // up on a running stack applies the stack file as it is now: what differs, and only that
    const { applyOnRunning } = await import('./apply.js');
    const code = await applyOnRunning(stack, paths, prepared.selection, flags);
    // up --ui on a stack that is up: the screen attaches to it, as devnet ui does
    if (flags.ui && code === ExitCode.ok) return (await import('./ui.js')).ui(flags);
    return code;
  }
  if (flags.dryRun) {
    if (flags.json) printJson({ ok: true, dryRun: true, up: false, changes: services.map((n) => ({ action: 'add', service: n, reasons: [] })) });
    else {
      print(`stack ${paths.stackId} is not up; devnet up would start ${services.length} service${services.length === 1 ? '' : 's'} (dry run: nothing was started)`);
      for (const n of services) print(`  add ${n}`);
    }
    return ExitCode.ok;
  }
  // up -d from a process its caller waits for: the supervisor must outlive it, so it is this
  // command again, launched in a process of its own, and waited for (supervisor/launch.ts).
  // bin/devnet.cjs launches it first thing; this is for a stack it saw up that is not.
  const detachFor = flags.detach ? launched.detachFor : undefined;
  if (flags.detach && detachFor === undefined) {
    releaseClaim();
    const { waitForDetachedUp } = await import('../../supervisor/launch.js');
    const r = await waitForDetachedUp(launched.bin, launched.args);
    return 'code' in r ? r.code : cleanUpAfter(r.died, paths);
  }
  const color = colorEnabled();
  // up --ui: plain lines, held while the screen is shown (they would tear through it): the stop after it is said as usual
  const kind = flags.json ? 'silent' : color && liveViewFits() && !flags.ui ? 'listr' : 'plain';
  const shownReporter = await createReporter(kind, { services, showLogs: !flags.detach && !flags.ui, color });
  let screenShown = false;
  // up -d: once the stack is up, events have no one to be shown to
  let released = false;
  const reporter = { ...shownReporter, emit: (e: Parameters<typeof shownReporter.emit>[0]) => void (screenShown || released || shownReporter.emit(e)) };

  // This process is the supervisor, in the foreground or (up -d) as the one its waiter
  // launched, which lets go of the caller once the stack is up. Its services are supervised
  // until stopped, whatever happens to stdout.
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
      // a bug in devnet stops the services before the supervisor goes, rather than leave them
      // running; said on stderr, or in the state folder once there is no one to tell
      onCrash: (e) => {
        if (!released) return void process.stderr.write(`devnet: internal error while supervising stack ${paths.stackId}; stopping it\n${e.stack ?? e.message}\n`);
        ensurePrivateDir(paths.dir);
        appendPrivateFile(join(paths.dir, 'supervisor.log'), `${new Date().toISOString()} ${e.stack ?? e.message}\n`);
        // if the stop itself cannot finish, exit anyway (down finishes from the state)
        process.exitCode = ExitCode.failed;
        setTimeout(() => process.exit(ExitCode.failed), 60_000).unref();
      },
      onStopAsked:
        !flags.detach && process.stdin.isTTY
          ? () => {
              session?.close();
              screenShown = false;
              process.stderr.write(`stopping stack ${paths.stackId}${left ? ' (devnet ui was left)' : ''}: press Ctrl-C again to kill what is left now\n`);
            }
          : undefined,
      onUp: async () => {
        await startupDone();
        await printStatus();
        if (detachFor === undefined) return;
        trace('cli supervisor ready');
        released = true;
        const { releaseWaiter } = await import('../../supervisor/launch.js');
        await releaseWaiter(detachFor);
      },
    });
    // the supervisor of an up -d, its stack stopped: nobody reads what is left to say, and a
    // down waits for this process to be gone; the logs and the state are closed and written
    if (released) process.exit(code);
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
 * The supervisor an up -d launched died before the stack was up: nothing may run on without
 * a supervisor, so what the record says it started is stopped. Only its own run: a stack up
 * under another supervisor (this up found it running, and was applying an edit) is left alone.
 */
async function cleanUpAfter(died: Died, paths: StatePaths): Promise<number> {
  const { readState } = await import('../../state/store.js');
  let state;
  try {
    state = readState(paths.stateFile);
  } catch {
    state = undefined;
  }
  const { downStack } = await import('../../record/stop-run.js');
  const ours = state?.supervisor.pid === died.pid;
  const left = ours ? await downStack(paths, { emit: () => {} }).catch(() => undefined) : undefined;
  if (!left?.stopped.length && ['SIGINT', 'SIGTERM', 'SIGHUP'].includes(died.signal)) throw new InterruptedError(`interrupted: the stack was not started (${died.signal})`);
  const stopped = left?.stopped.length ? `; stopped what it had started (${left.stopped.join(', ')})` : '';
  const log = join(paths.dir, 'supervisor.log');
  throw new SupervisorDiedError(`the devnet supervisor (pid ${died.pid}) exited before the stack was up (${died.signal})${stopped}`, {
    hint: existsSync(log) ? `see ${log}` : died.signal === 'SIGKILL' ? 'it was killed (SIGKILL) and left no log' : 'it left no log',
  });
}

/** Everything before the supervisor takes over: the stack and its selection; whether it is up already with all of it (nothing to do). */
async function prepare(flags: Flags, resolved: ReturnType<typeof resolveStack>) {
  const { stack, paths } = await openStack(flags, resolved, true);
  const only = splitList(flags.only);
  if (flags.only !== undefined && !only?.length) throw new UsageError(`--only needs service names, got \`${flags.only}\``, { hint: 'name services separated by commas: --only api,web' });
  const selection: Selection = { ...(only ? { only } : {}), ...(flags.profile?.length ? { profiles: flags.profile.flatMap((p) => splitList(p) ?? []) } : {}) };
  const services = selectServices(stack, selection);
  // already up with everything asked for: nothing to do, which is success (docker compose up -d)
  const already = checkAlreadyUp(paths, services);
  return { stack, paths, services, already, selection };
}

function errorJson(e: unknown) {
  const { name, message, hint, problems, lines, service, logTail } = serializeError(e);
  return { kind: name, message: message.split('\n')[0], hint, problems, lines, service, logTail };
}
