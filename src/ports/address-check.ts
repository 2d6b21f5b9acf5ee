// Every address a service binds must be one of this machine's. Linux answers all of
// 127.0.0.0/8 on lo with no setup; macOS and the BSDs answer only 127.0.0.1 until each
// further address is an alias of lo0, and a replica on 127.0.0.3 would die at its bind.
// A bind to port 0 asks the kernel the exact question, once per distinct address; on Linux
// the kernel itself routes 127.0.0.0/8 to lo, so those need no asking (the first bind of a
// process costs 3-8ms, a third of doctor's own work on a stack of replicas).
import { createServer } from 'node:net';
import type { Service } from '../stack/model.js';
import type { Check } from '../check.js';

/** The error code of a bind to port 0 on the address, or undefined when it binds. */
export type AddressProbe = (host: string) => Promise<string | undefined>;

export const bindAddress: AddressProbe = (host) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ port: 0, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });

const ALWAYS = new Set(['127.0.0.1', 'localhost']);

export async function addressChecks(services: readonly Service[], probe: AddressProbe = bindAddress, os: NodeJS.Platform = process.platform): Promise<Check[]> {
  const byHost = new Map<string, string[]>();
  for (const s of services) byHost.set(s.host, [...(byHost.get(s.host) ?? []), s.name]);
  const hosts = [...byHost.keys()].filter((h) => !ALWAYS.has(h));
  const known = (h: string) => os === 'linux' && /^127\.\d+\.\d+\.\d+$/.test(h);
  const codes = await Promise.all(hosts.map((h) => (known(h) ? undefined : probe(h))));
  const checks: Check[] = [];
  const local: string[] = [];
  hosts.forEach((host, i) => {
    const code = codes[i];
    if (!code) return void local.push(host);
    const names = byHost.get(host)!;
    const who = names.length > 2 ? `${names[0]} and ${names.length - 1} more` : names.join(', ');
    checks.push({ id: 'address.missing', level: 'error', service: names[0], message: `address ${host} (${who}) cannot be bound here (${code}); ${fix(host, code, os)}` });
  });
  if (local.length) {
    const sorted = local.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    checks.push({ id: 'address.local', level: 'ok', message: `address${sorted.length > 1 ? 'es' : ''} ${spoken(sorted)} can be bound here` });
  }
  return checks;
}

/** `127.0.0.2 to 127.0.0.11` for a run of one /24, else the addresses or the first two and a count. */
function spoken(sorted: readonly string[]): string {
  const last = sorted.map((h) => /^(\d+\.\d+\.\d+)\.(\d+)$/.exec(h));
  const run = sorted.length > 2 && last.every((m, i) => m && m[1] === last[0]![1] && Number(m[2]) === Number(last[0]![2]) + i);
  if (run) return `${sorted[0]} to ${sorted.at(-1)}`;
  if (sorted.length <= 3) return sorted.length === 1 ? sorted[0]! : `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}`;
  return `${sorted[0]}, ${sorted[1]} and ${sorted.length - 2} more`;
}

function fix(host: string, code: string, os: NodeJS.Platform): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `\`${host}\` does not resolve; set host: to an address (127.0.0.1 for this machine alone)`;
  if (host.startsWith('127.') && os !== 'linux') return `${os} answers only 127.0.0.1 until each further loopback address is an alias of lo0; add it once (until the next reboot): sudo ifconfig lo0 alias ${host} up`;
  return 'it is not an address of this machine; set host: to one it has (127.0.0.1 for this machine alone)';
}
