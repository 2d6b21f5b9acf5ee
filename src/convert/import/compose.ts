// A docker-compose.yml as a stack. Services are processes in devnet: a service with an image
// becomes a `docker run` of it (its port held by docker-proxy: ready.owned: false); command,
// ports, environment, env_file, depends_on conditions, healthcheck (as ready and health),
// profiles and restart carry over; what a process cannot have (volumes, networks, build) is noted.
import { splitCommand } from '../../stack/argv.js';
import { dict } from '../../stack/own.js';
import { hasInterpolation, resolveUnset, toDevnet } from './compose-interpolation.js';
import { duration, serviceName, type Imported, type RawService } from './result.js';

type Obj = Record<string, unknown>;
const CONDITION: Record<string, string> = { service_healthy: 'ready', service_started: 'started', service_completed_successfully: 'completed' };
const STOP_SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']);
const CARRIED = new Set(['image', 'command', 'entrypoint', 'ports', 'environment', 'env_file', 'depends_on', 'healthcheck', 'profiles', 'restart', 'working_dir', 'container_name', 'stop_grace_period', 'stop_signal']);

/** "127.0.0.1:8080:80/tcp" or { published, target, host_ip } as host, published and target. */
const isUdp = (p: unknown) => (typeof p === 'string' && /\/udp$/.test(p)) || (!!p && typeof p === 'object' && (p as Obj).protocol === 'udp');

/** A ports: entry as host, published and target (the UDP ones go to udp_ports:, the caller sorts them). */
function portOf(p: unknown): { host?: string; published: number; target: number } | undefined {
  if (typeof p === 'number') return { published: p, target: p };
  if (typeof p === 'string') {
    const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    const published = parts.length >= 2 ? Number(parts.at(-2)) : target;
    const host = parts.length === 3 ? parts[0] : undefined;
    return Number.isInteger(published) && Number.isInteger(target) ? { host, published, target } : undefined;
  }
  if (p && typeof p === 'object') {
    const o = p as Obj;
    const target = Number(o.target);
    const published = Number(o.published ?? o.target);
    return Number.isInteger(published) ? { host: o.host_ip as string | undefined, published, target } : undefined;
  }
  return undefined;
}

/** compose splits a command string into words as a shell quotes them (sh -c "exit 3" is three words). */
function argv(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v !== 'string') return [];
  try {
    return splitCommand(v);
  } catch {
    return v.split(/\s+/).filter(Boolean);
  }
}

/** Fields devnet interpolates when the service runs: compose's references become devnet's. */
const AT_RUN = new Set(['command', 'entrypoint', 'environment', 'working_dir', 'healthcheck', 'env_file']);

/**
 * The compose file's interpolation resolved the way devnet can keep it (see
 * compose-interpolation.ts): run-time fields translated, the others resolved now as compose
 * would with the variables unset, each such value said in a note.
 */
export function prepareCompose(doc: Obj, notes: string[]): Obj {
  const out: Obj = { ...doc };
  const services: Record<string, Obj> = {};
  for (const [name, raw] of Object.entries((doc.services ?? {}) as Record<string, Obj>)) {
    const s: Obj = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
      const where = `${serviceName(name)}: ${k}`;
      s[k] = AT_RUN.has(k) ? deep(v, (x) => toDevnet(x, (n) => notes.push(`${where}: ${n}`))) : deep(v, (x) => staticValue(x, where, notes));
    }
    services[name] = s;
  }
  out.services = services;
  return out;
}

function deep(v: unknown, f: (s: string) => string | undefined): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => deep(x, f)).filter((x) => x !== undefined);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, deep(x, f)]).filter(([, x]) => x !== undefined));
  return v;
}

function staticValue(s: string, where: string, notes: string[]): string | undefined {
  if (!hasInterpolation(s)) return s.replace(/\$\$/g, '$');
  const r = resolveUnset(s);
  notes.push(r === undefined ? `${where}: ${s} needs a variable that has no default; left out` : `${where}: ${s} read as ${JSON.stringify(r)} (compose's value with its variables unset; set it in the stack to change it)`);
  return r === undefined || r === '' ? undefined : r;
}

