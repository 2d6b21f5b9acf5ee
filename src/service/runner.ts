// One service's life, as many times as it is started: spawn, readiness, exit, stop. Each
// run has its own abort signal (its probes and health checks end with it), the state moves
// only along the transition table, and the gates dependents wait on are armed again for
// every run. Policies (restart, health, watch) attach through onReady/onExit/onStop.
import { trace } from '../trace.js';
import { setMaxListeners } from 'node:events';
import { ServiceFailedError, StartAborted } from '../errors.js';
import type { Emit } from '../events.js';
import { redact } from '../stack/env-files.js';
import type { LaunchSpec } from '../stack/launch-spec.js';
import type { ServicePlan } from '../stack/service-plan.js';
import type { Service, Stack } from '../stack/model.js';
import { own } from '../stack/own.js';
import type { StatePaths } from '../state/paths.js';
import { isActive, type ServiceRecord, type ServiceState } from '../state/store.js';
import { ServiceLog } from './log/log-file.js';
import type { ProbeTarget } from './probes/types.js';
import { describeReady, waitReady, type ReadyWait } from './probes/wait-ready.js';
import { spawnService, type LineSink, type SpawnFailure, type Spawned } from './spawn.js';
import { signalService, stopService, stopVia, type SharedScan, type StopResult } from './stop.js';
import { Gate } from './gate.js';
import { probeNoise } from './probe-noise.js';
import { mustMove, type MoveAction, type ServiceEvent } from './table.js';
import { describeExit, type ExitStatus } from '../platform/exit.js';
import { MAX_MATCHED_LINE } from '../stack/regex-safety.js';
import { ADDRESS_IN_USE, connectionsGone, whoTookPorts } from '../ports/port-taken.js';

export type SpawnFn = (spec: LaunchSpec, onLine: LineSink) => Promise<Spawned | SpawnFailure>;

export interface RunnerContext {
  stack: Stack;
  /** what this service runs, resolved once for the run */
  plan: ServicePlan;
  paths: StatePaths;
  runId: string;
  emit: Emit;
  /** writes the state file: `now`, before anything else happens; 'tick', before any I/O, with the other moves of this tick (the pids of a wave's spawns); else coalesced per turn */
  save(now?: boolean | 'tick'): void;
  spawn?: SpawnFn;
  /** the log of the runner this one replaces (a recreate): one file goes on across both */
  log?: ServiceLog;
}

export interface ExitInfo extends ExitStatus {
  /** the run had been ready (or completed, for a one-shot task) */
  wasReady: boolean;
}

export interface ReadyInfo {
  /** aborted when this run ends (exit or stop) */
  signal: AbortSignal;
  health?: ProbeTarget;
}

/**
 * One run of the service, from its start to its exit. It exists before its process does (its
 * pid is 0 until spawned), so a stop asked while it is spawned lands on it: its `stopAsked` is
 * the service's one stop flag.
 */
interface Run {
  abort: AbortController;
  pid: number;
  pgid: number;
  startTime: number;
  ready: boolean;
  stopAsked: boolean;
  exited: Promise<void>;
}

export interface StopOptions {
  timeoutMs?: number;
  hurry?: AbortSignal;
  /** the process table, read once for the services stopped together (sharedScan) */
  procs?: SharedScan;
}

const READY_TRY_MS = { http: 2000, tcp: 1000, exec: 10_000, metric: 2000 } as const;
/** After SIGKILL and its own wait, how long a stop waits for the leader's exit to be reported. */
export const EXIT_WAIT_MS = 3000;

export class ServiceRunner {
  readonly gates = { started: new Gate(), ready: new Gate(), completed: new Gate() };
  private run: Run | undefined;
  private starting: Promise<unknown> | undefined;
  /** set while a start waits for a connection to free its port: a stop aborts the wait */
  private retryWait: AbortController | undefined;
  private log: ServiceLog | undefined;
  private readonly readyFns = new Set<(r: ReadyInfo) => void>();
  private readonly exitFns = new Set<(e: ExitInfo) => void>();
  private readonly stopFns = new Set<() => void>();
  private readonly unhealthyFns = new Set<(reason: string) => void>();

  constructor(
    readonly rec: ServiceRecord,
    private readonly ctx: RunnerContext,
  ) {
    this.log = ctx.log;
  }

