import { urlHost } from '../stack/launch-spec.js';
import type { Stack } from '../stack/model.js';

/** The URL shown for a service once it is up: its first port, when it looks like HTTP. */
export function urlOf(stack: Stack, name: string): string | undefined {
  const s = stack.services[name]!;
  const port = Object.values(s.ports)[0];
  if (port === undefined) return undefined;
  const looksHttp = s.url !== undefined || s.ready.kind === 'http' || /http/i.test(s.protocol ?? '');
  return looksHttp ? `http://${urlHost(s.host)}:${port}${s.url ?? '/'}` : undefined;
}
