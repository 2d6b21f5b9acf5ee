// Which services a command acts on: profiles as docker compose has them (no profile:
// always; a profile: only when asked), --only with its dependencies. Pure.
import { quote, UsageError } from '../errors.js';
import { withDependencies } from './graph.js';
import { isLaunchable, type Stack } from './model.js';
import { dict, own } from './own.js';
import { expandNames } from './replicas.js';
import { didYouMean } from './schema-dsl.js';

export interface Selection {
  only?: readonly string[];
  profiles?: readonly string[];
}

export function selectServices(stack: Stack, { only: asked, profiles = [] }: Selection = {}): string[] {
  let only = asked;
  const all = Object.values(stack.services);
  const known = new Set(all.flatMap((s) => s.profiles));
  for (const p of profiles) if (!known.has(p)) throw new UsageError(`unknown profile "${p}"${didYouMean(p, [...known])}; stack ${stack.name} has ${[...known].join(', ') || 'no profiles'}`);
  const graph = dict(all.map((s) => [s.name, Object.keys(s.dependsOn)]));
  let roots: string[];
  if (only?.length) {
    // a replicated service stands for all its replicas
    only = expandNames(stack.services, only);
    for (const o of only) {
      const s = own(stack.services, o);
      if (!s) throw new UsageError(`--only: unknown service ${quote(o)}${didYouMean(o, Object.keys(stack.services))}`);
      if (!isLaunchable(s)) throw new UsageError(`--only: service "${o}" is planned and never launched`);
    }
    roots = [...only];
  } else {
    roots = all.filter((s) => isLaunchable(s) && (!s.profiles.length || s.profiles.some((p) => profiles.includes(p)))).map((s) => s.name);
  }
  const chosen = withDependencies(graph, roots);
  // declaration order, so output and start order within a wave are stable
  return all.filter((s) => chosen.has(s.name)).map((s) => s.name);
}