  get name(): string {
    return this.rec.name;
  }

  get service(): Service {
    return this.ctx.stack.services[this.name]!;
  }

  get state(): ServiceState {
    return this.rec.state;
  }

  onReady(fn: (r: ReadyInfo) => void): void {
    this.readyFns.add(fn);
  }

  /** The process ended by itself after it was ready (a crash, an exit, a one-shot's end). */
  onExit(fn: (e: ExitInfo) => void): void {
    this.exitFns.add(fn);
  }

  /** A stop was asked: policies cancel what they were waiting for. */
  onStop(fn: () => void): void {
    this.stopFns.add(fn);
  }

  /** It turned unhealthy (its health check): a restart policy restarts it. */
  onUnhealthy(fn: (reason: string) => void): void {
    this.unhealthyFns.add(fn);
  }

  /**
   * The one way its state changes: the table says where `event` leads from here and what it
   * does to the gates; `cause` is the failure the gates fail with.
   */
  apply(event: ServiceEvent, extra: Partial<ServiceRecord> = {}, cause?: unknown): void {
    const move = mustMove(this.name, this.rec.state, event);
    // a reason may quote a probe's output, which may quote the service's env
    if (extra.reason) extra = { ...extra, reason: redact(extra.reason, this.ctx.stack.secretValues) };
    Object.assign(this.rec, extra, { state: move.to });
    if (move.does) this.act(move.does, cause);
    // the pid of a new process goes to disk before anything else can happen (I/O, a request,
    // a timer): down must find it whatever happens next. The spawns of a wave are one write
    this.ctx.save(event === 'spawned' ? 'tick' : false);
  }

  private act(does: MoveAction, cause: unknown): void {
    const g = this.gates;
    const aborted = () => new StartAborted(this.name);
    switch (does) {
      case 'arm':
        return this.arm();
      case 'open-started':
        return g.started.open();
      case 'open-ready':
        return g.ready.open();
      case 'open-completed':
        // a finished task is past its readiness too
        g.completed.open();
        return g.ready.open();
      case 'fail-all':
        for (const x of Object.values(g)) x.fail(cause);
        return;
      case 'fail-run':
        g.started.fail(cause);
        return g.ready.fail(cause);
      case 'abort-all':
        for (const x of Object.values(g)) x.fail(aborted());
        return;
      case 'abort-run':
        g.started.fail(aborted());
        return g.ready.fail(aborted());
      case 'notify-unhealthy': {
        // after the turn that moved it (the health check's marker and event come first)
        const reason = this.rec.reason ?? 'unhealthy';
        queueMicrotask(() => this.unhealthyFns.forEach((fn) => fn(reason)));
      }
    }
  }

  /** A line of devnet's own in the service log (restarts, health changes). */
  marker(text: string): void {
    this.logFile().marker(text);
  }

  lastLines(): string[] {
    return this.log?.lastLines() ?? [];
  }

  private logFile(): ServiceLog {
    return (this.log ??= new ServiceLog(this.ctx.paths.logFile(this.name), this.service.logMaxBytes));
  }

  /**
   * Starts a run and waits until it is ready (or, for a one-shot task, completed). Throws
   * ServiceFailedError when it fails, StartAborted when a stop or `outer` ended the wait.
   */
  start(outer?: AbortSignal): Promise<void> {
    const p = this.doStart(outer, true);
    this.starting = p.catch(() => {});
    return p;
  }

  /** Closes its gates for a new run: called for every service of a start before any waits on another. */
  arm(): void {
    for (const g of Object.values(this.gates)) g.rearm();
  }

