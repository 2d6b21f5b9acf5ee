// Runs a stack: one runner per service, started as soon as its dependencies meet their
// conditions (independent ones in parallel); then, while it runs, starts, stops and restarts
// single services on request, with the policies (restart, health, watch, followers) attached
// to each runner. It coordinates; each behaviour lives in its own file.
import { trace } from '../trace.js';
import { dict } from '../stack/own.js';
import { DevnetError, InterruptedError, PreflightError, ServiceFailedError, StartAborted, StopError, UsageError, quote } from '../errors.js';
import { portsBindable } from '../ports/bind-check.js';
import { preflight } from '../ports/preflight.js';
import type { Emit, RunEvent } from '../events.js';
import { withDependencies } from '../stack/graph.js';
import { expandNames } from '../stack/replicas.js';
import { isLaunchable, type Condition, type Stack } from '../stack/model.js';
import type { StatePaths } from '../state/paths.js';
import type { ProcessIdentity } from '../platform/identity.js';
import { scanProcesses } from '../platform/proc-scan.js';
import { isActive, writeState, type ServiceRecord, type StackState } from '../state/store.js';
import { platform } from '../platform/index.js';
import { realClock, type Clock } from '../async/clock.js';
import { deferred } from '../async/deferred.js';
import { followersOf } from './policies/followers.js';
import { POLICIES } from './policies/index.js';
import type { PolicyContext, PolicyHandle } from './policies/policy.js';
import { degradedBy, degradedGroups } from '../record/degraded.js';
import { startOrRollBack } from './policies/rollback.js';
import { probeOnce } from '../service/probes/registry.js';
import { createDataDirs, writeRenderedFiles } from './render-files.js';
import { planService, type ServicePlan, type StackPlan } from '../stack/service-plan.js';
import { ServiceRunner, type SpawnFn } from '../service/runner.js';
import { stopWaves } from '../service/stop-waves.js';

export interface SupervisorOptions {
  stack: Stack;
  services: readonly string[];
  paths: StatePaths;
  runId: string;
  supervisor: ProcessIdentity;
  emit: Emit;
  /** aborted: grace periods of a stop under way end at once (a second Ctrl-C) */
  hurry?: AbortSignal;
  /** up --watch: services with watch: restart on change */
  watch?: boolean;
  clock?: Clock;
  spawn?: SpawnFn;
  /** the plan resolved at up (the services asked for); one for a service started later is made when it is first started */
  plan: StackPlan;
}

/** What a request on a running stack did, for the CLI to report. */
export interface ServicesResult {
  services: string[];
}

export class Supervisor {
  readonly state: StackState;
  private readonly runners = new Map<string, ServiceRunner>();
  private readonly subscribers = new Set<Emit>();
  /** attached policies that hold something until the stack stops (watchers) */
  private readonly handles: PolicyHandle[] = [];
  private readonly firstStart = deferred<void>();
  /** stopped on request: the stack is not over while they may be started again */
  private readonly userStopped = new Set<string>();
  /** services whose files and data directories are in place */
  private readonly prepared = new Set<string>();
  private degraded: Record<string, string[]> = dict();
  private stopping: Promise<void> | undefined;
  /** the first start is done: requests on the running stack are taken from now on */
  started = false;
  private ops: Promise<unknown> = Promise.resolve();
  /** resolves when every started service has exited on its own or been stopped */
  readonly allExited = deferred<void>();

  private readonly plan: StackPlan;

  constructor(private readonly o: SupervisorOptions) {
    const { stack, paths, runId, supervisor } = o;
    this.plan = o.plan;
    this.state = {
      version: 1,
      stack: stack.name,
      stackId: paths.stackId,
      stackFile: stack.file,
      portOffset: stack.portOffset,
      runId,
      supervisor,
      startedAt: new Date().toISOString(),
      root: stack.root,
      platform: platform().name,
      order: [],
      services: dict(),
    };
    for (const name of o.services) this.add(name);
  }

