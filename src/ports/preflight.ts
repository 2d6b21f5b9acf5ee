// Port preflight: before anything starts, every port and range of the services that
// would run is checked against the kernel's listener table, the kernel's port policy,
// and the other stacks beside this one; every address they bind, against the machine's.
// Returns checks; `up` refuses on any error.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isLaunchable, type Service, type Stack } from '../stack/model.js';
import { selectServices } from '../stack/select.js';
import { addressChecks } from './address-check.js';
import { type Check } from '../check.js';
import { ownerField } from './owners.js';
import { inEphemeral, offsetOutsideEphemeral, readKernelPorts, type KernelPorts } from './kernel.js';
import { describeOwner, ownerLookup, type Owner } from './owners.js';
import { conflicts } from '../stack/address-conflict.js';
import { readSocketTable, readUdpTable, tableOf, type Listener, type SocketTable } from './socket-table.js';
import { suggestPorts } from './suggest.js';

export interface PreflightOptions {
  /** services that would run (default: every launchable one) */
  services?: readonly string[];
  table?: SocketTable;
  kernel?: KernelPorts;
  /** the marker of this stack's own running services, which may hold its ports */
  selfStackId?: string;
  /**
   * every port of the services was bound a moment ago (up's bind check): nothing listens on
   * them, so the listener tables are read only where the stack's ranges need them
   */
  portsBound?: boolean;
  /** look for the same ports in the other stack files of the stack's folder */
  siblings?: boolean;
  suggestions?: boolean;
}

export interface PreflightResult {
  checks: Check[];
  table: SocketTable;
  kernel: KernelPorts;
}

interface Want {
  port: number;
  service?: Service;
  label: string;
}

export async function preflight(stack: Stack, options: PreflightOptions = {}): Promise<PreflightResult> {
  const table = options.table ?? (options.portsBound && !stack.ranges.length ? tableOf([]) : readSocketTable());
  const kernel = options.kernel ?? readKernelPorts();
  const names = options.services ?? Object.values(stack.services).filter(isLaunchable).map((s) => s.name);
  const services = names.map((n) => stack.services[n]!);
  const wants: Want[] = services.flatMap((s) =>
    Object.entries(s.ports).map(([pname, port]) => ({ port, service: s, label: pname === 'default' ? s.name : `${s.name}.${pname}` })),
  );

  // per address: replicas share a port on their own loopback addresses
  const busy = new Map<Want, Listener[]>();
  for (const w of wants) {
    const ls = table.on(w.port).filter((l) => !w.service || conflicts(l, w.service.host));
    if (ls.length) busy.set(w, ls);
  }
  const rangeBusy = stack.ranges.map((r) => table.listeners.filter((l) => l.port >= r.from && l.port <= r.to));
  const ownerOf = ownerLookup([...busy.values(), ...rangeBusy].flat());
  const isSelf = (o: Owner | undefined) => !!o?.devnet && o.devnet.stack === options.selfStackId;
  const claimed = new Set(Object.values(stack.services).flatMap((s) => Object.values(s.ports)));
  const inRange = (p: number) => stack.ranges.some((r) => p >= r.from && p <= r.to);

  // an address the machine does not have (a replica's 127.0.0.3 on macOS) fails every port on it
  const checks: Check[] = await addressChecks(services);
  for (const w of wants) {
    const ls = busy.get(w);
    const owner = ls && ownerOf(ls);
    if (!ls) checks.push({ id: 'port.free', level: 'ok', service: w.service?.name, port: w.port, message: `port ${w.port} (${w.label}) is free` });
    else if (isSelf(owner))
      checks.push({ id: 'port.own', level: 'ok', service: w.service?.name, port: w.port, owner: ownerField(owner), heldBy: owner!.devnet!.service, message: `port ${w.port} (${w.label}) is held by this stack's running service ${owner!.devnet!.service}` });
    else {
      const suggestions =
        options.suggestions === false ? [] : await suggestPorts(w.port, { table, kernel, taken: (p) => claimed.has(p) || inRange(p) });
      const alt = suggestions.length ? ` (free: ${suggestions.join(', ')})` : '';
      // a service some devnet left running is stopped with down, not hunted by hand
      const fix = owner?.devnet ? `stop it with devnet down (stack ${owner.devnet.stack}) or run with --remap` : 'free it or run with --remap';
      checks.push({
        id: 'port.busy',
        level: 'error',
        service: w.service?.name,
        port: w.port,
        owner: ownerField(owner),
        suggestions,
        message: `port ${w.port} (${w.label}) is held by ${describeOwner(owner)} on ${addresses(ls)}; ${fix}${alt}`,
      });
    }
    checks.push(...policyChecks(w, kernel));
  }
  checks.push(...udpChecks(services, isSelf, options.portsBound ? tableOf([]) : undefined));
  checks.push(...ephemeralChecks(stack, wants, kernel));
  stack.ranges.forEach((r, i) => checks.push(...rangeChecks(r, rangeBusy[i]!, ownerOf, kernel)));
  for (const s of services) checks.push(...lintCommand(s));
  if (options.siblings !== false) checks.push(...(await siblingClaims(stack, wants)));
  return { checks, table, kernel };
}

