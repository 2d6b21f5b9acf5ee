// What ${...} sees for one service: every service's host and ports (replicas as groups), the
// stack's and the service's env resolved in order, its files and its data directories.
import { InterpolationError, interpolate, type InterpolationContext, type PortsOf } from './interpolate.js';
import { dataDir, filePaths } from './files.js';
import type { Service, Stack } from './model.js';
import { dict, own } from './own.js';

export function interpolationContext(stack: Stack, serviceName: string | undefined, processEnv: Record<string, string | undefined>): InterpolationContext {
  const s = serviceName ? own(stack.services, serviceName) : undefined;
  const all = Object.values(stack.services);
  const portsOf = (x: Service): PortsOf => ({ host: x.host, ...(x.address ? { address: x.address } : {}), ports: x.ports, ...(Object.keys(x.udpPorts ?? {}).length ? { udp: x.udpPorts } : {}), replica: x.replica && { index: x.replica.index, count: x.replica.count } });
  const groups = new Map<string, PortsOf[]>();
  for (const x of all) if (x.replica) groups.set(x.replica.of, [...(groups.get(x.replica.of) ?? []), portsOf(x)]);
  const ctx: InterpolationContext = {
    self: s && { ...portsOf(s), peers: s.replica && all.filter((x) => x.replica?.of === s.replica!.of && x !== s).map(portsOf) },
    services: dict<PortsOf>([
      ...all.map((x): [string, PortsOf] => [x.name, portsOf(x)]),
      // a replicated service by its own name: its replicas, for ${services.S.peers}
      ...[...groups].map(([of, list]): [string, PortsOf] => [of, { host: list[0]!.host, ports: list[0]!.ports, replicas: list }]),
    ]),
    files: filePaths(stack, s),
    env: dict([...Object.entries(processEnv), ...Object.entries(stack.fileEnv)]),
    host: stack.host,
    stackDir: stack.dir,
  };
  // env: values resolve in order, each against what came before it: `RUN: ${env.RUN}` is the
  // RUN devnet was started with, and a command's ${env.URL} sees URL resolved
  resolveEnvInto(ctx, stack.env);
  Object.assign(ctx.env, s?.fileEnv);
  // ${data}: its first data directory, resolved before the service's env: so env: can pass it on
  // (a data path cannot use the service's own env:; a broken one is reported at data:)
  const data = s?.data.flatMap((d) => {
    try {
      const r = dataDir(stack, interpolate(d, ctx));
      return 'dir' in r ? [r.dir] : [];
    } catch {
      return [];
    }
  });
  if (data?.length) ctx.data = data;
  resolveEnvInto(ctx, s?.env);
  return ctx;
}

function resolveEnvInto(ctx: InterpolationContext, env: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(env ?? {})) {
    try {
      ctx.env[k] = interpolate(v, ctx);
    } catch (e) {
      // reported at the key itself by checkInterpolation; here it is simply not set
      if (!(e instanceof InterpolationError)) throw e;
      delete ctx.env[k];
    }
  }
}