  readonly emit: Emit = (e: RunEvent) => {
    this.o.emit(e);
    for (const fn of this.subscribers) fn(e);
  };

  /** Events to a control client while its request runs; returns the unsubscribe. */
  subscribe(fn: Emit): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get services(): string[] {
    return Object.keys(this.state.services);
  }

  private unsaved = false;
  private pendingSave: NodeJS.Immediate | undefined;

  /**
   * A state write that fails (ENOSPC: a chatty service filled the disk) must not take the
   * supervisor, and with it the stack, down: it goes on from memory, says so once, and
   * writes again at the next change. down asks it over the socket, which needs no disk.
   */
  private save(now = false): void {
    // the moves of one turn (five services starting at once, a wave stopping) are one write;
    // a new pid, the first record and the last are written at once
    if (!now) {
      this.pendingSave ??= setImmediate(() => this.save(true));
      return;
    }
    if (this.pendingSave) clearImmediate(this.pendingSave);
    this.pendingSave = undefined;
    try {
      writeState(this.o.paths.stateFile, this.state);
      this.unsaved = false;
    } catch (e) {
      if (!this.unsaved) this.emit({ kind: 'state:unsaved', stack: this.o.paths.stackId, reason: e instanceof Error ? e.message : String(e) });
      this.unsaved = true;
    }
  }

  /** The service's plan: resolved once for the run, by up or at its first start. */
  private planOf(name: string): ServicePlan {
    return (this.plan.services[name] ??= planService(this.o.stack, name, { stackId: this.o.paths.stackId, runId: this.o.runId }));
  }

  private add(name: string): ServiceRunner {
    const { stack, paths } = this.o;
    const s = stack.services[name]!;
    const plan = this.planOf(name);
    const rec: ServiceRecord = {
      name,
      state: 'pending',
      ports: plan.ports,
      host: plan.host,
      logFile: paths.logFile(name),
      stopTimeoutMs: s.stopTimeoutMs,
      dependsOn: Object.keys(plan.dependsOn),
      url: plan.url,
      plan: plan.hash,
      ...(s.replica ? { replicaOf: s.replica.of } : {}),
      ...(s.ready.owned === false ? { ownsPorts: false } : {}),
    };
    this.state.services[name] = rec;
    const runner = new ServiceRunner(rec, { stack, plan, paths, runId: this.o.runId, emit: this.emit, save: (now) => this.save(now), spawn: this.o.spawn });
    this.runners.set(name, runner);
    const ctx: PolicyContext = {
      clock: this.o.clock ?? realClock,
      emit: this.emit,
      probe: probeOnce,
      start: () => this.startOne(name),
      stop: async () => void (await runner.stop()),
      restartNow: (names, reason) => this.restartNow(names, reason),
      restartLater: (reason) => this.restartServices([name], reason),
      followers: () => followersOf(stack, name, (n) => isActive(this.state.services[n]?.state ?? 'pending')),
      changed: () => this.afterChange(),
      firstStart: this.firstStart.promise,
      watch: this.o.watch ? (patterns, cwd, onChange) => this.watchPaths(name, patterns, cwd, onChange) : undefined,
      cwd: plan.launch.cwd,
    };
    for (const policy of POLICIES) {
      const handle = policy.attach(runner, ctx);
      if (handle) this.handles.push(handle);
    }
    runner.onExit(() => setImmediate(() => this.afterChange()));
    return runner;
  }

  private async watchPaths(service: string, patterns: readonly string[], cwd: string, onChange: (path: string) => void): Promise<() => Promise<void>> {
    const { watchPaths } = await import('./watch/file-watcher.js');
    return watchPaths({ cwd, patterns: [...patterns], stateDir: this.o.paths.dir, onLimit: (limit) => this.emit({ kind: 'watch:limited', service, limit }) }, onChange);
  }

