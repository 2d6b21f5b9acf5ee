import { urlHost } from './launch-spec.js';
import type { Stack } from './model.js';

/**
 * The URL shown for a service once it is up: its first port, when it looks like HTTP, at its
 * url: path, else at the path its readiness probe asks (which answered, or it would not be
 * ready: a follower's / may well be a 404), else at /.
 */
export function urlOf(stack: Stack, name: string): string | undefined {
  const s = stack.services[name]!;
  const port = Object.values(s.ports)[0];
  if (port === undefined) return undefined;
  const looksHttp = s.url !== undefined || s.ready.kind === 'http' || /http/i.test(s.protocol ?? '');
  const probed = s.ready.kind === 'http' && s.ready.target?.startsWith('/') && !s.ready.port ? s.ready.target : undefined;
  return looksHttp ? `http://${urlHost(s.host)}:${port}${s.url ?? probed ?? '/'}` : undefined;
}