  private async doStart(outer: AbortSignal | undefined, portRetry: boolean): Promise<void> {
    const { stack, emit } = this.ctx;
    const s = this.service;
    const rec = this.rec;
    const spec = this.ctx.plan.launch;
    const log = this.logFile();
    log.newRun();
    const abort = new AbortController();
    const run: Run = { abort, pid: 0, pgid: 0, startTime: 0, ready: false, stopAsked: false, exited: Promise.resolve() };
    this.run = run;
    this.apply('start', { exitCode: undefined, signal: undefined, reason: undefined, readyAt: undefined });
    const signal = outer ? AbortSignal.any([abort.signal, outer]) : abort.signal;
    // the run's probes and policies all listen to it
    setMaxListeners(0, abort.signal, signal);
    const regex = s.ready.kind === 'log' ? new RegExp(s.ready.target!) : undefined;
    let wait: ReadyWait | undefined;
    let seenEarly = false;
    const spawned = await (this.ctx.spawn ?? spawnService)(spec, (stream, raw, resume) => {
      const line = redact(raw, stack.secretValues);
      const kept = log.write(stream, line);
      emit({ kind: 'service:log', service: this.name, stream, line });
      // a bounded line: even a safe pattern costs in proportion to what it scans
      if (regex?.test(line.length > MAX_MATCHED_LINE ? line.slice(0, MAX_MATCHED_LINE) : line)) (wait ? wait.resolveExternally({ ok: true }) : (seenEarly = true));
      if (!kept) log.onDrain(resume);
      return kept;
    });
    if ('error' in spawned) throw this.fail('spawn-failed', `could not start: ${spawned.error}`);
    Object.assign(run, { pid: spawned.pid, pgid: spawned.pgid, startTime: spawned.startTime });
    this.apply('spawned', { pid: run.pid, pgid: run.pgid, startTime: run.startTime, startedAt: new Date().toISOString(), restartAt: undefined, probe: undefined });
    emit({ kind: 'service:starting', service: this.name, pid: run.pid, command: redact(spec.display, stack.secretValues) });
    if (run.stopAsked) {
      // a stop came while it was being spawned: it never gets to run
      await this.stopRun(run, {});
      throw new StartAborted(this.name);
    }

    const target = this.probeTarget(spec, run);
    const t0 = Date.now();
    wait = waitReady(s.ready, target, signal);
    if (seenEarly) wait.resolveExternally({ ok: true });
    const probe = describeReady(s.ready, target);
    emit({ kind: 'service:waiting', service: this.name, probe });
    // for whoever reads the state (status, the UI): what it waits on
    rec.probe = probe;
    this.ctx.save();
    const readyWait = wait;
    run.exited = spawned.exited.then((r) => this.exited(run, r, readyWait));

    const result = await wait.promise;
    // its own exit aborts its signal too, but settles the wait with the reason first
    if (run.stopAsked || (!result.ok && outer?.aborted)) throw new StartAborted(this.name);
    if (!result.ok) {
      const taken = this.portTaken(result.reason);
      // an outgoing connection took a port between preflight and bind: it goes by itself, so a
      // service whose restart policy allows it gets one more try once the connection is gone
      if (taken?.taken.some((t) => t.byConnection) && portRetry && s.restart.policy !== 'no') {
        const why = taken.taken.find((t) => t.byConnection)!.message;
        this.apply('port-taken', { reason: why });
        this.marker(`restart: ${why}`);
        emit({ kind: 'service:restarting', service: this.name, reason: why, byPolicy: true, restarts: rec.restarts ?? 0, delayMs: 0, logTail: [] });
        // a closed connection's TIME_WAIT holds the port up to 60s; a stop meanwhile ends the wait
        const waiting = (this.retryWait = new AbortController());
        await connectionsGone(Object.values(s.ports), s.host, 65_000, outer ? AbortSignal.any([outer, waiting.signal]) : waiting.signal);
        this.retryWait = undefined;
        if (run.stopAsked || waiting.signal.aborted || outer?.aborted) {
          if (this.rec.state === 'exited') this.apply('stop');
          throw new StartAborted(this.name);
        }
        return this.doStart(outer, false);
      }
      const said = taken?.taken.length ? `${result.reason}: ${taken.taken.map((t) => t.message).join('; ')}` : result.reason;
      const err = this.fail('not-ready', said, probeNoise(spec.readyUrl), taken?.hint);
      // not ready in time, but running: it goes, whole tree, before the failure is reported
      await this.stopRun(run, {});
      throw err;
    }
    run.ready = true;
    trace(`ready ${this.name}`);
    const completed = rec.state === 'completed';
    if (!completed) this.apply('ready', { readyAt: new Date().toISOString(), probe: undefined });
    else rec.probe = undefined;
    emit({ kind: 'service:ready', service: this.name, ms: Date.now() - t0, url: rec.url, completed });
    if (!completed) for (const fn of this.readyFns) fn({ signal: abort.signal, health: this.healthTarget(spec, run) });
  }