  /** After a service changed by itself: report newly degraded dependents; end when nothing is left. */
  private afterChange(): void {
    const now = degradedBy(this.state.services);
    for (const [name, because] of Object.entries(now))
      if (this.degraded[name]?.join() !== because.join()) this.emit({ kind: 'service:degraded', service: name, because });
    this.degraded = now;
    const alive = Object.entries(this.state.services).some(([n, r]) => r.state === 'pending' || r.state === 'restarting' || isActive(r.state) || this.userStopped.has(n));
    if (!alive && !this.stopping) this.allExited.resolve();
  }

  /** Files rendered and data directories created for services about to start the first time. */
  private writeFilesOf(names: readonly string[], withStackFiles = false): void {
    const fresh = names.filter((n) => !this.prepared.has(n));
    if (withStackFiles) writeRenderedFiles(this.o.stack, this.plan.files);
    for (const n of fresh) {
      const plan = this.planOf(n);
      writeRenderedFiles(this.o.stack, plan.files);
      createDataDirs(this.o.stack, n, plan.data);
      this.prepared.add(n);
      if (plan.data.length) this.state.services[n]!.data = [...plan.data];
    }
  }

  /** Starts every service; on the first failure the others' waits end and it throws: the caller stops what was started. */
  async start(): Promise<void> {
    const t0 = Date.now();
    this.writeFilesOf(this.o.services, true);
    this.save(true);
    const failure = await startOrRollBack(this.o.services, (name, signal) => this.startWhenDepsAllow(name, signal));
    if (this.stopping) {
      await this.stopping;
      throw new InterruptedError(`interrupted: stack ${this.o.paths.stackId} was stopped before it was up`);
    }
    // the host rolls back, once, for a failure as for an interrupt (start-stack.ts: stop())
    if (failure) throw failure;
    this.started = true;
    // what up reports (status, --json) is read from the state: it is on disk before up says it is up
    this.save(true);
    this.emit({
      kind: 'stack:ready',
      stack: this.o.paths.stackId,
      ms: Date.now() - t0,
      services: this.o.services.map((n) => {
        const r = this.state.services[n]!;
        return { name: n, url: r.url, ports: r.ports, pid: r.pid, ...(r.state === 'completed' ? { completed: true } : {}) };
      }),
    });
    // the policies that begin after the first start (watchers) are in force before up says it is up
    this.firstStart.resolve();
    await Promise.allSettled(this.handles.map((h) => h.settled));
  }

  private async startWhenDepsAllow(name: string, signal?: AbortSignal): Promise<void> {
    const runner = this.runners.get(name)!;
    const deps = Object.entries(runner.service.dependsOn).filter(([d]) => this.runners.has(d));
    try {
      await Promise.all(deps.map(([d, c]) => this.gateOf(d, c).wait(signal)));
    } catch (e) {
      // what it waits for failed or was stopped: it is not started, and says so to its own dependents
      await runner.stop();
      throw signal?.aborted ? new StartAborted(name) : e;
    }
    if (!this.state.order.includes(name)) this.state.order.push(name);
    await runner.start(signal);
  }

  private gateOf(name: string, condition: Condition) {
    const g = this.runners.get(name)!.gates;
    return condition === 'started' ? g.started : condition === 'completed' ? g.completed : g.ready;
  }

  /** Ports free again (its own process is gone; a stray may have taken them), then the start. */
  private async startOne(name: string): Promise<void> {
    await this.checkPorts([name]);
    await this.runners.get(name)!.start();
  }

  /** Throws PreflightError naming the holder of a port that cannot be bound. */
  private async checkPorts(names: string[]): Promise<void> {
    // a bind on each port settles it in microseconds; the kernel's tables (milliseconds to
    // read) are read only to name the holder of a port that is taken
    if (await portsBindable(this.o.stack, names)) return;
    const { checks } = await preflight(this.o.stack, { services: names, siblings: false });
    const errors = checks.filter((c) => c.level === 'error');
    if (errors.length) throw new PreflightError(errors.map((c) => c.message), { hint: 'free the port, then start the service again' });
  }

