// ${...} interpolation: a pure function from a template and a context to a string.
// References: ${port} ${ports.NAME} ${host} ${services.S.port} ${services.S.ports.NAME}
// ${services.S.host} ${address} (what others reach this service at) ${env.VAR} ${env.VAR:-default} ${stack.dir}; for replicas ${replica}
// ${replicas} ${peers} ${peers.PORT} ${services.S.peers} ${services.S.peers.PORT}; and
// ${files.NAME}. `$${` is a literal `${`.
import { quote } from '../errors.js';
import { own } from './own.js';
import { didYouMean } from './schema-dsl.js';

export interface PortsOf {
  host: string;
  /** the address others reach it at where that is not its bind address (a container network's name) */
  address?: string;
  udp?: Record<string, number>;
  ports: Record<string, number>;
  /** a replica: which (1-based), of how many */
  replica?: { index: number; count: number };
  /** under a replicated service's own name: its replicas, in order */
  replicas?: PortsOf[];
}

export interface InterpolationContext {
  /** the service being interpolated; absent for stack-level values. peers: its other replicas */
  self?: PortsOf & { peers?: PortsOf[] };
  /** rendered files by name: their paths */
  files?: Record<string, string>;
  /** the service's data directories, absolute */
  data?: string[];
  services: Record<string, PortsOf>;
  env: Record<string, string | undefined>;
  host: string;
  /** the directory of the stack file, for commands that must work from any cwd (fallbacks) */
  stackDir?: string;
}

export class InterpolationError extends Error {
  constructor(
    readonly reference: string,
    message: string,
  ) {
    super(message);
  }
}

const REF = /\$\$\{|\$\{([^}]*)\}/g;

/** Every ${...} reference in a template, in order. */
export function references(template: string): string[] {
  return [...template.matchAll(REF)].filter((m) => m[1] !== undefined).map((m) => m[1]!.trim());
}

export function interpolate(template: string, ctx: InterpolationContext, quote: (value: string) => string = (v) => v): string {
  return template.replace(REF, (_whole, ref: string | undefined) => (ref === undefined ? '${' : quote(resolveReference(ref.trim(), ctx))));
}

