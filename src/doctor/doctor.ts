// devnet doctor: one report of what will go wrong before it does.
import type { Problem } from '../errors.js';
import { ExitCode, formatProblem } from '../errors.js';
import { worst, type Check } from '../check.js';
import { preflight } from '../ports/preflight.js';
import type { Stack } from '../stack/model.js';
import { staleStateChecks } from './stale-state.js';
import { enginesUnreachable, programChecks } from '../stack/programs.js';
import { launchSpec } from '../stack/launch-spec.js';
import { subreaperHelper } from '../service/subreaper.js';
import { platform } from '../platform/index.js';
import { PlatformError } from '../errors.js';

export interface DoctorReport {
  ok: boolean;
  stack: string;
  checks: Check[];
}

export interface DoctorOptions {
  services: readonly string[];
  warnings: readonly Problem[];
  stackId: string;
  stateFile: string;
  lockFile: string;
  strict?: boolean;
  processEnv?: Record<string, string | undefined>;
}

export async function runDoctor(stack: Stack, o: DoctorOptions): Promise<DoctorReport> {
  const launchable = Object.values(stack.services).filter((s) => s.status !== 'planned').length;
  const checks: Check[] = [
    { id: 'stack.valid', level: 'ok', message: `stack ${stack.name} is valid: ${launchable} service${launchable === 1 ? '' : 's'}, ${o.services.length} selected` },
    ...o.warnings.map((w): Check => ({ id: 'stack.warning', level: 'warn', message: formatProblem(w) })),
  ];
  // a system devnet cannot read (no lsof, no ps) is one finding among the others, not the end of the report
  let unreadable: PlatformError | undefined;
  const reading = async (read: () => Check[] | Promise<Check[]>): Promise<Check[]> => {
    if (unreadable) return [];
    try {
      return await read();
    } catch (e) {
      if (!(e instanceof PlatformError)) throw e;
      unreadable = e;
      return [];
    }
  };
  checks.push(...(await reading(async () => (await preflight(stack, { services: o.services, selfStackId: o.stackId })).checks)));
  checks.push(...programChecks(stack, o.services, o.processEnv ?? process.env));
  checks.push(...(await engineChecks(stack, o.services, o.processEnv ?? process.env)));
  checks.push(...(await reading(() => staleStateChecks(o.stateFile, o.lockFile))));
  checks.push(unreadable ? { id: 'platform.backend', level: 'error', message: `${unreadable.message}; ports and running stacks were not checked` } : backendCheck(), subreaperCheck());
  const level = worst(checks);
  return { ok: level === 'ok' || (level === 'warn' && !o.strict), stack: stack.name, checks };
}

/** Container services: the engine's daemon answers, and each image is here or will be pulled. */
async function engineChecks(stack: Stack, services: readonly string[], processEnv: Record<string, string | undefined>): Promise<Check[]> {
  const specs = services.filter((n) => stack.services[n]!.engine).map((n) => launchSpec(stack, n, { processEnv }));
  if (!specs.length) return [];
  const down = await enginesUnreachable(specs);
  if (down.length) return down.map((message) => ({ id: 'engine.daemon', level: 'error', message }));
  const { engineCall } = await import('../container/engine.js');
  const checks: Check[] = [{ id: 'engine.daemon', level: 'ok', message: `${specs[0]!.container!.engine.cli} answers: container services can start` }];
  const images = new Map(specs.map((s) => [s.container!.image, s]));
  for (const [image, spec] of images) {
    const here = (await engineCall(spec.container!.engine, ['image', 'inspect', '--format', '{{.Id}}', image], 15_000)).code === 0;
    const users = specs.filter((s) => s.container!.image === image).map((s) => s.service).join(', ');
    checks.push(here ? { id: 'engine.image', level: 'ok', message: `image ${image} is here (${users})` } : { id: 'engine.image', level: 'warn', message: `image ${image} is not here yet (${users}): devnet up pulls it, which needs its registry` });
  }
  return checks;
}

function backendCheck(): Check {
  const forced = process.env.DEVNET_PLATFORM ? ` (DEVNET_PLATFORM=${process.env.DEVNET_PLATFORM})` : '';
  const how = platform().name === 'linux' ? 'reads ports and processes from /proc (Linux backend)' : 'reads ports and processes with lsof and ps (POSIX backend)';
  return { id: 'platform.backend', level: 'ok', message: `devnet ${how}${forced}` };
}

function subreaperCheck(): Check {
  if (subreaperHelper()) return { id: 'platform.subreaper', level: 'ok', message: 'services start under the subreaper helper: what they double-fork away stays theirs' };
  if (process.platform !== 'linux') return { id: 'platform.subreaper', level: 'ok', message: `no subreaper on ${process.platform}: a process that leaves its service's tree and clears its environment is out of devnet's reach` };
  return {
    id: 'platform.subreaper',
    level: 'warn',
    message: 'the subreaper helper was not built (no C compiler when devnet was installed): a process a service double-forks away with a cleared environment escapes devnet down; install cc and reinstall devnet',
  };
}

export function doctorExitCode(report: DoctorReport): number {
  if (report.checks.some((c) => c.level === 'error' && /^(port|range|address)\./.test(c.id))) return ExitCode.preflight;
  return report.ok ? ExitCode.ok : ExitCode.failed;
}
