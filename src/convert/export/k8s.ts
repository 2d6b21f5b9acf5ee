// The stack for Kubernetes: a Deployment per service (a StatefulSet for a replicated one)
// and a Service with the plan's ports; probes from ready and health; env after interpolation
// (secrets left out, to be set from a Secret); dependencies waited for by an init container.
// Services are processes: the stack root is mounted from the node (hostPath), said in notes.
import type { ReadySpec, HealthSpec, Stack } from '../../stack/model.js';
import { imageNotes } from './compose.js';
import { SECRET_REF, STACK_MOUNT, dnsName, exportedServices, probePath, probePort, type ExportedService } from './view.js';

type Obj = Record<string, unknown>;

function probeOf(e: ExportedService, p: ReadySpec | HealthSpec, periodMs: number, failures: number): Obj | undefined {
  const port = probePort(e.s, p);
  const timing = { periodSeconds: Math.max(1, Math.round(periodMs / 1000)), failureThreshold: failures };
  if (p.kind === 'http' && port) return { httpGet: { path: probePath(p.target), port }, ...timing };
  if (p.kind === 'tcp' && port) return { tcpSocket: { port }, ...timing };
  if (p.kind === 'exec' && p.exec) return { exec: { command: p.exec.shell || typeof p.exec.command === 'string' ? ['/bin/sh', '-c', ([] as string[]).concat(p.exec.command).join(' ')] : p.exec.command }, ...timing };
  return undefined;
}

const portName = (n: string, p: number) => dnsName(n === 'default' ? `p${p}` : n).slice(0, 15);

export function toK8s(stack: Stack): { docs: Obj[]; notes: string[] } {
  const all = exportedServices(stack);
  const notes: string[] = [`the stack root ${stack.root} is mounted from the node (hostPath ${stack.root} at ${STACK_MOUNT}): run on a node that has it, or build images with the code in them`];
  const docs: Obj[] = [];
  notes.push(...imageNotes(all.filter((e) => e.name === (e.s.replica ? `${e.base}-1` : e.name))));
  // replicas are one workload: the first stands for the others
  const groups = new Map<string, ExportedService[]>();
  for (const e of all) groups.set(e.base, [...(groups.get(e.base) ?? []), e]);
  const firstOf = new Map([...groups].map(([base, list]) => [base, list[0]!]));
  for (const [base, list] of groups) {
    const e = list[0]!;
    const s = e.s;
    const name = dnsName(base);
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': dnsName(stack.name) };
    if (list.length > 1) notes.push(`${base}: ${list.length} replicas as a StatefulSet; per-replica values (\${replica}, \${peers}) are those of replica 1: derive them from the pod's ordinal (its hostname ${name}-0, ${name}-1, ...)`);
    // secrets come from a Secret, first, so the values and args after them can use them as $(NAME)
    const secretName = `${dnsName(stack.name)}-secrets`;
    const asRef = (v: string) => v.replace(SECRET_REF, (_, k: string) => `$(${k})`);
    const fromSecret = [...new Set([...e.secretRefs, ...e.secretKeys])];
    const env = [
      ...fromSecret.map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: secretName, key: k } } })),
      ...Object.entries(e.env)
        .filter(([k]) => !fromSecret.includes(k) || e.env[k] !== `\u0000secret:${k}\u0000`)
        .filter(([k]) => !e.secretKeys.includes(k))
        .map(([k, v]) => ({ name: k, value: asRef(v) })),
    ];
    if (fromSecret.length) notes.push(`${e.name}: ${fromSecret.join(', ')} from the Secret ${secretName} (kubectl create secret generic ${secretName} ${fromSecret.map((k) => `--from-literal=${k}=...`).join(' ')})`);
    const ports = [
      ...Object.entries(e.ports).map(([n, p]) => ({ name: portName(n, p), containerPort: p, protocol: 'TCP' })),
      ...Object.entries(e.udpPorts).map(([n, p]) => ({ name: portName(`u-${n}`, p), containerPort: p, protocol: 'UDP' })),
    ];
    const readiness = probeOf(e, s.ready, Math.max(1000, s.ready.intervalMs), Math.max(3, Math.ceil(s.ready.timeoutMs / Math.max(1000, s.ready.intervalMs))));
    const liveness = s.health && probeOf(e, s.health, s.health.intervalMs, s.health.retries);
    const waits = e.deps.map((d) => firstOf.get(stack.services[d.name]!.replica?.of ?? d.name) ?? all.find((x) => x.name === d.name)!).filter((d, i, a) => a.indexOf(d) === i);
    const initContainers = waits
      .filter((d) => Object.keys(d.ports).length)
      .map((d) => ({
        name: `wait-${dnsName(d.base)}`.slice(0, 63),
        image: 'busybox:1.36',
        command: ['sh', '-c', `until nc -z ${dnsName(d.base)} ${Object.values(d.ports)[0]}; do echo waiting for ${d.base}; sleep 1; done`],
      }));
    for (const d of waits) if (!Object.keys(d.ports).length) notes.push(`${e.name}: depends on ${d.name}, which has no port to wait for; Kubernetes starts them together`);
    const container: Obj = {
      name,
      image: e.image,
      workingDir: e.workingDir,
      command: e.argv.map((a) => a.replace(SECRET_REF, (_, k: string) => `$(${k})`)),
      ...(env.length ? { env } : {}),
      ...(ports.length ? { ports } : {}),
      ...(readiness ? { readinessProbe: readiness } : {}),
      ...(liveness ? { livenessProbe: liveness } : {}),
      ...(s.image ? {} : { volumeMounts: [{ name: 'stack', mountPath: STACK_MOUNT }] }),
    };
    const podSpec: Obj = {
      ...(initContainers.length ? { initContainers } : {}),
      containers: [container],
      terminationGracePeriodSeconds: Math.max(1, Math.round(s.stopTimeoutMs / 1000)),
      ...(s.ready.kind === 'exit' ? { restartPolicy: 'OnFailure' } : {}),
      ...(s.image ? {} : { volumes: [{ name: 'stack', hostPath: { path: stack.root, type: 'Directory' } }] }),
    };
    if (s.ready.kind === 'exit') {
      docs.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, labels }, spec: { template: { metadata: { labels }, spec: podSpec } } });
      notes.push(`${e.name}: a one-shot task (ready: { exit: true }) as a Job`);
    } else if (list.length > 1)
      docs.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name, labels }, spec: { serviceName: name, replicas: list.length, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } });
    else docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } });
    if (ports.length)
      docs.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, labels },
        spec: { selector: labels, ...(list.length > 1 ? { clusterIP: 'None' } : {}), ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol })) },
      });
    if (s.profiles.length) notes.push(`${e.name}: in profiles ${s.profiles.join(', ')}: Kubernetes has none; it is exported like every service`);
  }
  return { docs, notes };
}
