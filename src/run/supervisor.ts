// Runs a stack: starts services as soon as their dependencies meet their conditions
// (independent ones in parallel), waits for real readiness, records every process in the
// state file before and after it starts, and stops everything in reverse order, once.
import { setMaxListeners } from 'node:events';
import { InterruptedError, ServiceFailedError } from '../errors.js';
import type { Emit } from '../report/events.js';
import { redact } from '../stack/env-files.js';
import { own } from '../stack/own.js';
import { launchSpec, urlHost } from '../stack/launch-spec.js';
import type { Condition, Stack } from '../stack/model.js';
import type { StatePaths } from '../state/paths.js';
import type { ProcessIdentity } from '../state/proc.js';
import { isActive, writeState, type ServiceRecord, type ServiceState, type StackState } from '../state/store.js';
import { deferred, type Deferred } from './deferred.js';
import { ServiceLog } from './log-file.js';
import { describeProbe, waitReady, type ProbeResult } from './readiness.js';
import { spawnService } from './spawn.js';
import { stopInWaves } from './waves.js';

interface Gates {
  started: Deferred<void>;
  ready: Deferred<void>;
  completed: Deferred<void>;
}

export interface SupervisorOptions {
  stack: Stack;
  services: readonly string[];
  paths: StatePaths;
  runId: string;
  supervisor: ProcessIdentity;
  emit: Emit;
  /** aborted: grace periods of a stop under way end at once (a second Ctrl-C) */
  hurry?: AbortSignal;
}

export class Supervisor {
  readonly state: StackState;
  private readonly gates = new Map<string, Gates>();
  private readonly logs = new Map<string, ServiceLog>();
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;
  private readonly live = new Set<Promise<unknown>>();
  /** resolves when every started service has exited on its own or been stopped */
  readonly allExited = deferred<void>();

  constructor(private readonly o: SupervisorOptions) {
    // each service waits on this signal (gates, probes): its listeners grow with the stack
    setMaxListeners(0, this.abort.signal);
    const { stack, services, paths, runId, supervisor } = o;
    this.state = {
      version: 1,
      stack: stack.name,
      stackId: paths.stackId,
      stackFile: stack.file,
      portOffset: stack.portOffset,
      runId,
      supervisor,
      startedAt: new Date().toISOString(),
      order: [],
      services: Object.fromEntries(
        services.map((name): [string, ServiceRecord] => {
          const s = stack.services[name]!;
          return [name, { name, state: 'pending', ports: s.ports, logFile: paths.logFile(name), stopTimeoutMs: s.stopTimeoutMs, dependsOn: Object.keys(s.dependsOn).filter((d) => services.includes(d)), url: urlOf(stack, name) }];
        }),
      ),
    };
    for (const name of services) this.gates.set(name, { started: deferred(), ready: deferred(), completed: deferred() });
  }

  private save(): void {
    writeState(this.o.paths.stateFile, this.state);
  }

