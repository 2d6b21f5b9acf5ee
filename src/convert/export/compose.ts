// The stack for docker compose: a service per devnet service (replicas each their own, on the
// address the stack gives them), ports published as the stack binds them, environment after
// interpolation (secrets as ${VAR} references that compose fills from its environment),
// depends_on conditions from readiness, healthchecks from the probes, profiles and restart.
import { dict } from '../../stack/own.js';
import { connectHost, urlHost } from '../../stack/launch-spec.js';
import type { Stack } from '../../stack/model.js';
import { SECRET_REF, STACK_MOUNT, dnsName, exportedServices, probePath, probePort, type ExportOptions, type ExportedService } from './view.js';

type Obj = Record<string, unknown>;

/** A probe as a healthcheck test, written for the image: node has fetch, others curl or wget. */
function testOf(e: ExportedService, p: { kind: string; target?: string; port?: string; exec?: { command: string | string[]; shell: boolean } }, which: 'ready' | 'health' = 'ready'): string[] | undefined {
  const port = probePort(e.s, p);
  const node = /^node:/.test(e.image);
  if (p.kind === 'http') {
    const url = `http://${urlHost(e.probeHost)}:${port}${probePath(p.target)}`;
    return node
      ? ['CMD', 'node', '-e', `fetch(${JSON.stringify(url)}).then((r) => { process.exitCode = r.ok ? 0 : 1; }, () => { process.exitCode = 1; })`]
      : ['CMD-SHELL', `curl -fsS ${url} >/dev/null || wget -qO /dev/null ${url} || exit 1`];
  }
  if (p.kind === 'tcp')
    return node
      ? ['CMD', 'node', '-e', `require('net').connect(${port}, '${connectHost(e.probeHost)}').on('connect', function () { this.destroy(); }).on('error', () => { process.exitCode = 1; })`]
      : ['CMD-SHELL', `nc -z ${connectHost(e.probeHost)} ${port} || exit 1`];
  if (p.kind === 'exec' && p.exec) {
    // as devnet runs it: interpolated; compose must not interpolate it again
    const run = e.probes[which] ?? p.exec.command;
    const dollar = (v: string) => v.replaceAll('$', '$$$$');
    return typeof run === 'string' ? ['CMD-SHELL', dollar(run)] : ['CMD', ...run.map(dollar)];
  }
  return undefined;
}

/** What a healthcheck's own process may take to start, beyond the probe's timeout. */
const CHECK_START_MS = 3000;

const secs = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