/** UDP ports: bound by anything else on the service's address is busy (read only when a service plans one). */
function udpChecks(services: readonly Service[], isSelf: (o: Owner | undefined) => boolean, bound?: SocketTable): Check[] {
  const wants = services.flatMap((s) => Object.entries(s.udpPorts).map(([name, port]) => ({ s, port, label: `${s.name}.${name}` })));
  if (!wants.length) return [];
  const table = bound ?? readUdpTable();
  const busy = wants.map((w) => table.on(w.port).filter((l) => conflicts(l, w.s.host)));
  const ownerOf = ownerLookup(busy.flat());
  return wants.map((w, i): Check => {
    const ls = busy[i]!;
    if (!ls.length) return { id: 'port.free', level: 'ok', service: w.s.name, port: w.port, message: `UDP port ${w.port} (${w.label}) is free` };
    const owner = ownerOf(ls);
    if (isSelf(owner)) return { id: 'port.own', level: 'ok', service: w.s.name, port: w.port, owner: ownerField(owner), message: `UDP port ${w.port} (${w.label}) is held by this stack's running service ${owner!.devnet!.service}` };
    const fix = owner?.devnet ? `stop it with devnet down (stack ${owner.devnet.stack})` : 'free it, or move the port (--remap moves TCP ports only)';
    return { id: 'port.busy', level: 'error', service: w.s.name, port: w.port, owner: ownerField(owner), message: `UDP port ${w.port} (${w.label}) is bound by ${describeOwner(owner)} on ${addresses(ls)}; ${fix}` };
  });
}

function addresses(ls: Listener[]): string {
  return [...new Set(ls.map((l) => (l.family === 6 ? `[${l.address}]` : l.address)))].join(', ');
}

function policyChecks(w: Want, kernel: KernelPorts): Check[] {
  const out: Check[] = [];
  const base = { service: w.service?.name, port: w.port };
  if (w.port < kernel.unprivilegedStart && !kernel.isRoot)
    out.push({ ...base, id: 'port.privileged', level: 'warn', message: `port ${w.port} (${w.label}) is privileged (< ${kernel.unprivilegedStart}) and this user cannot bind it; use a port >= ${kernel.unprivilegedStart}` });
  return out;
}

/**
 * One warning for all the ports of the plan inside the kernel's ephemeral range (twenty
 * two-line warnings hid the one that mattered), with an offset that moves the whole plan out.
 */
function ephemeralChecks(stack: Stack, wants: Want[], kernel: KernelPorts): Check[] {
  const inside = wants.filter((w) => inEphemeral(kernel, w.port));
  if (!inside.length) return [];
  const ports = [...new Set(inside.map((w) => w.port))].sort((a, b) => a - b);
  const shown = ports.length > 8 ? `${ports.slice(0, 8).join(', ')} and ${ports.length - 8} more` : ports.join(', ');
  const all = [...wants.map((w) => w.port), ...stack.ranges.flatMap((r) => [r.from, r.to])];
  const offset = offsetOutsideEphemeral(kernel, all, stack.portOffset);
  const fix = offset !== undefined ? `--port-offset ${offset} keeps the whole plan outside it; or ` : '';
  return [
    {
      id: 'port.ephemeral',
      level: 'warn',
      service: inside[0]!.service?.name,
      port: ports[0],
      message: `port${ports.length === 1 ? '' : 's'} ${shown} ${ports.length === 1 ? 'is' : 'are'} inside the kernel's ephemeral range ${kernel.ephemeral.join('-')}: an outgoing connection may take ${ports.length === 1 ? 'it' : 'one'} first; ${fix}reserve ${ports.length === 1 ? 'it' : 'them'} with net.ipv4.ip_local_reserved_ports`,
    },
  ];
}

