// depends_on: { db: { restart: true } } (compose's word): a service that follows db is
// restarted after db restarts and is ready again, so it reconnects rather than talk to a
// connection that died with the old process.
import type { Stack } from '../../stack/model.js';
import type { PolicyTarget } from './target.js';
import type { Policy } from './policy.js';

export function followersOf(stack: Stack, name: string, running: (n: string) => boolean): string[] {
  return Object.values(stack.services)
    .filter((s) => s.restartWith.includes(name) && running(s.name))
    .map((s) => s.name);
}

export interface FollowerDeps {
  followers(): string[];
  restart(names: string[], reason: string): Promise<unknown>;
}

export function attachFollowers(t: Pick<PolicyTarget, 'name' | 'onReady'>, d: FollowerDeps): void {
  let first = true;
  t.onReady(() => {
    // its first readiness is the start the followers waited for, not a restart
    if (first) return void (first = false);
    const names = d.followers();
    if (names.length) void d.restart(names, `${t.name} restarted`).catch(() => {});
  });
}

export const followersPolicy: Policy = {
  name: 'followers',
  attach: (t, ctx) => attachFollowers(t, { followers: () => ctx.followers(), restart: (names, reason) => ctx.restartNow(names, reason) }),
};