export function toCompose(stack: Stack, o: ExportOptions = {}): { text: Obj; notes: string[] } {
  const hostNetwork = o.network === 'host';
  const list = exportedServices(stack, o);
  const byName = new Map(list.map((e) => [e.name, e]));
  const notes: string[] = [];
  const services: Obj = {};
  notes.push(...imageNotes(list, hostNetwork ? stack.root : STACK_MOUNT));
  const fallbacks = new Map<string, string[]>();
  for (const e of list) if (e.fallbackNote) fallbacks.set(e.fallbackNote, [...(fallbacks.get(e.fallbackNote) ?? []), e.name]);
  for (const [why, names] of fallbacks) notes.push(`${names.join(', ')}: ${why}`);
  for (const e of list) {
    const s = e.s;
    // compose interpolates $ in values and commands: a literal $ is $$, a secret a required variable
    const forCompose = (v: string) => v.replaceAll('$', () => '$$').replace(SECRET_REF, (_, k: string) => `\${${k}:?set ${k}}`);
    // [] : the image's own command
    const svc: Obj = { image: e.image, ...(s.image && !s.engine ? {} : s.engine && !s.cwd ? {} : { working_dir: e.workingDir }), ...(e.argv.length ? { command: e.argv.map(forCompose) } : {}) };
    if (e.volumes.length) svc.volumes = e.volumes.map(forCompose);
    // a real PID 1, as devnet runs containers: SIGTERM reaches a program without a handler for it
    svc.init = true;
    // the plan's own addresses and ports, as devnet runs it: nothing to publish
    if (hostNetwork) svc.network_mode = 'host';
    const env = dict(Object.entries(e.env).map(([k, v]) => [k, e.secretKeys.includes(k) && !v.includes('\u0000') ? `\${${k}:?set ${k}}` : forCompose(v)]));
    for (const k of e.secretRefs) notes.push(`${e.name}: ${k} is a secret: written as \${${k}:?}, set it in the environment docker compose runs in`);
    if (Object.keys(env).length) svc.environment = env;
    const publish = (p: number, suffix = '') => (e.bindHost === '0.0.0.0' || e.bindHost === '' ? `${p}:${p}${suffix}` : `${e.bindHost.includes(':') ? `[${e.bindHost}]` : e.bindHost}:${p}:${p}${suffix}`);
    const published = [...Object.values(e.ports).map((p) => publish(p)), ...Object.values(e.udpPorts).map((p) => publish(p, '/udp'))];
    if (published.length && !hostNetwork) svc.ports = published;
    if (e.deps.length)
      svc.depends_on = dict(
        e.deps.map((d) => {
          const dep = byName.get(d.name)!;
          const kind = dep.s.ready.kind;
          const condition =
            d.condition === 'completed' || kind === 'exit' ? 'service_completed_successfully' : d.condition === 'ready' && testOf(dep, dep.s.ready) ? 'service_healthy' : 'service_started';
          // depends_on restart: true is newer than the compose that Debian ships (1.29): said in a note
          if (s.restartWith.includes(d.name)) notes.push(`${e.name}: restarts after ${d.name} restarts in devnet (restart: true); add restart: true under its depends_on where your compose supports it`);
          return [dnsName(d.name), { condition }];
        }),
      );
    const ready = testOf(e, s.ready);
    const health = s.health && testOf(e, s.health, 'health');
    if (health || ready) {
      const probe = s.health ?? s.ready;
      svc.healthcheck = {
        test: health ?? ready,
        interval: secs(s.health?.intervalMs ?? Math.max(1000, s.ready.intervalMs)),
        // the stack's own probe timeout, and the start of the check's own process: devnet probes
        // from a running process, a healthcheck starts one in the container (a second or more under load)
        timeout: secs(Math.min(probe.timeoutMs, 10_000) + CHECK_START_MS),
        retries: s.health?.retries ?? 3,
        // it must become ready first: the time the stack gives it for that, at least
        start_period: secs(Math.max(s.health?.startPeriodMs ?? 0, s.ready.timeoutMs)),
      };
    }
    if (s.ready.kind === 'log') notes.push(`${e.name}: ready: { log } has no compose healthcheck; its dependents wait for it to start only`);
    if (s.profiles.length) svc.profiles = s.profiles;
    if (s.restart.policy !== 'no') svc.restart = s.restart.policy === 'on-failure' && s.restart.maxRestarts ? `on-failure:${s.restart.maxRestarts}` : s.restart.policy;
    svc.stop_grace_period = secs(s.stopTimeoutMs);
    if (s.stopSignal !== 'SIGTERM') svc.stop_signal = s.stopSignal;
    if (s.stopCommand !== undefined) notes.push(`${e.name}: stop_command is not run by compose, which sends ${s.stopSignal} and SIGKILL after the grace period`);
    if (Object.keys(s.files).length) notes.push(`${e.name}: its files: (${Object.keys(s.files).join(', ')}) are rendered by devnet up in the stack's state folder, which this file ${s.engine ? 'mounts' : 'names'}; they are there once devnet up has run the stack here`);
    if (s.data.length) notes.push(`${e.name}: its data: directories are not volumes here; add named volumes if they must outlive the containers`);
    services[dnsName(e.name)] = svc;
  }
  // the project name goes on the command line (docker compose -p), which every compose version takes
  notes.unshift(`run it as: docker compose -p ${dnsName(stack.name)} -f FILE up${hostNetwork ? '; every service on the host network, at the addresses and ports devnet gives it (stop a devnet run of the stack first)' : ''}`);
  return { text: { services }, notes };
}

/** One note per chosen image, naming its services. */
export function imageNotes(list: ExportedService[], mount: string = STACK_MOUNT): string[] {
  const chosen = new Map<string, string[]>();
  for (const e of list) if (e.imageNote) chosen.set(e.image, [...(chosen.get(e.image) ?? []), e.name]);
  return [...chosen].map(([image, names]) => `${names.join(', ')}: image ${image} (chosen for the program, with the stack root mounted at ${mount}); set image: on a service to use your own`);
}
