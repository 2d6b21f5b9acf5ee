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
  if (!looksHttp) return undefined;
  const target = s.ready.kind === 'http' && !s.ready.port ? s.ready.target : undefined;
  // a probe URL on the service's own first port (https://127.0.0.1:${port}/health) answered in
  // its scheme; a probe path answered over plain HTTP; else the port plan's protocol says
  const path = target?.startsWith('/') ? target : undefined;
  const own = path ? undefined : target?.match(/^(https?):\/\/[^/]*:\$\{port\}(\/.*)?$/i);
  const probed = path ?? (own ? (own[2] ?? '/') : undefined);
  const tls = own ? own[1]!.toLowerCase() === 'https' : !path && /https/i.test(s.protocol ?? '');
  return `${tls ? 'https' : 'http'}://${urlHost(s.host)}:${port}${s.url ?? probed ?? '/'}`;
}