function rangeChecks(r: Stack['ranges'][number], ls: Listener[], ownerOf: (ls: Listener[]) => Owner | undefined, kernel: KernelPorts): Check[] {
  const size = r.to - r.from + 1;
  const out: Check[] = [];
  if (!ls.length) out.push({ id: 'range.free', level: 'ok', port: r.from, message: `range ${r.name} ${r.from}-${r.to}: all ${size} ports free` });
  for (const l of ls) {
    const o = ownerOf([l]);
    out.push({ id: 'range.busy', level: 'error', port: l.port, owner: ownerField(o), message: `port ${l.port} in range ${r.name} (${r.from}-${r.to}) is held by ${describeOwner(o)}; free it or move the range` });
  }
  const [lo, hi] = kernel.ephemeral;
  if (r.from <= hi && r.to >= lo)
    out.push({ id: 'range.ephemeral', level: 'warn', port: r.from, message: `range ${r.name} ${r.from}-${r.to} overlaps the kernel's ephemeral range ${lo}-${hi}; reserve it with net.ipv4.ip_local_reserved_ports` });
  return out;
}

const VITE = /(^|[\s/])vite(\s|$)/;

/** Vite moves to the next free port when its own is busy, so the plan silently lies. */
export function lintCommand(s: Service): Check[] {
  const cmd = Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? '');
  if (VITE.test(cmd) && !/--strictPort\b/.test(cmd))
    return [{ id: 'lint.vite-strict-port', level: 'warn', service: s.name, message: `service ${s.name} runs vite without --strictPort: when its port is busy Vite silently takes the next one; add --strictPort` }];
  return [];
}

async function siblingClaims(stack: Stack, wants: Want[]): Promise<Check[]> {
  let files: string[];
  try {
    files = readdirSync(stack.dir).filter((f) => /\.ya?ml$/.test(f) && join(stack.dir, f) !== stack.file);
  } catch {
    return [];
  }
  const out: Check[] = [];
  for (const f of files) {
    // a shifted copy is compared with its siblings shifted alike: a devnet moved as a whole
    const other = await loadSibling(join(stack.dir, f), stack.portOffset);
    if (!other || other.name === stack.name) continue;
    // stacks that stand in for each other never run at once
    if (stack.alternatives.includes(other.name) || other.alternatives.includes(stack.name)) continue;
    // what the sibling runs by default: its profiles' services only when asked for
    const running = new Set(selectServices(other));
    for (const w of wants) {
      const theirs = Object.values(other.services).find((s) => running.has(s.name) && Object.values(s.ports).includes(w.port));
      const range = other.ranges.find((r) => w.port >= r.from && w.port <= r.to);
      const who = theirs ? `service ${theirs.name}` : range ? `range ${range.name}` : undefined;
      if (who)
        out.push({ id: 'port.shared', level: 'warn', service: w.service?.name, port: w.port, message: `port ${w.port} (${w.label}) is also claimed by stack ${other.name} (${who}, ${basename(other.file)}); the two cannot run at once without --port-offset` });
    }
  }
  return out;
}

/** Another stack file of the same folder, or nothing when it does not load (doctor of that stack says why). */
async function loadSibling(file: string, portOffset: number): Promise<Stack | undefined> {
  try {
    // loaded only here: the supervisor's preflight (no siblings) never evaluates the loader
    const { loadStack } = await import('../stack/load.js');
    return (await loadStack(file, { portOffset })).stack;
  } catch {
    return undefined;
  }
}