export function resolveReference(ref: string, ctx: InterpolationContext): string {
  const [head, ...rest] = ref.split('.');
  if (head === 'env') {
    // the shell's and compose's forms: :- default when unset or empty, - when unset; :? and ? fail
    // with a message; :+ and + give a replacement when set
    const expr = rest.join('.');
    const m = /^([A-Za-z_][\w.-]*?)(?:(:?[-?+])(.*))?$/s.exec(expr);
    if (!m) throw new InterpolationError(ref, `\${${ref}}: not an environment variable name`);
    const [, name, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
    const value = own(ctx.env, name);
    const unset = value === undefined;
    const empty = unset || value === '';
    switch (op) {
      case ':-':
        return empty ? arg : value!;
      case '-':
        return unset ? arg : value!;
      case ':+':
        return empty ? '' : arg;
      case '+':
        return unset ? '' : arg;
      case ':?':
      case '?':
        if (op === ':?' ? empty : unset) throw new InterpolationError(ref, `\${${ref}}: ${arg || `environment variable ${name} is ${unset ? 'not set' : 'empty'}`}`);
        return value!;
    }
    if (!empty) return value!;
    throw new InterpolationError(ref, `\${${ref}}: environment variable ${name} is not set (set it, add it to env:, or give a default: \${env.${name}:-value})`);
  }
  if (head === 'host' && rest.length === 0) return ctx.self?.host ?? ctx.host;
  // what a service announces of itself: its bind address is 0.0.0.0 in a container, never reachable as that
  if (head === 'address' && rest.length === 0) {
    if (!ctx.self) throw new InterpolationError(ref, `\${${ref}}: only a service has an address; use \${services.NAME.host}`);
    return ctx.self.address ?? reachable(ctx.self.host);
  }
  if ((head === 'replica' || head === 'replicas') && rest.length === 0) {
    if (!ctx.self) throw new InterpolationError(ref, `\${${ref}}: only a service has replicas`);
    return String(head === 'replica' ? (ctx.self.replica?.index ?? 1) : (ctx.self.replica?.count ?? 1));
  }
  if (head === 'peers' && rest.length <= 1) {
    if (!ctx.self?.peers) throw new InterpolationError(ref, `\${${ref}}: this service has no replicas, so no peers; give it replicas: N, or use \${services.NAME.peers}`);
    return peerList(ctx.self.peers, rest[0], ref);
  }
  if (head === 'data' && rest.length === 0) {
    if (!ctx.data?.length) throw new InterpolationError(ref, `\${${ref}}: this service declares no data: directory`);
    return ctx.data[0]!;
  }
  if (head === 'files' && rest.length === 1) {
    const path = ctx.files && own(ctx.files, rest[0]!);
    if (path === undefined) throw new InterpolationError(ref, `\${${ref}}: no file named "${rest[0]}" (declare it under files: of this service or of the stack)`);
    return path;
  }
  if (head === 'stack' && rest.length === 1 && rest[0] === 'dir' && ctx.stackDir !== undefined) return ctx.stackDir;
  if (head === 'udp_ports' && rest.length === 1) {
    if (!ctx.self) throw new InterpolationError(ref, `\${${ref}}: only a service has UDP ports; use \${services.NAME.udp_ports.${rest[0]}}`);
    return udpPortOf(ctx.self, rest[0]!, ref, 'this service');
  }
  if (head === 'port' || head === 'ports') {
    if (!ctx.self) throw new InterpolationError(ref, `\${${ref}}: only a service can use its own port; use \${services.NAME.port}`);
    return portOf(ctx.self, head, rest, ref, 'this service');
  }
  if (head === 'services' && rest.length >= 2) {
    const [svc, field, ...more] = rest;
    const target = own(ctx.services, svc!);
    if (!target) throw new InterpolationError(ref, `\${${ref}}: unknown service ${quote(svc!)}${didYouMean(svc!, Object.keys(ctx.services))}`);
    if (field === 'peers' && more.length <= 1) return peerList(target.replicas ?? [target], more[0], ref);
    if (target.replicas && (field === 'host' || field === 'port' || field === 'ports'))
      throw new InterpolationError(ref, `\${${ref}}: service "${svc}" has ${target.replicas.length} replicas; name one (\${services.${svc}-1.${[field, ...more].join('.')}}) or list them all (\${services.${svc}.peers})`);
    if (field === 'host' && more.length === 0) return target.host;
    if (field === 'udp_ports' && more.length === 1) return udpPortOf(target, more[0]!, ref, `service "${svc}"`);
    if (field === 'port' || field === 'ports') return portOf(target, field, more, ref, `service "${svc}"`);
    throw new InterpolationError(ref, `\${${ref}}: a service has no "${field}"${didYouMean(field ?? '', ['port', 'ports', 'host', 'peers'])}; use services.${svc}.port, .ports.NAME, .host or .peers`);
  }
  const hint = didYouMean(head ?? '', ['port', 'ports', 'host', 'address', 'replica', 'replicas', 'peers', 'services', 'files', 'data', 'env', 'stack', 'udp_ports']);
  throw new InterpolationError(ref, `\${${ref}}: unknown reference${hint} (use port, ports.NAME, udp_ports.NAME, host, address, replica, replicas, peers, services.S.port, services.S.ports.NAME, services.S.host, services.S.peers, files.NAME, data, env.VAR or stack.dir)`);
}

function udpPortOf(target: PortsOf, name: string, ref: string, who: string): string {
  const port = target.udp && own(target.udp, name);
  if (port === undefined) throw new InterpolationError(ref, `\${${ref}}: ${who} has no UDP port named "${name}" (it has ${Object.keys(target.udp ?? {}).join(', ') || 'none'})`);
  return String(port);
}

/** A bind address as others connect to it: wildcard binds are reached on loopback. */
const reachable = (host: string) => (host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host);

/** host:port of each, comma-separated; wildcard binds are reached on loopback, IPv6 in brackets. */
function peerList(list: PortsOf[], portName: string | undefined, ref: string): string {
  return list
    .map((p) => {
      const port = portName === undefined ? Object.values(p.ports)[0] : own(p.ports, portName);
      if (port === undefined) throw new InterpolationError(ref, `\${${ref}}: ${portName === undefined ? 'the service declares no port' : `no port named "${portName}" (it has ${Object.keys(p.ports).join(', ') || 'none'})`}`);
      const h = reachable(p.host);
      return `${h.includes(':') ? `[${h}]` : h}:${port}`;
    })
    .join(',');
}

function portOf(target: PortsOf, field: string, rest: string[], ref: string, who: string): string {
  const names = Object.keys(target.ports);
  if (field === 'port' && rest.length === 0) {
    if (!names.length) throw new InterpolationError(ref, `\${${ref}}: ${who} declares no port`);
    return String(own(target.ports, names[0]!));
  }
  if (field === 'ports' && rest.length === 1) {
    const port = own(target.ports, rest[0]!);
    if (port === undefined) {
      const has = names.length === 1 && names[0] === 'default' ? ' (it has a single port: use port)' : names.length ? ` (it has ${names.join(', ')})` : '';
      throw new InterpolationError(ref, `\${${ref}}: ${who} has no port named "${rest[0]}"${has}`);
    }
    return String(port);
  }
  throw new InterpolationError(ref, `\${${ref}}: unknown reference`);
}

/** Single-quotes a value for /bin/sh, so an interpolated value stays one word. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