/** A healthcheck test as a devnet probe: an HTTP URL fetched by curl or wget is an http probe. */
function probeOf(test: unknown): Obj | undefined {
  const t = Array.isArray(test) ? test.map(String) : typeof test === 'string' ? ['CMD-SHELL', test] : [];
  if (!t.length || t[0] === 'NONE') return undefined;
  const [kind, ...rest] = t;
  const line = kind === 'CMD-SHELL' ? rest.join(' ') : (kind === 'CMD' ? rest : t).join(' ');
  const url = /\b(?:curl|wget)\b[^|;&]*?(https?:\/\/[^\s'"]+)/.exec(line)?.[1];
  const parsed = url === undefined ? undefined : URL.canParse(url) ? new URL(url) : undefined;
  // a URL that does not parse (an interpolated port, a typo) stays the command it was
  if (parsed) return { http: parsed.pathname + parsed.search };
  return kind === 'CMD-SHELL' ? { exec: rest.join(' '), shell: true } : { exec: kind === 'CMD' ? rest : t };
}

export function importCompose(doc: Obj, name: string): Imported {
  const notes: string[] = [];
  const services: Record<string, RawService> = dict();
  for (const [rawName, value] of Object.entries((doc.services ?? {}) as Record<string, Obj>)) {
    const id = serviceName(rawName);
    const s = value ?? {};
    const svc: RawService = {};
    const rawPorts = (s.ports as unknown[]) ?? [];
    for (const p of rawPorts) {
      if (typeof p === 'string' && /\d+-\d+/.test(p)) notes.push(`${id}: port range ${p} is not in the plan; list the ports it needs, or a ranges: entry`);
      else if ((typeof p === 'number' || (typeof p === 'string' && /^\d+$/.test(p))) && typeof s.image === 'string')
        notes.push(`${id}: port ${p} is published by compose on a random host port; devnet plans it on ${p}`);
    }
    const mapped = rawPorts.filter((p) => !isUdp(p) && !(typeof p === 'string' && /\d+-\d+/.test(p))).map(portOf).filter((p) => p !== undefined);
    // UDP (peer discovery, gossip): planned and preflighted as udp_ports
    const udp = rawPorts.filter((p) => isUdp(p) && !(typeof p === 'string' && /\d+-\d+/.test(p))).map(portOf).filter((p) => p !== undefined);
    const command = [...argv(s.entrypoint), ...argv(s.command)];
    const envKeys = Array.isArray(s.environment) ? s.environment.map((kv) => String(kv).split('=')[0]!) : Object.keys((s.environment as Obj | undefined) ?? {});
    const container = typeof s.container_name === 'string' ? s.container_name : `${name}-${id}`;
    if (typeof s.image === 'string') {
      const publish = [
        ...mapped.flatMap((p) => ['-p', `${p.host ?? '127.0.0.1'}:\${${mapped.length > 1 ? `ports.p${p.target}` : 'port'}}:${p.target}`]),
        ...udp.flatMap((p) => ['-p', `${p.host ?? '127.0.0.1'}:\${udp_ports.u${p.target}}:${p.target}/udp`]),
      ];
      // the container gets the service's env through docker run -e NAME (the value comes from env:)
      const passEnv = envKeys.flatMap((k) => ['-e', k]);
      svc.command = ['docker', 'run', '--rm', '--name', container, ...publish, ...passEnv, s.image, ...command];
      // kept for devnet export, which writes it back
      svc.image = s.image;
      notes.push(`${id}: runs its image with docker run${mapped.length ? '; its port is held by docker-proxy (ready.owned: false)' : ''}`);
    } else if (command.length) svc.command = command;
    else {
      svc.command = `TODO ${id}`;
      notes.push(`${id}: has no image or command (build: ${s.build ? 'a Dockerfile' : 'none'}); write the command that starts it`);
    }
    if (s.build) notes.push(`${id}: build: is not carried over; devnet runs processes, build the image or the program yourself`);
    if (udp.length) svc.udp_ports = dict(udp.map((p) => [`u${p.target}`, p.published]));
    if (mapped.length === 1) svc.port = mapped[0]!.published;
    else if (mapped.length > 1) svc.ports = dict(mapped.map((p) => [`p${p.target}`, p.published]));
    const host = mapped.find((p) => p.host)?.host;
    if (host && host !== '127.0.0.1') {
      svc.host = host;
      if (host === '0.0.0.0' || host === '::') svc.exposure = 'public';
    }
    if (s.working_dir && typeof s.image !== 'string') svc.cwd = s.working_dir;
    const env = s.environment;
    if (Array.isArray(env)) svc.env = dict(env.map(String).map((kv) => [kv.split('=')[0]!, kv.includes('=') ? kv.slice(kv.indexOf('=') + 1) : '']));
    else if (env && typeof env === 'object') svc.env = dict(Object.entries(env as Obj).map(([k, v]) => [k, v === null ? '' : String(v)]));
    if (s.env_file) svc.env_file = (Array.isArray(s.env_file) ? s.env_file : [s.env_file]).map((f) => (typeof f === 'string' ? f : (f as Obj).path));
    const deps = s.depends_on;
    if (Array.isArray(deps)) svc.depends_on = deps.map((d) => serviceName(String(d)));
    else if (deps && typeof deps === 'object')
      svc.depends_on = dict(
        Object.entries(deps as Record<string, Obj>).map(([d, c]) => [serviceName(d), { condition: CONDITION[String(c?.condition ?? 'service_started')] ?? 'started', ...(c?.restart ? { restart: true } : {}) }]),
      );
    const hc = s.healthcheck as Obj | undefined;
    let probe = hc && !hc.disable ? probeOf(hc.test) : undefined;
    // a healthcheck command runs inside the container: devnet runs it there with docker exec
    if (probe?.exec !== undefined && typeof s.image === 'string')
      probe = { exec: ['docker', 'exec', container, ...(probe.shell ? ['sh', '-c', String(probe.exec)] : (probe.exec as string[]))] };
    if (probe) {
      const interval = duration(hc!.interval);
      const timeout = duration(hc!.timeout);
      svc.ready = { ...probe, ...(typeof s.image === 'string' ? { owned: false } : {}), timeout: '120s' };
      svc.health = { ...probe, ...(interval ? { interval } : {}), ...(timeout ? { timeout } : {}), ...(hc!.retries ? { retries: Number(hc!.retries) } : {}), ...(duration(hc!.start_period) ? { start_period: duration(hc!.start_period) } : {}) };
    } else if (typeof s.image === 'string' && mapped.length) svc.ready = { tcp: true, owned: false, timeout: '120s' };
    if (Array.isArray(s.profiles)) svc.profiles = s.profiles.map(String);
    if (typeof s.restart === 'string') {
      const [policy, max] = s.restart.split(':');
      if (['no', 'on-failure', 'always', 'unless-stopped'].includes(policy!)) svc.restart = policy;
      if (max) svc.max_restarts = Number(max);
    }
    const grace = duration(s.stop_grace_period);
    if (grace) svc.stop_timeout = grace;
    if (s.stop_signal !== undefined) {
      const sig = String(s.stop_signal).toUpperCase().replace(/^(?!SIG)/, 'SIG');
      // sent to the docker run devnet starts for it, which passes it on to the container
      if (STOP_SIGNALS.has(sig)) svc.stop_signal = sig;
      else notes.push(`${id}: stop_signal ${String(s.stop_signal)} has no devnet stop_signal (SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2): it is sent SIGTERM`);
    }
    // x- keys are compose's extension fields: ignored by compose itself (their anchors were merged)
    for (const k of Object.keys(s)) if (!CARRIED.has(k) && k !== 'build' && !k.startsWith('x-')) notes.push(`${id}: ${k}: is not carried over`);
    // a depends_on condition of completed needs the dependency to be a one-shot task
    services[id] = svc;
  }
  // compose reaches another service by its name (db:5432); devnet's processes reach it on its address and port
  const targets = new Map<string, { target: number; published: number }[]>();
  for (const [rawName, value] of Object.entries((doc.services ?? {}) as Record<string, Obj>))
    targets.set(rawName, ((value?.ports as unknown[]) ?? []).map(portOf).filter((p) => p !== undefined));
  const byAddress = (text: string) =>
    text.replace(/\b([A-Za-z0-9][\w.-]*):(\d{1,5})\b/g, (whole, host: string, port: string) => {
      const hit = targets.get(host)?.find((p) => p.target === Number(port) || p.published === Number(port));
      if (!hit) return whole;
      const id = serviceName(host);
      const list = targets.get(host)!;
      return `\${services.${id}.host}:\${services.${id}.${list.length > 1 ? `ports.p${hit.target}` : 'port'}}`;
    });
  for (const svc of Object.values(services)) {
    if (svc.env) svc.env = dict(Object.entries(svc.env as Record<string, string>).map(([k, v]) => [k, byAddress(v)]));
    if (Array.isArray(svc.command)) svc.command = (svc.command as string[]).map(byAddress);
  }
  for (const svc of Object.values(services)) {
    const deps = svc.depends_on;
    if (!deps || Array.isArray(deps)) continue;
    for (const [d, c] of Object.entries(deps as Record<string, { condition: string }>)) if (c.condition === 'completed' && services[d]) services[d]!.ready = { exit: true };
  }
  for (const k of Object.keys(doc)) if (!['services', 'version', 'name'].includes(k) && !k.startsWith('x-')) notes.push(`${k}: (top level) is not carried over`);
  return { name: typeof doc.name === 'string' ? serviceName(doc.name) : name, services, notes };
}