  private probeTarget(spec: LaunchSpec, run: Run): ProbeTarget | undefined {
    const r = this.service.ready;
    if (r.kind !== 'http' && r.kind !== 'tcp' && r.kind !== 'exec' && r.kind !== 'metric') return undefined;
    const s = this.service;
    const port = r.port ? own(s.ports, r.port) : Object.values(s.ports)[0];
    const exec = spec.readyExec && { ...spec.readyExec, cwd: spec.cwd, env: spec.env };
    return { kind: r.kind, host: s.host, port, url: spec.readyUrl, exec, metric: r.metric, owned: r.owned, pid: run.pid, pgid: run.pgid, timeoutMs: Math.min(READY_TRY_MS[r.kind], r.timeoutMs) };
  }

  private healthTarget(spec: LaunchSpec, run: Run): ProbeTarget | undefined {
    const h = this.service.health;
    if (!h) return undefined;
    const s = this.service;
    const port = h.port ? own(s.ports, h.port) : Object.values(s.ports)[0];
    const exec = spec.healthExec && { ...spec.healthExec, cwd: spec.cwd, env: spec.env };
    // readiness proved the listener is the service's: health need not read the tables again
    return { kind: h.kind, host: s.host, port, url: spec.healthUrl, exec, metric: h.metric, owned: false, pid: run.pid, pgid: run.pgid, timeoutMs: h.timeoutMs };
  }

  private exited(run: Run, r: ExitStatus, wait: ReadyWait): void {
    try {
      this.recordExit(run, r, wait);
    } finally {
      // its probes and health checks end with it (after the readiness wait heard why)
      run.abort.abort();
    }
  }

  private recordExit(run: Run, r: ExitStatus, wait: ReadyWait): void {
    const rec = this.rec;
    const s = this.service;
    Object.assign(rec, { exitCode: r.code, signal: r.signal, lastExit: { code: r.code, signal: r.signal, at: new Date().toISOString(), ...(run.stopAsked ? { stopped: true } : {}) } });
    if (run.stopAsked) return this.ctx.save();
    if (s.ready.kind === 'exit' && !run.ready) {
      if (r.code !== 0) return wait.resolveExternally({ ok: false, reason: `${describeExit(r)} before it was ready` });
      this.apply('completed');
      wait.resolveExternally({ ok: true });
      run.ready = true;
      this.ctx.emit({ kind: 'service:exited', service: this.name, code: r.code, signal: r.signal, expected: true });
    } else if (!run.ready) {
      // start() reports it as the service's failure, with its last lines
      return wait.resolveExternally({ ok: false, reason: `${describeExit(r)} before it was ready` });
    } else {
      const reason = describeExit(r);
      const err = new ServiceFailedError(this.name, `service ${this.name} ${reason}`, this.lastLines(), { reason });
      this.apply(r.code === 0 ? 'exit' : 'crash', { reason }, err);
      this.marker(`${reason} (not asked to stop)`);
      this.ctx.emit({ kind: 'service:exited', service: this.name, code: r.code, signal: r.signal, expected: false });
    }
    for (const fn of this.exitFns) fn({ ...r, wasReady: true });
  }

  /** After an early exit that printed "address in use": what holds its ports now, read at once. */
  private portTaken(reason: string): ReturnType<typeof whoTookPorts> | undefined {
    const ports = Object.values(this.service.ports);
    if (!ports.length || !/before it was ready/.test(reason) || !this.lastLines().some((l) => ADDRESS_IN_USE.test(l))) return undefined;
    const all = Object.values(this.ctx.stack.services).flatMap((x) => Object.values(x.ports));
    try {
      return whoTookPorts(ports.map((port) => ({ port, host: this.service.host })), all, this.ctx.stack.portOffset);
    } catch {
      return undefined; // the tables could not be read: the failure is said as it was
    }
  }

  private fail(event: 'spawn-failed' | 'not-ready', raw: string, noise?: (line: string) => boolean, hint?: string): ServiceFailedError {
    const reason = redact(raw, this.ctx.stack.secretValues);
    const tail = this.log?.lastLines(noise) ?? [];
    const err = new ServiceFailedError(this.name, `service ${this.name} ${reason}`, tail, { reason, hint: `${hint ? `${hint}; ` : ''}its full log: ${this.rec.logFile}` });
    this.apply(event, { reason }, err);
    this.ctx.emit({ kind: 'service:failed', service: this.name, reason, logTail: tail });
    return err;
  }

