// A service that died with "address in use" after preflight found its ports free: something
// took a port in between. Read the tables at that moment and say what: a listener (with its
// holder), or an outgoing connection that the kernel gave the port as its source port, which
// happens to planned ports inside the ephemeral range.
import { platform } from '../platform/index.js';
import type { Connection } from '../platform/types.js';
import { conflicts } from '../stack/address-conflict.js';
import { inEphemeral, offsetOutsideEphemeral, readKernelPorts } from './kernel.js';
import { describeOwner, ownerLookup } from './owners.js';
import { readSocketTable } from './socket-table.js';

/** What a program prints when its port is taken: Node, Python, Go, Rust, Java, nginx. */
export const ADDRESS_IN_USE = /EADDRINUSE|address already in use|address in use|Only one usage of each socket address|BindException/i;

export interface PortTaken {
  port: number;
  /** an outgoing connection holds it: it goes away by itself, so a retry can succeed */
  byConnection: boolean;
  message: string;
}

/** Who holds each wanted port on its host now, in one read of the tables; `allPorts` (the whole plan) for the offset that avoids the ephemeral range. */
export function whoTookPorts(wants: readonly { port: number; host: string }[], allPorts: readonly number[], portOffset: number): { taken: PortTaken[]; hint?: string } {
  const table = readSocketTable();
  const kernel = readKernelPorts();
  const taken: PortTaken[] = [];
  let anyConnection = false;
  for (const { port, host } of wants) {
    const ls = table.on(port).filter((l) => conflicts(l, host));
    if (ls.length) {
      taken.push({ port, byConnection: false, message: `port ${port} is held now by ${describeOwner(ownerLookup(ls)(ls))}` });
      continue;
    }
    const conns = platform().connectionsOn(port).filter((c) => conflicts(c, host));
    if (!conns.length) continue;
    anyConnection = true;
    const c = conns[0]!;
    const owner = c.pid !== undefined || c.inode !== undefined ? ownerLookup([c])([c]) : undefined;
    const eph = inEphemeral(kernel, port) ? `, inside the kernel's ephemeral range ${kernel.ephemeral.join('-')}` : '';
    const closed = c.state === 'TIME_WAIT' ? ' (closed, in TIME_WAIT for up to 60s)' : '';
    taken.push({ port, byConnection: true, message: `port ${port} was taken by an outgoing connection ${endpoint(c)} -> ${c.remote}${closed}${owner ? ` of ${describeOwner(owner)}` : ''}: the kernel gave it the planned port as its source port${eph}` });
  }
  // the ephemeral range is the cause only where a taken port lies in it; elsewhere the
  // connection bound the port on purpose, and an offset that changes nothing is no fix
  const ephemeral = anyConnection && taken.some((t) => t.byConnection && inEphemeral(kernel, t.port));
  if (!ephemeral) return { taken, hint: taken.length ? `free the port${anyConnection ? ' (end the connection that holds it)' : ''}, or start it on another with devnet up --remap` : undefined };
  const offset = offsetOutsideEphemeral(kernel, allPorts, portOffset);
  return {
    taken,
    hint: `keep the plan out of the ephemeral range: ${offset !== undefined ? `--port-offset ${offset}` : 'lower ports'}, or reserve the ports with net.ipv4.ip_local_reserved_ports`,
  };
}

const endpoint = (c: Connection) => `${c.family === 6 ? `[${c.address}]` : c.address}:${c.port}`;

/** Waits (at most `ms`) until no connection holds any of `ports` on `host`. */
export async function connectionsGone(ports: readonly number[], host: string, ms: number, signal?: AbortSignal): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (ports.every((p) => !platform().connectionsOn(p).some((c) => conflicts(c, host)))) return true;
    if (Date.now() > until || signal?.aborted) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