  /** Starts every service; on any failure stops what it started, in reverse order, and throws. */
  async start(): Promise<void> {
    const t0 = Date.now();
    this.save();
    const tasks = this.o.services.map((name) => this.startWhenDepsAllow(name));
    const results = await Promise.allSettled(tasks);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof ServiceFailedError)
      ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (this.stopping) {
      await this.stopping;
      throw new InterruptedError(`interrupted: stack ${this.o.paths.stackId} was stopped before it was up`);
    }
    if (failure) {
      await this.stopAll();
      throw failure.reason;
    }
    this.o.emit({
      kind: 'stack:ready',
      stack: this.o.paths.stackId,
      ms: Date.now() - t0,
      services: this.o.services.map((n) => ({ name: n, url: this.state.services[n]!.url, ports: this.state.services[n]!.ports, pid: this.state.services[n]!.pid })),
    });
  }

  private async startWhenDepsAllow(name: string): Promise<void> {
    const s = this.o.stack.services[name]!;
    const deps = Object.entries(s.dependsOn).filter(([d]) => this.gates.has(d));
    try {
      // a stop (or another service's failure) releases every wait on a gate, so none hangs
      await untilAborted(Promise.all(deps.map(([d, c]) => this.gateOf(d, c))), this.abort.signal);
      if (this.abort.signal.aborted) throw new Error(`${name} not started: the start was aborted`);
      await this.launch(name);
    } catch (e) {
      // whoever waits on this service must learn it will never come, or the start hangs
      const g = this.gates.get(name)!;
      for (const d of [g.started, g.ready, g.completed]) d.reject(e);
      throw e;
    }
  }

  private gateOf(name: string, condition: Condition): Promise<void> {
    const g = this.gates.get(name)!;
    return condition === 'started' ? g.started.promise : condition === 'completed' ? g.completed.promise : g.ready.promise;
  }

  private fail(name: string, reason: string, log: ServiceLog | undefined): ServiceFailedError {
    const rec = this.state.services[name]!;
    rec.state = 'failed';
    this.save();
    const tail = log?.lastLines() ?? [];
    // a stop requested from outside aborts every probe: that is not the service's fault
    if (!this.stopping) this.o.emit({ kind: 'service:failed', service: name, reason, logTail: tail });
    const g = this.gates.get(name)!;
    const err = new ServiceFailedError(name, `service ${name} ${reason}`, tail, { hint: `its full log: ${rec.logFile}` });
    g.started.reject(err);
    g.ready.reject(err);
    g.completed.reject(err);
    this.abort.abort();
    return err;
  }

  private async launch(name: string): Promise<void> {
    const { stack, paths, runId, emit } = this.o;
    const s = stack.services[name]!;
    const rec = this.state.services[name]!;
    const spec = launchSpec(stack, name, { stackId: paths.stackId, runId });
    const log = new ServiceLog(paths.logFile(name), s.logMaxBytes);
    this.logs.set(name, log);
    rec.state = 'starting';
    this.state.order.push(name);
    this.save();
    const regex = s.ready.kind === 'log' ? new RegExp(s.ready.target!) : undefined;
    let probe: ReturnType<typeof waitReady> | undefined;
    const early: string[] = [];
    const spawned = await spawnService(spec, (stream, raw, resume) => {
      const line = redact(raw, stack.secretValues);
      const kept = log.write(stream, line);
      emit({ kind: 'service:log', service: name, stream, line });
      if (regex?.test(line)) (probe ? probe.resolveExternally({ ok: true }) : early.push(line));
      if (!kept) log.onDrain(resume);
      return kept;
    });
    if ('error' in spawned) throw this.fail(name, `could not start: ${spawned.error}`, log);
    Object.assign(rec, { pid: spawned.pid, pgid: spawned.pgid, startTime: spawned.startTime, startedAt: new Date().toISOString(), state: 'running' });
    this.save();
    emit({ kind: 'service:starting', service: name, pid: spawned.pid, command: redact(spec.display, stack.secretValues) });
    const g = this.gates.get(name)!;
    g.started.resolve();

    const port = s.ready.port ? own(s.ports, s.ready.port) : Object.values(s.ports)[0];
    const target = { spec: s.ready, host: s.host, port, url: spec.readyUrl, pid: spawned.pid, pgid: spawned.pgid };
    const t0 = Date.now();
    probe = waitReady(target, this.abort.signal);
    if (early.length) probe.resolveExternally({ ok: true });
    emit({ kind: 'service:waiting', service: name, probe: describeProbe(target) });
    let readyYet = false;
    const exitWatch = spawned.exited.then((r) => this.onExit(name, r, readyYet, probe!));
    this.live.add(exitWatch);

    const result: ProbeResult = await probe.promise;
    // aborted because another service failed (or a stop was asked): not this service's fault
    if (!result.ok && this.abort.signal.aborted) throw new Error(`${name} not ready: the start was aborted`);
    if (!result.ok) throw this.fail(name, result.reason, log);
    readyYet = true;
    if ((rec.state as ServiceState) === 'running') rec.state = 'ready';
    rec.readyAt = new Date().toISOString();
    this.save();
    emit({ kind: 'service:ready', service: name, ms: Date.now() - t0, url: rec.url, completed: (rec.state as ServiceState) === 'completed' });
    g.ready.resolve();
  }

  private onExit(name: string, r: { code: number | null; signal: string | null }, wasReady: boolean, probe: ReturnType<typeof waitReady>): void {
    const rec = this.state.services[name]!;
    const s = this.o.stack.services[name]!;
    Object.assign(rec, { exitCode: r.code, signal: r.signal });
    const expected = !!this.stopping;
    if (expected) rec.state = 'stopped';
    else if (s.ready.kind === 'exit' && r.code === 0) {
      rec.state = 'completed';
      probe.resolveExternally({ ok: true });
      this.gates.get(name)!.completed.resolve();
    } else if (!wasReady) {
      probe.resolveExternally({ ok: false, reason: `exited with ${r.signal ? `signal ${r.signal}` : `code ${r.code}`} before it was ready` });
    } else {
      rec.state = r.code === 0 ? 'exited' : 'failed';
    }
    if (!expected) this.save();
    // an exit before readiness is reported as the service's failure, not twice
    if (!expected && (wasReady || s.ready.kind === 'exit')) {
      this.o.emit({ kind: 'service:exited', service: name, code: r.code, signal: r.signal, expected: s.ready.kind === 'exit' && r.code === 0 });
    }
    // services not started yet count as alive: a one-shot task that finishes first is not the end
    const alive = Object.values(this.state.services).some((x) => x.state === 'pending' || isActive(x.state));
    if (!alive) this.allExited.resolve();
  }

  /** Stops every started service, dependents first; idempotent (later calls share the first). */
  stopAll(timeoutMs?: number): Promise<void> {
    return (this.stopping ??= this.doStopAll(timeoutMs));
  }

  private async doStopAll(timeoutMs: number | undefined): Promise<void> {
    this.abort.abort();
    const recs = this.state.services;
    // a service that already exited keeps its state: its leftovers are still swept
    await stopInWaves(Object.values(recs), this.o.runId, timeoutMs, {
      before: (rec) => {
        if (!isActive(rec.state)) return;
        rec.state = 'stopping';
        this.o.emit({ kind: 'service:stopping', service: rec.name, graceMs: timeoutMs ?? rec.stopTimeoutMs });
      },
      after: (rec, res, ms) => {
        if (rec.state === 'stopping') rec.state = 'stopped';
        if (res.signalled) this.o.emit({ kind: 'service:stopped', service: rec.name, forced: res.forced, ms });
      },
    }, this.o.hurry);
    for (const r of Object.values(recs)) if (r.state === 'pending') r.state = 'stopped';
    this.save();
    await Promise.allSettled([...this.live]);
    await Promise.allSettled([...this.logs.values()].map((l) => l.close()));
    this.allExited.resolve();
    this.o.emit({ kind: 'stack:stopped', stack: this.o.paths.stackId });
  }
}

/** Waits for `p`, or until the signal is aborted; the listener goes once either happens. */
async function untilAborted(p: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort!: () => void;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([p, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function urlOf(stack: Stack, name: string): string | undefined {
  const s = stack.services[name]!;
  const port = Object.values(s.ports)[0];
  if (port === undefined) return undefined;
  const looksHttp = s.url !== undefined || s.ready.kind === 'http' || /http/i.test(s.protocol ?? '');
  return looksHttp ? `http://${urlHost(s.host)}:${port}${s.url ?? '/'}` : undefined;
}
