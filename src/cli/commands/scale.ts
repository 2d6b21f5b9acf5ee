// devnet scale SERVICE N: the running stack's supervisor grows or shrinks the copies of a
// service (stack/replicas.ts scaleService) and recreates what uses their peer list. The
// count is recorded with the run: status, down and a later up know it.
import { ExitCode, UsageError, quote } from '../../errors.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import { announce, openForRun, print, printJson } from '../context.js';
import type { StackFlags } from '../flags.js';
import { request, type ApplyFlags } from './apply.js';
import { liveSupervisor } from './steer.js';

export async function scale(service: string, count: number, flags: StackFlags & ApplyFlags): Promise<number> {
  const ctx = await openForRun(flags);
  announce(ctx, flags.json);
  const state = liveSupervisor(ctx.paths, 'scale');
  const groups = new Set(Object.values(state.services).map((r) => r.replicaOf ?? r.name));
  if (!groups.has(service)) throw new UsageError(`stack ${ctx.paths.stackId} has no service ${quote(service)}${didYouMean(service, [...groups])}`, { hint: `its services: ${[...groups].join(', ')}` });
  if (count > 250) throw new UsageError(`devnet scale takes a count from 1 to 250, got ${count}`);
  const changes = await request(ctx.paths, { op: 'scale', group: service, count, dryRun: flags.dryRun }, flags);
  if (flags.json) {
    const { stackStatus, statusJson } = await import('../../record/status.js');
    printJson({ ok: true, dryRun: !!flags.dryRun, changes, ...statusJson(stackStatus(ctx.paths, state.stack)) });
  } else if (!changes.length) print(`${service} already runs ${count} cop${count === 1 ? 'y' : 'ies'}: nothing to do`);
  return ExitCode.ok;
}