  /** One request on the running stack at a time: two restarts of one service must not interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new DevnetError(`stack ${this.o.paths.stackId} is stopping`));
    // a request's answer is read from the state by its client (status, --json): written first
    const p = this.ops.then(fn).finally(() => this.save(true));
    this.ops = p.catch(() => {});
    return p;
  }

  /** The services named, a replicated one standing for its replicas; unknown names are refused. */
  private known(asked: readonly string[]): string[] {
    const names = expandNames(this.o.stack.services, asked);
    const all = Object.keys(this.o.stack.services);
    for (const n of names) {
      const s = this.o.stack.services[n];
      if (!s) throw new UsageError(`stack ${this.o.paths.stackId} has no service ${quote(n)} (as loaded at up); it has ${all.join(', ')}`, { hint: 'a service added to the stack file since needs devnet down and up' });
      if (!isLaunchable(s)) throw new UsageError(`service ${n} is not launched (status: ${s.status}${s.command === undefined ? ', no command' : ''})`);
    }
    return names;
  }

  /** Starts the services not running, and what they need first; the rest is untouched. */
  startServices(asked: readonly string[]): Promise<ServicesResult> {
    return this.serial(async () => {
      const names = this.known(asked);
      const graph = dict(Object.values(this.o.stack.services).map((s) => [s.name, Object.keys(s.dependsOn)]));
      const wanted = [...withDependencies(graph, names)];
      const needsStart = (n: string) => {
        const r = this.state.services[n];
        // a finished one-shot task runs again only when named
        return !r || !(isActive(r.state) || (r.state === 'completed' && !names.includes(n)));
      };
      const toStart = wanted.filter(needsStart);
      if (!toStart.length) return { services: [] };
      await this.checkPorts(toStart);
      this.writeFilesOf(toStart);
      for (const n of toStart) {
        this.userStopped.delete(n);
        const r = this.runners.get(n) ?? this.add(n);
        if (r.state === 'restarting') await r.stop();
      }
      await this.startAll(toStart);
      return { services: toStart };
    });
  }

  /** Stops services, dependents first; refuses while running services depend on them unless withDependents. */
  stopServices(asked: readonly string[], o: { withDependents?: boolean; timeoutMs?: number } = {}): Promise<ServicesResult> {
    return this.serial(async () => {
      const names = this.known(asked);
      const set = new Set(names.filter((n) => this.state.services[n]));
      const dependents = this.runningDependents(set);
      if (dependents.length && !o.withDependents)
        throw new UsageError(`${[...set].join(', ')} ${set.size === 1 ? 'is' : 'are'} needed by running ${dependents.join(', ')}; nothing was stopped`, {
          hint: `stop them too with devnet stop ${[...set].join(' ')} --with-dependents`,
        });
      for (const d of dependents) set.add(d);
      await this.stopSet(set, o.timeoutMs, undefined, 'asked by devnet stop');
      for (const n of set) this.userStopped.add(n);
      this.afterChange();
      const stuck = [...set].filter((n) => /^could not be stopped/.test(this.state.services[n]?.reason ?? ''));
      if (stuck.length) throw new StopError(stuck.map((n) => `service ${n} ${this.state.services[n]!.reason}`).join('\n'));
      const touched = new Set([...set].map((n) => this.state.services[n]?.replicaOf).filter(Boolean));
      for (const g of degradedGroups(this.state.services)) if (touched.has(g.group)) this.emit({ kind: 'group:degraded', ...g });
      return { services: [...set] };
    });
  }

