// Runs a stack: one runner per service, started as soon as its dependencies meet their
// conditions (independent ones in parallel); then, while it runs, starts, stops and restarts
// single services on request, with the policies (restart, health, watch, followers) attached
// to each runner. It coordinates; each behaviour lives in its own file.
import { trace } from '../trace.js';
import { dict } from '../stack/own.js';
import { DevnetError, InterruptedError, PreflightError, ProgramMissingError, ServiceFailedError, StartAborted, StopError, UsageError, quote } from '../errors.js';
import { allBindable, portsBindable, recordsBindable } from '../ports/bind-check.js';
import { preflight } from '../ports/preflight.js';
import type { Emit, PlanChange, RunEvent } from '../events.js';
import { withDependencies } from '../stack/graph.js';
import { countOf, expandNames, scaleService, withRecordedScale, type ScaleRecord } from '../stack/replicas.js';
import { checkStack } from '../stack/rules.js';
import { programChecks } from '../stack/programs.js';
import { changeLine, diffRun, namesToPlan } from '../record/changes.js';
import { join } from 'node:path';
import { appendPrivateFile } from '../fs/private-fs.js';
import { redact } from '../stack/env-files.js';
import { isLaunchable, type Condition, type Stack } from '../stack/model.js';
import type { StatePaths } from '../state/paths.js';
import { noteAppliedText } from '../state/run-index.js';
import type { ProcessIdentity } from '../platform/identity.js';
import { sharedScan } from '../service/stop.js';
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
import { redactService, resolveService, type ResolvedService } from '../stack/resolved-config.js';
import { planService, planStack, type ServicePlan, type StackPlan } from '../stack/service-plan.js';
import { ServiceRunner, type SpawnFn } from '../service/runner.js';
import type { ServiceLog } from '../service/log/log-file.js';
import { selectServices, type Selection } from '../stack/select.js';
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
  /** what up was asked to run (--only, --profile): a reload of the stack file selects the same */
  selection?: Selection;
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** the env the stack is resolved in: the shell of the devnet up that asked (default: this process's) */
  processEnv?: Record<string, string | undefined>;
  /** devnet scale counts kept for the run from now on */
  scale?: ScaleRecord;
  /** what asked for it, for the logs: the stack file changed, scale api to 3 (absent: told from the changes) */
  why?: string;
}

export interface ApplyResult {
  changes: PlanChange[];
  /** the services started or recreated */
  services: string[];
}

/** What a request on a running stack did, for the CLI to report. */
export interface ServicesResult {
  services: string[];
}

/** Its stop left processes behind (ServiceRunner's stuck move says so in its reason). */
const couldNotStop = (r: ServiceRecord | undefined): boolean => /^could not be stopped/.test(r?.reason ?? '');

export class Supervisor {
  readonly state: StackState;
  private readonly runners = new Map<string, ServiceRunner>();
  private readonly subscribers = new Set<Emit>();
  /** attached policies that hold something until the service goes (watchers), by service */
  private readonly handles = new Map<string, PolicyHandle[]>();
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
  /** the stack as it runs: loaded at up, replaced by each applied edit or scale */
  private stack: Stack;

