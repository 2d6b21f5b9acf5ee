// A fake clock and a fake service for policy tests: time moves only when the test says.
import type { Service } from '../../stack/model.js';
import type { ServiceRecord, ServiceState } from '../../state/store.js';
import type { Clock } from '../../async/clock.js';
import type { ExitInfo, ReadyInfo } from '../../service/runner.js';
import { mustMove, type ServiceEvent } from '../../service/table.js';
import type { PolicyTarget } from './target.js';

export class FakeClock implements Clock {
  t = 0;
  private sleepers: { at: number; resolve: (ok: boolean) => void }[] = [];
  readonly sleeps: number[] = [];
  now = () => this.t;
  sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<boolean>((resolve) => {
      this.sleeps.push(ms);
      if (signal?.aborted) return resolve(false);
      // the listener goes when the sleep ends either way, as realClock's does
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        resolve(false);
      };
      const s = {
        at: this.t + ms,
        resolve: (ok: boolean) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(ok);
        },
      };
      this.sleepers.push(s);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  /** Moves time on, waking sleepers due, and lets their continuations run. */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      const next = this.sleepers.filter((s) => s.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve(true);
      await flush();
    }
    this.t = until;
    await flush();
  }
}

export const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export class FakeTarget implements PolicyTarget {
  readonly rec: ServiceRecord;
  readonly markers: string[] = [];
  private readonly ready = new Set<(r: ReadyInfo) => void>();
  private readonly exit = new Set<(e: ExitInfo) => void>();
  private readonly stop = new Set<() => void>();
  constructor(
    readonly name: string,
    readonly service: Service,
  ) {
    this.rec = { name, state: 'pending', ports: {}, logFile: '/dev/null', stopTimeoutMs: 1000, dependsOn: [] };
  }
  get state(): ServiceState {
    return this.rec.state;
  }
  onReady = (fn: (r: ReadyInfo) => void) => void this.ready.add(fn);
  onExit = (fn: (e: ExitInfo) => void) => void this.exit.add(fn);
  onStop = (fn: () => void) => void this.stop.add(fn);
  private readonly unhealthy = new Set<(reason: string) => void>();
  onUnhealthy = (fn: (reason: string) => void) => void this.unhealthy.add(fn);
  /** the runner's table, without its gates */
  apply = (event: ServiceEvent, extra: Partial<ServiceRecord> = {}) => {
    const m = mustMove(this.name, this.rec.state, event);
    Object.assign(this.rec, extra, { state: m.to });
    if (m.does === 'notify-unhealthy') queueMicrotask(() => this.unhealthy.forEach((fn) => fn(this.rec.reason ?? '')));
  };
  marker = (text: string) => void this.markers.push(text);
  lastLines = () => ['last line'];
  /** test drivers */
  becomeReady(info: Partial<ReadyInfo> = {}): AbortController {
    const ac = new AbortController();
    if (this.rec.state !== 'starting' && this.rec.state !== 'running') this.apply('start');
    if (this.rec.state === 'starting') this.apply('spawned');
    this.apply('ready');
    for (const fn of this.ready) fn({ signal: ac.signal, ...info });
    return ac;
  }
  crash(code: number | null = 1, signal: string | null = null): void {
    this.apply(code === 0 ? 'exit' : 'crash');
    for (const fn of this.exit) fn({ code, signal, wasReady: true });
  }
  askStop(): void {
    for (const fn of this.stop) fn();
  }
}
