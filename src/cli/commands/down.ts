import { trace } from '../../trace.js';
import { ExitCode, StopError } from '../../errors.js';
import { createReporter } from '../../report/reporter.js';
import { colorEnabled } from '../../report/style.js';
import { downStack } from '../../record/stop-run.js';
import { downJson, downText } from '../../report/down-lines.js';
import { isLaunchable, type Stack } from '../../stack/model.js';
import { interpolationContext } from '../../stack/interpolation-context.js';
import { waitForStartClaim } from '../../state/run-index.js';
import { holderAlive, readLock } from '../../state/lock.js';

/** How long a down that found nothing up waits for an up started beside it to show itself. */
const LATE_UP_MS = 300;
import { announce, contextOfRun, openForRun, print, printJson, shownPath, upElsewhere } from '../context.js';
import { invocation } from '../invocation.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  timeout?: number;
  json?: boolean;
  volumes?: boolean;
}

export async function down(flags: Flags): Promise<number> {
  // asked before this CLI loaded (bin/devnet.cjs, for these very flags): the run it found is the one acted on
  const early = invocation().earlyDown;
  const ctx = early ? contextOfRun(early.entry, early.services) : await openForRun(flags, { needStack: !!flags.volumes });
  // an up of this file that has not taken its lock yet (it is loading the stack): wait for it, then stop it
  if (!early) await waitForStartClaim(ctx.stackFile, flags.portOffset);
  trace('down opened');
  const { paths } = ctx;
  // (asked early and said so already: bin/devnet.cjs printed the stack's line)
  if (!early?.said) announce(ctx, flags.json);
  const reporter = await createReporter(flags.json ? 'silent' : 'plain', { services: ctx.services, showLogs: false, color: colorEnabled() });
  const volumes = flags.volumes ? { declared: ctx.stack ? declaredDataDirs(ctx.stack) : [], root: ctx.stack?.root } : undefined;
  const o = { timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000, emit: reporter.emit, volumes, early };
  let result = await downStack(paths, o);
  trace('down done');
  // nothing was up: an up started at the same moment as this down may not have written its
  // claim yet (both CLIs were still starting); look once more before saying "not up"
  if (!result.wasUp) {
    await new Promise((r) => setTimeout(r, LATE_UP_MS));
    if ((await waitForStartClaim(ctx.stackFile, flags.portOffset)) || holderAlive(readLock(paths.lockFile))) result = await downStack(paths, o);
  }
  if (flags.json) printJson(downJson(paths.stackId, result));
  else if (!result.wasUp) {
    print(`stack ${paths.stackId} is not up; nothing to stop`);
    const elsewhere = upElsewhere(paths, ctx.stackFile);
    if (elsewhere) print(elsewhere);
  }
  const problems = [...result.survivors.map((s) => `service ${s.service}: pid ${s.pid} survived SIGKILL`), ...(result.containerProblems ?? []), ...result.held.filter((h) => h.ours).map((h) => h.message)];
  // a stray that took a port since is not devnet's to stop: said, not failed
  if (!flags.json) for (const h of result.held.filter((x) => !x.ours)) process.stderr.write(`warning: ${h.message}\n`);
  if (problems.length) {
    if (flags.json) return ExitCode.failed;
    throw new StopError(problems.join('\n'));
  }
  if (!flags.json && result.wasUp) print(downText(paths.stackId, result.held.length > 0));
  const v = result.volumes;
  if (v && !flags.json) {
    for (const d of v.deleted) print(`deleted ${shownPath(d)}`);
    if (!v.deleted.length) print(`no data directories to delete${v.absent.length ? ` (${v.absent.map(shownPath).join(', ')} ${v.absent.length === 1 ? 'does' : 'do'} not exist)` : ''}`);
  }
  if (v?.refused.length) throw new StopError(v.refused.map((r) => `data directory ${r.path} was not deleted: ${r.why}`).join('\n'));
  return ExitCode.ok;
}

/** The data directories of the stack as it is now, for down --volumes on a stack that is down. */
function declaredDataDirs(stack: Stack): string[] {
  return Object.values(stack.services)
    .filter(isLaunchable)
    .flatMap((s) => interpolationContext(stack, s.name, process.env).data ?? []);
}