  /**
   * Stops the service's processes (whole tree, SIGKILL after the grace period) and waits for
   * its exit. A service that already exited keeps its state; its leftovers are still swept.
   */
  async stop(o: StopOptions = {}): Promise<StopResult | undefined> {
    if (this.run) this.run.stopAsked = true;
    this.retryWait?.abort();
    for (const fn of this.stopFns) fn();
    if (this.rec.state === 'pending' || this.rec.state === 'restarting') {
      this.apply('stop');
      return undefined;
    }
    // a spawn under way records its process first (and sees the stop asked); then it is stopped like any run
    if (this.rec.state === 'starting') await this.starting;
    const run = this.run;
    if (!run) return undefined;
    return this.stopRun(run, o);
  }

  private async stopRun(run: Run, o: StopOptions): Promise<StopResult> {
    const active = isActive(this.rec.state);
    run.stopAsked = true;
    run.abort.abort();
    const grace = o.timeoutMs ?? this.service.stopTimeoutMs;
    if (active) this.apply('stop');
    const t0 = Date.now();
    const target = this.stopTarget(run);
    const onTerm = () => active && this.ctx.emit({ kind: 'service:stopping', service: this.name, graceMs: grace, ...stopVia(this.rec, !!this.ctx.plan.launch.stopExec) });
    const res = await stopService(target, grace, o.procs, o.hurry, onTerm);
    // its output drained and its exit recorded (bounded: spawn waits briefly for held pipes).
    // A leader that outlives SIGKILL (uninterruptible sleep, a zombie nobody reaps) never
    // reports its exit: the stop ends anyway, and says it could not stop it
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([run.exited.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), EXIT_WAIT_MS)))]);
    clearTimeout(timer);
    if (!exited && !res.survivors.some((p) => p.pid === run.pid)) res.survivors.push({ pid: run.pid, ppid: 0, pgid: run.pgid, startTime: run.startTime, state: '?' });
    if (active || !exited) {
      const left = res.survivors.length;
      if (left) this.apply('stuck', { reason: `could not be stopped: ${left} process${left === 1 ? '' : 'es'} did not exit after SIGKILL (pids ${res.survivors.map((p) => p.pid).join(', ')})` });
      else this.apply(active ? 'stopped' : 'stop');
    }
    if (res.signalled) this.ctx.emit({ kind: 'service:stopped', service: this.name, forced: res.forced, ms: Date.now() - t0 });
    return res;
  }

  /**
   * devnet pause (SIGSTOP to its whole tree) and resume (SIGCONT). Only a ready (or
   * unhealthy) run is paused: one still starting has no readiness yet to keep. A stop of a
   * paused service wakes it with its SIGTERM (stop.ts).
   */
  pause(): boolean {
    const run = this.run;
    if (!run || (this.rec.state !== 'ready' && this.rec.state !== 'unhealthy')) return false;
    signalService(this.stopTarget(run), 'SIGSTOP');
    this.apply('pause', { reason: undefined });
    this.marker('paused (devnet pause)');
    return true;
  }

  resume(): boolean {
    const run = this.run;
    if (!run || this.rec.state !== 'paused') return false;
    signalService(this.stopTarget(run), 'SIGCONT');
    this.apply('resume');
    this.marker('resumed (devnet resume)');
    return true;
  }

  private stopTarget(run: Run) {
    const l = this.ctx.plan.launch;
    const x = l.stopExec;
    const stopExec = x && { file: x.shell ? '/bin/sh' : x.file, args: x.shell ? ['-c', x.file] : x.args, cwd: l.cwd, env: { ...l.env, ...x.values } };
    return { name: this.name, pid: run.pid, pgid: run.pgid, startTime: run.startTime, runId: this.ctx.runId, stopTimeoutMs: this.service.stopTimeoutMs, container: this.rec.container, signal: this.service.stopSignal, ...(stopExec ? { stopExec } : {}) };
  }

  /** Its log, for the runner that replaces it; this one writes no more. */
  takeLog(): ServiceLog | undefined {
    const log = this.log;
    this.log = undefined;
    return log;
  }

  /** The log file is closed once the supervisor is done with the service. */
  close(): Promise<void> {
    return this.log?.close() ?? Promise.resolve();
  }
}