  constructor(private readonly o: SupervisorOptions) {
    const { stack, paths, runId, supervisor } = o;
    this.plan = o.plan;
    this.stack = stack;
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
      ...(o.selection ? { selection: o.selection } : {}),
    };
    for (const name of o.services) this.add(name);
  }

  readonly emit: Emit = (e: RunEvent) => {
    this.o.emit(e);
    for (const fn of this.subscribers) fn(e);
    if (e.kind === 'stack:changes' || e.kind === 'stack:invalid' || e.kind === 'stack:applied') this.logChange(e);
  };

  /** What was applied to the running stack, and what was not, stays on record in supervisor.log (a detached one has nowhere else to say it). */
  private logChange(e: Extract<RunEvent, { kind: 'stack:changes' | 'stack:invalid' | 'stack:applied' }>): void {
    const text =
      e.kind === 'stack:changes'
        ? e.changes.length && !e.dryRun ? `apply (${e.why}): ${e.changes.map(changeLine).join('; ')}` : undefined
        : e.kind === 'stack:invalid'
          ? `not applied: ${e.message.replace(/\n/g, ' | ')}`
          : `applied in ${(e.ms / 1000).toFixed(1)}s`;
    if (!text) return;
    try {
      appendPrivateFile(join(this.o.paths.dir, 'supervisor.log'), `${new Date().toISOString()} ${redact(text, this.stack.secretValues)}\n`);
    } catch {
      // the live view said it; a full disk does not stop the stack
    }
  }

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
  private tickSave = false;

  /**
   * A state write that fails (ENOSPC: a chatty service filled the disk) must not take the
   * supervisor, and with it the stack, down: it goes on from memory, says so once, and
   * writes again at the next change. down asks it over the socket, which needs no disk.
   */
  private save(now: boolean | 'tick' = false): void {
    // the moves of one turn (five services starting at once, a wave stopping) are one write;
    // the first record and the last are written at once, the new pids of a wave before any
    // I/O (each rename is a millisecond here, and five would hold back the wave's last spawn)
    if (!now) {
      this.pendingSave ??= setImmediate(() => this.save(true));
      return;
    }
    if (now === 'tick') {
      if (!this.tickSave) {
        this.tickSave = true;
        process.nextTick(() => {
          this.tickSave = false;
          this.save(true);
        });
      }
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
    return (this.plan.services[name] ??= planService(this.stack, name, { stackId: this.o.paths.stackId, runId: this.o.runId }, this.plan.files));
  }

  private add(name: string, log?: ServiceLog): ServiceRunner {
    const { paths } = this.o;
    const stack = this.stack;
    const s = stack.services[name]!;
    const plan = this.planOf(name);
    const rec: ServiceRecord = {
      name,
      state: 'pending',
      ports: plan.ports,
      ...(Object.keys(plan.udpPorts).length ? { udpPorts: plan.udpPorts } : {}),
      host: plan.host,
      logFile: paths.logFile(name),
      stopTimeoutMs: s.stopTimeoutMs,
      dependsOn: Object.keys(plan.dependsOn),
      url: plan.url,
      plan: plan.hash,
      parts: plan.parts,
      ...(s.replica ? { replicaOf: s.replica.of } : {}),
      ...(s.ready.owned === false ? { ownsPorts: false } : {}),
      ...(s.stopSignal !== 'SIGTERM' ? { stopSignal: s.stopSignal } : {}),
      ...(plan.launch.container ? { container: { name: plan.launch.container.name, engine: plan.launch.container.engine } } : {}),
    };
    this.state.services[name] = rec;
    const runner = new ServiceRunner(rec, { stack, plan, paths, runId: this.o.runId, emit: this.emit, save: (now) => this.save(now), spawn: this.o.spawn, log });
    this.runners.set(name, runner);
    const ctx: PolicyContext = {
      clock: this.o.clock ?? realClock,
      emit: this.emit,
      probe: probeOnce,
      start: () => this.startOne(name),
      stop: async () => void (await runner.stop()),
      restartNow: (names, reason) => this.restartNow(names, reason),
      restartLater: (reason) => this.restartServices([name], reason),
      followers: () => followersOf(this.stack, name, (n) => isActive(this.state.services[n]?.state ?? 'pending')),
      changed: () => this.afterChange(),
      firstStart: this.firstStart.promise,
      watch: this.o.watch ? (patterns, cwd, onChange) => this.watchPaths(name, patterns, cwd, onChange) : undefined,
      cwd: plan.launch.cwd,
    };
    const handles: PolicyHandle[] = [];
    for (const policy of POLICIES) {
      const handle = policy.attach(runner, ctx);
      if (handle) handles.push(handle);
    }
    this.handles.set(name, handles);
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
    if (withStackFiles) writeRenderedFiles(this.stack, this.plan.files);
    for (const n of fresh) {
      const plan = this.planOf(n);
      writeRenderedFiles(this.stack, plan.files);
      createDataDirs(this.stack, n, plan.data);
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
    await Promise.allSettled([...this.handles.values()].flat().map((h) => h.settled));
    if (this.o.watch) await this.watchStack();
  }

  private unwatchStack: (() => Promise<void>) | undefined;
  private watchedSources = '';

  /** up --watch: the stack file, its env files and templates; a change applies the file again. */
  private async watchStack(): Promise<void> {
    const sources = this.stack.sources ?? [this.stack.file];
    if (sources.join('\n') === this.watchedSources || this.stopping) return;
    await this.unwatchStack?.();
    this.watchedSources = sources.join('\n');
    const { watchStackFiles } = await import('./watch/stack-file.js');
    this.unwatchStack = await watchStackFiles({ files: sources, stateDir: this.o.paths.dir, onChange: () => void this.reloadStackFile() });
  }

  /** The stack file as it is now, applied; an invalid one is said and ignored: the stack runs on as it is. */
  private async reloadStackFile(): Promise<void> {
    if (this.stopping) return;
    const { stackId } = this.o.paths;
    try {
      const { loadStack } = await import('../stack/load.js');
      const { stack: loaded } = await loadStack(this.stack.file, { portOffset: this.stack.portOffset });
      loaded.stateDir = this.stack.stateDir;
      const { stack, scale } = withRecordedScale(loaded, this.state.scale);
      const wanted = selectServices(stack, this.state.selection ?? {});
      await this.applyStack(stack, wanted, { why: 'the stack file changed', scale });
      await this.watchStack();
    } catch (e) {
      // a service that failed to start said so itself; anything else left the stack as it was
      if (e instanceof ServiceFailedError || this.stopping) return;
      this.emit({ kind: 'stack:invalid', stack: stackId, file: this.stack.file, message: e instanceof Error ? e.message : String(e) });
    }
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
    if (await portsBindable(this.stack, names)) return;
    const { checks } = await preflight(this.stack, { services: names, siblings: false });
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
    const names = expandNames(this.stack.services, asked);
    const all = Object.keys(this.stack.services);
    for (const n of names) {
      const s = this.stack.services[n];
      if (!s) throw new UsageError(`stack ${this.o.paths.stackId} has no service ${quote(n)} (as loaded at up); it has ${all.join(', ')}`, { hint: 'devnet up applies the stack file as it is now' });
      if (!isLaunchable(s)) throw new UsageError(`service ${n} is not launched (status: ${s.status}${s.command === undefined ? ', no command' : ''})`);
    }
    return names;
  }

  /** Starts the services not running, and what they need first; the rest is untouched. */
  startServices(asked: readonly string[]): Promise<ServicesResult> {
    return this.serial(async () => {
      const names = this.known(asked);
      const graph = dict(Object.values(this.stack.services).map((s) => [s.name, Object.keys(s.dependsOn)]));
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
      const stuck = [...set].filter((n) => couldNotStop(this.state.services[n]));
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
      const procs = sharedScan();
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

  /**
   * devnet config and exec: the services as they run (their plans, resolved at up or at
   * their last apply). `reveal`: with the secrets' values (for exec's own process, over the
   * private socket); otherwise every secret is ***.
   */
  configOf(asked: readonly string[], reveal = false): ResolvedService[] {
    const names = asked.length ? this.known(asked) : Object.keys(this.stack.services).filter((n) => isLaunchable(this.stack.services[n]!));
    return names.map((n) => {
      const r = resolveService(this.stack, this.planOf(n));
      return reveal ? r : redactService(r, this.stack.secretValues);
    });
  }

  /**
   * devnet pause / resume: freezes (SIGSTOP) or wakes (SIGCONT) each service's whole tree.
   * Only ready or unhealthy services are paused; one in any other state refuses the whole
   * request before anything is signalled. Already paused (or running) ones are left as they are.
   */
  pauseServices(asked: readonly string[], resume = false): Promise<ServicesResult> {
    return this.serial(async () => {
      const names = this.known(asked);
      const from = resume ? ['paused', 'ready', 'unhealthy'] : ['ready', 'unhealthy', 'paused'];
      const wrong = names.filter((n) => !from.includes(this.state.services[n]?.state ?? 'stopped'));
      if (wrong.length) {
        const what = wrong.map((n) => `${n} is ${this.state.services[n]?.state ?? 'not started'}`).join(', ');
        throw new UsageError(`${what}: only a ready service can be ${resume ? 'resumed' : 'paused'}; nothing was ${resume ? 'resumed' : 'paused'}`, {
          hint: resume ? 'devnet start starts a stopped service' : 'devnet status shows each state; a starting service can be paused once it is ready',
        });
      }
      const acted = names.filter((n) => (resume ? this.runners.get(n)!.resume() : this.runners.get(n)!.pause()));
      if (acted.length) this.afterChange();
      return { services: acted };
    });
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

  /**
   * Applies a stack to the running one (the stack file as edited, or this stack scaled): says
   * what it changes (stack:changes), then, unless dryRun, does it. Changed services are
   * recreated on their new plan, added ones started, removed ones stopped; the rest is not
   * touched. A port the change needs that is held by anything but what it stops refuses the
   * whole change before anything moves.
   */
  applyStack(next: Stack, wanted: readonly string[], o: ApplyOptions): Promise<ApplyResult> {
    return this.serial(() => this.applyNow(next, wanted, o));
  }

  /** devnet scale: `count` copies of `group`, added or removed from the highest; users of its peer list recreated. */
  scale(group: string, count: number, o: Pick<ApplyOptions, 'dryRun'> = {}): Promise<ApplyResult> {
    return this.serial(async () => {
      if (!Number.isInteger(count) || count < 1 || count > 250) throw new UsageError(`devnet scale takes a count from 1 to 250, got ${count}`);
      const next = scaleService(this.stack, group, count);
      const { errors } = checkStack(next, process.env);
      if (errors.length) throw new UsageError(`${group} cannot run ${count} cop${count === 1 ? 'y' : 'ies'}: ${errors.map((e) => e.message).join('; ')}`, { hint: 'nothing was changed' });
      const file = this.state.scale?.[group]?.file ?? countOf(this.stack.services, group) ?? 1;
      const scale: ScaleRecord = dict(Object.entries(this.state.scale ?? {}).filter(([g]) => g !== group));
      if (count !== file) scale[group] = { count, file };
      const copies = expandNames(next.services, [group]);
      return this.applyNow(next, copies, { ...o, why: `scale ${group} to ${count}`, scale });
    });
  }

  private async applyNow(next: Stack, wanted: readonly string[], o: ApplyOptions): Promise<ApplyResult> {
    const t0 = Date.now();
    const { stackId } = this.o.paths;
    next.stateDir ??= this.stack.stateDir;
    const names = namesToPlan(next, wanted, this.state.services);
    const plan = planStack(next, names, { stackId, runId: this.o.runId, processEnv: o.processEnv });
    const changes = diffRun(this.state.services, next, plan, wanted);
    trace('apply planned');
    // only starts of what does not run: up asked for them; anything else is the file's doing
    const why = o.why ?? (changes.some((c) => c.action !== 'start' && c.action !== 'add') ? 'the stack file changed' : 'asked for by devnet up');
    this.emit({ kind: 'stack:changes', stack: stackId, changes, dryRun: !!o.dryRun, why });
    if (o.dryRun) return { changes, services: [] };
    if (!changes.length) {
      this.stack = next;
      noteAppliedText(next, this.o.paths.dir);
      return { changes, services: [] };
    }
    const of = (...actions: PlanChange['action'][]) => changes.filter((c) => actions.includes(c.action)).map((c) => c.service);
    const starting = of('recreate', 'add', 'start');
    const leaving = new Set(of('recreate', 'remove'));
    await this.preflightChange(next, starting, leaving);
    trace('apply preflight done');
    const missing = programChecks(next, starting, o.processEnv ?? process.env, (n) => plan.services[n]!.launch).filter((c) => c.level === 'error');
    if (missing.length) throw new ProgramMissingError(missing.map((c) => c.message).join('\n'), { hint: 'nothing was changed' });

    // removed: stopped (dependents first) and forgotten
    const removed = of('remove');
    await this.stopSet(new Set(removed.filter((n) => this.runners.has(n))), undefined, undefined, 'removed from the stack');
    for (const n of removed) {
      await this.retire(n);
      delete this.state.services[n];
      this.userStopped.delete(n);
    }
    this.state.order = this.state.order.filter((n) => !removed.includes(n));
    // the stack as it now runs; unchanged services keep their runner, plan and process
    this.stack = next;
    this.plan.files = plan.files;
    writeRenderedFiles(next, plan.files);
    const recreate = of('recreate');
    // copies of one replicated service go one at a time, each ready before the next: a
    // quorum group keeps serving while its peer list changes
    const rolling = recreate.filter((n) => this.state.services[n]?.replicaOf !== undefined);
    const together = recreate.filter((n) => !rolling.includes(n));
    await this.stopSet(new Set(together), undefined, undefined, `recreated (${why})`);
    for (const n of [...together, ...of('start', 'update')]) await this.replace(n, plan.services[n]!);
    for (const n of of('add')) {
      this.plan.services[n] = plan.services[n]!;
      this.add(n);
    }
    const toStart = [...together, ...of('add', 'start')];
    const acted: string[] = [];
    if (toStart.length) {
      await this.checkPorts(toStart);
      this.writeFilesOf(toStart);
      for (const n of toStart) this.userStopped.delete(n);
      await this.startAll(toStart);
      acted.push(...toStart);
    }
    for (const n of rolling) {
      await this.stopSet(new Set([n]), undefined, undefined, `recreated (${why})`);
      await this.replace(n, plan.services[n]!);
      await this.checkPorts([n]);
      this.writeFilesOf([n]);
      await this.startAll([n]);
      acted.push(n);
    }
    // the record lists services in the stack's order, as status shows them
    const order = Object.keys(next.services);
    this.state.services = dict(Object.entries(this.state.services).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
    if (o.scale && Object.keys(o.scale).length) this.state.scale = o.scale;
    else delete this.state.scale;
    noteAppliedText(next, this.o.paths.dir);
    this.afterChange();
    trace('apply done');
    this.emit({ kind: 'stack:applied', stack: stackId, ms: Date.now() - t0, changes });
    return { changes, services: acted };
  }

  /** The ports the change starts services on, checked before anything is stopped: only what it stops may hold them. */
  private async preflightChange(next: Stack, starting: readonly string[], leaving: ReadonlySet<string>): Promise<void> {
    if (!starting.length) return;
    // a bind of each port the change needs settles it in microseconds (the ports of what it
    // stops are theirs until then); the socket tables are read only to name a holder
    const held = new Set([...leaving].flatMap((n) => Object.values(this.state.services[n]?.ports ?? {}).map((p) => `${this.state.services[n]!.host}:${p}`)));
    const wants = starting.map((n) => ({ host: next.services[n]!.host, ports: dict(Object.entries(next.services[n]!.ports).filter(([, p]) => !held.has(`${next.services[n]!.host}:${p}`))) }));
    if (await allBindable(wants)) return;
    const { checks } = await preflight(next, { services: starting, siblings: false, selfStackId: this.o.paths.stackId });
    const refused = checks.filter((c) => c.level === 'error' || (c.id === 'port.own' && c.heldBy !== undefined && !leaving.has(c.heldBy) && c.heldBy !== c.service));
    if (refused.length)
      throw new PreflightError(
        refused.map((c) => (c.level === 'error' ? c.message : `${c.message}, which keeps running`)),
        { hint: 'nothing was changed; free the ports, or give the services others in the stack file' },
      );
  }

  /** A service's runner is done with: its policies closed, its log left to whoever replaces it. */
  private async retire(name: string): Promise<ServiceLog | undefined> {
    const runner = this.runners.get(name);
    if (!runner) return undefined;
    await Promise.allSettled((this.handles.get(name) ?? []).map((h) => h.close()));
    this.handles.delete(name);
    this.runners.delete(name);
    this.prepared.delete(name);
    return runner.takeLog();
  }

  /** A new runner on the new plan, in place of the old one (stopped, or never started); its state is kept until it starts. */
  private async replace(name: string, plan: ServicePlan): Promise<void> {
    const before = this.state.services[name];
    const log = await this.retire(name);
    this.plan.services[name] = plan;
    const runner = this.add(name, log);
    if (before && !isActive(before.state) && before.state !== 'restarting') Object.assign(runner.rec, { state: before.state, reason: before.reason, lastExit: before.lastExit, exitCode: before.exitCode, signal: before.signal });
  }

  /**
   * After stopAll, for down: every service's processes were seen gone after its stop (none
   * outlived SIGKILL) and every port of the stack binds now, so the CLI need not look again.
   * Engine services are not vouched for: down asks the engine by label whatever this says.
   */
  async provenStopped(): Promise<boolean> {
    const recs = Object.values(this.state.services);
    if (recs.some((r) => r.container || isActive(r.state) || r.state === 'stopping' || couldNotStop(r))) return false;
    return recordsBindable(recs);
  }

  /** Stops every started service, dependents first; idempotent (later calls share the first). */
  stopAll(timeoutMs?: number): Promise<void> {
    return (this.stopping ??= this.doStopAll(timeoutMs));
  }

  private async doStopAll(timeoutMs: number | undefined): Promise<void> {
    trace('stopAll');
    await Promise.allSettled([...[...this.handles.values()].flat().map((h) => h.close()), this.unwatchStack?.()]);
    await this.stopSet(new Set(this.runners.keys()), timeoutMs, this.o.hurry, 'the stack is stopping');
    trace('stopAll stopped');
    this.save(true);
    await Promise.allSettled([...this.runners.values()].map((r) => r.close()));
    trace('stopAll closed');
    this.allExited.resolve();
    this.emit({ kind: 'stack:stopped', stack: this.o.paths.stackId });
  }
}