  /**
   * Running services that depend, directly or not, on any of `set`. A dependency on a
   * replicated service is met while one of its replicas keeps running: stopping one Raft peer
   * degrades the group, it does not take its users down; the last one does.
   */
  private runningDependents(set: Set<string>): string[] {
    const out = new Set<string>();
    const services = this.state.services;
    const running = (n: string) => !!services[n] && (isActive(services[n].state) || services[n].state === 'restarting');
    const gone = (d: string) => set.has(d) || out.has(d);
    const breaks = (r: ServiceRecord, d: string) => {
      if (!gone(d)) return false;
      const group = services[d]?.replicaOf;
      return !group || !r.dependsOn.some((x) => services[x]?.replicaOf === group && running(x) && !gone(x));
    };
    let grew = true;
    while (grew) {
      grew = false;
      for (const [n, r] of Object.entries(services)) {
        if (set.has(n) || out.has(n) || !running(n)) continue;
        if (r.dependsOn.some((d) => breaks(r, d))) {
          out.add(n);
          grew = true;
        }
      }
    }
    return [...out];
  }

  /** `reason`: written into the log of each service that runs (a restart writes its own first). */
  private async stopSet(set: Set<string>, timeoutMs?: number, hurry?: AbortSignal, reason?: string): Promise<void> {
    const graph = dict([...set].map((n) => [n, this.state.services[n]!.dependsOn.filter((d) => set.has(d))]));
    if (reason) for (const n of set) if (isActive(this.state.services[n]!.state)) this.runners.get(n)!.marker(`stop: ${reason}`);
    for (const wave of stopWaves(graph)) {
      // one scan of the process table serves every service of the wave
      const procs = scanProcesses();
      await Promise.all(wave.map((n) => this.runners.get(n)!.stop({ timeoutMs, hurry, procs })));
    }
  }

  /** Stops and starts each service again on its ports, waiting for readiness; dependents keep running. */
  restartServices(names: readonly string[], reason = 'asked by devnet restart'): Promise<ServicesResult> {
    return this.serial(async () => this.restartNow(this.known(names), reason));
  }

  private async restartNow(names: readonly string[], reason: string): Promise<ServicesResult> {
    const set = new Set(names);
    for (const n of set) if (!this.runners.has(n)) this.add(n);
    for (const n of set) {
      this.runners.get(n)!.marker(`restart: ${reason}`);
      this.emit({ kind: 'service:restarting', service: n, reason, byPolicy: false, restarts: this.state.services[n]!.restarts ?? 0, delayMs: 0, logTail: [] });
    }
    await this.stopSet(set);
    await this.checkPorts([...set]);
    for (const n of set) this.userStopped.delete(n);
    await this.startAll([...set]);
    return { services: [...set] };
  }

  /** Starts services together (each when its dependencies allow); the first service failure is thrown, others keep running. */
  private async startAll(names: string[]): Promise<void> {
    // armed first, all of them: a dependent must not read a gate its dependency is about to close
    for (const n of names) this.runners.get(n)!.arm();
    const results = await Promise.allSettled(names.map((n) => this.startWhenDepsAllow(n)));
    this.afterChange();
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const own = failed.find((e) => e instanceof ServiceFailedError || e instanceof PreflightError) ?? failed[0];
    if (own) throw own;
  }

  /** Stops every started service, dependents first; idempotent (later calls share the first). */
  stopAll(timeoutMs?: number): Promise<void> {
    return (this.stopping ??= this.doStopAll(timeoutMs));
  }

  private async doStopAll(timeoutMs: number | undefined): Promise<void> {
    trace('stopAll');
    await Promise.allSettled(this.handles.map((h) => h.close()));
    await this.stopSet(new Set(this.runners.keys()), timeoutMs, this.o.hurry, 'the stack is stopping');
    trace('stopAll stopped');
    this.save(true);
    await Promise.allSettled([...this.runners.values()].map((r) => r.close()));
    trace('stopAll closed');
    this.allExited.resolve();
    this.emit({ kind: 'stack:stopped', stack: this.o.paths.stackId });
  }
}
