// devnet config [SERVICE...]: the stack as devnet resolved it (env files, interpolation,
// profiles, offset, remap), secrets as ***. A running stack is shown as it runs, asked of its
// supervisor; otherwise the stack file is resolved as up would resolve it.
import { ExitCode, quote, UsageError } from '../../errors.js';
import type { ResolvedService } from '../../stack/resolved-config.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import { isLaunchable } from '../../stack/model.js';
import type { StatePaths } from '../../state/paths.js';
import { announce, openForRun, openStack, print, printJson, type RunContext } from '../context.js';
import type { StackFlags } from '../flags.js';
import { liveSupervisor } from './steer.js';

interface Flags extends StackFlags {
  json?: boolean;
  /** --env SERVICE: only that service's environment, as KEY=value lines */
  env?: string;
}

export interface Resolved {
  ctx: RunContext;
  services: ResolvedService[];
  /** set when they came from the running stack's supervisor */
  running?: { supervisorPid: number; runId: string };
}

/**
 * The services as they run (asked of the live supervisor), or, when the stack is not up and
 * `orFile`, as the stack file resolves them now. `reveal`: with secrets (exec's process only).
 */
export async function resolvedServices(flags: StackFlags, names: string[], o: { reveal?: boolean; orFile: boolean; why: string }): Promise<Resolved> {
  const ctx = await openForRun(flags);
  const known = ctx.services;
  for (const s of names)
    if (!known.includes(s) && !known.includes(`${s}-1`)) throw new UsageError(`stack ${ctx.paths.stackId} has no service ${quote(s)}${didYouMean(s, known)}`, { hint: `its services: ${known.join(', ')}` });
  const live = liveOrUndefined(ctx.paths, o.why, !o.orFile);
  if (live) {
    const { controlExchange } = await import('../../control/client.js');
    const reply = await controlExchange(live.control ?? ctx.paths.controlSocket, { op: 'config', services: names, stateDir: ctx.paths.dir, reveal: o.reveal });
    return { ctx, services: reply.config ?? [], running: { supervisorPid: live.supervisor.pid, runId: live.runId } };
  }
  const { stack } = ctx.stack ? { stack: ctx.stack } : await openStack(flags);
  const { planService, stackFiles } = await import('../../stack/service-plan.js');
  const { expandNames } = await import('../../stack/replicas.js');
  const { resolveService, redactService } = await import('../../stack/resolved-config.js');
  const shared = stackFiles(stack);
  const chosen = names.length ? expandNames(stack.services, names) : Object.keys(stack.services).filter((n) => isLaunchable(stack.services[n]!));
  const services = chosen.map((n) => {
    const r = resolveService(stack, planService(stack, n, { stackId: ctx.paths.stackId }, shared));
    return o.reveal ? r : redactService(r, stack.secretValues);
  });
  return { ctx, services };
}

/** The live supervisor's state; undefined when the stack is not up (an error instead when `must`). */
function liveOrUndefined(paths: StatePaths, op: string, must: boolean) {
  try {
    return liveSupervisor(paths, op);
  } catch (e) {
    if (must) throw e;
    return undefined;
  }
}

export async function config(names: string[], flags: Flags): Promise<number> {
  const asked = flags.env !== undefined ? [flags.env] : names;
  const r = await resolvedServices(flags, asked, { orFile: true, why: 'show its config' });
  const { ctx, services } = r;
  if (flags.env !== undefined) {
    const s = services.find((x) => x.name === flags.env);
    if (!s) throw new UsageError(`--env ${flags.env}: a replicated service has one environment per copy; name one (${services.map((x) => x.name).join(', ')})`);
    // KEY=value lines for scripts (eval, env files): the stack is named on stderr
    process.stderr.write(`stack ${ctx.paths.stackId}: env of ${s.name}${r.running ? ' as it runs' : ''}\n`);
    for (const [k, v] of Object.entries(s.env)) print(`${k}=${v}`);
    return ExitCode.ok;
  }
  const doc = {
    stack: ctx.paths.stackId,
    file: ctx.stackFile,
    source: r.running ? `the running stack (supervisor pid ${r.running.supervisorPid})` : 'the stack file, as devnet up would run it now',
    services: Object.fromEntries(services.map(({ name, ...rest }) => [name, rest])),
  };
  if (flags.json) {
    printJson(doc);
    return ExitCode.ok;
  }
  announce(ctx);
  const { stringifyPortable } = await import('../../convert/yaml-out.js');
  print(`# ${doc.source}`);
  print(stringifyPortable({ services: doc.services }).trimEnd());
  return ExitCode.ok;
}
