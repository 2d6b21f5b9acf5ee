// Replicas spread over loopback addresses need those addresses. Linux routes all of
// 127.0.0.0/8 to lo with no setup; macOS and the BSDs answer only 127.0.0.1 until each
// further address is added as an alias of lo0, which doctor spells out.
import type { Check } from '../ports/check.js';
import type { Stack } from '../stack/model.js';

export function loopbackCheck(stack: Stack, services: readonly string[], platform: NodeJS.Platform = process.platform): Check | undefined {
  const extra = [...new Set(services.map((n) => stack.services[n]!).filter((s) => s.replica && s.host.startsWith('127.') && s.host !== '127.0.0.1').map((s) => s.host))].sort(
    (a, b) => a.localeCompare(b, 'en', { numeric: true }),
  );
  if (!extra.length) return undefined;
  const range = extra.length > 1 ? `${extra[0]} to ${extra.at(-1)}` : extra[0]!;
  if (platform === 'linux') return { id: 'platform.loopback', level: 'ok', message: `replicas use the loopback addresses ${range}: Linux routes all of 127.0.0.0/8 to lo, no setup needed` };
  return {
    id: 'platform.loopback',
    level: 'warn',
    message: `replicas use the loopback addresses ${range}, which ${platform} does not answer until they are aliases of lo0; add them once (until the next reboot):\n${extra.map((a) => `  sudo ifconfig lo0 alias ${a} up`).join('\n')}`,
  };
}
