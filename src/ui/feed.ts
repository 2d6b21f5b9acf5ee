// What devnet ui reads of a running stack, without asking its supervisor: the state file it
// keeps (each service's state, pid, ports, restarts), whether the supervisor itself is alive,
// the services' log files from where they are, and, once a second, the CPU and memory of each
// service's whole process tree. Bounded: each service keeps its last lines, so a flood of
// output costs its reading, never memory.
import { statSync } from 'node:fs';
import { LogCursor, mergeByTime } from '../service/log/log-reader.js';
import { platform, adoptPlatform } from '../platform/index.js';
import { isFrozen, isSameProcess } from '../platform/identity.js';
import { processTree, scanProcesses } from '../platform/proc-scan.js';
import type { StatePaths } from '../state/paths.js';
import { readState, type StackState } from '../state/store.js';
import type { SupervisorState, UiLine, Usage } from './model.js';

/** Lines kept per service, and for the merged view of all. */
export const KEEP_PER_SERVICE = 2000;
export const KEEP_ALL = 5000;
/** What is read of each log when the UI opens: its newest lines, not its history. */
const OPEN_BYTES = 256 * 1024;

class Ring {
  lines: UiLine[] = [];
  constructor(private readonly keep: number) {}
  push(batch: UiLine[]): void {
    if (!batch.length) return;
    this.lines = this.lines.length + batch.length <= this.keep ? this.lines.concat(batch) : this.lines.concat(batch).slice(-this.keep);
  }
}

export class StackFeed {
  private readonly cursors = new Map<string, LogCursor>();
  private readonly perService = new Map<string, Ring>();
  private readonly all = new Ring(KEEP_ALL);
  private seq = 0;
  private lastCpu = new Map<string, { cpuMs: number; at: number }>();
  record: StackState | undefined;

  constructor(private readonly paths: StatePaths) {}

  private seen = '';

  /**
   * The state file now (the last one read when it is gone: the stack is down), the
   * supervisor's liveness, and whether the file changed since the last read (it is parsed
   * only then: its size and time tell).
   */
  readRecord(): { record: StackState | undefined; supervisor: SupervisorState; changed: boolean } {
    let sig = 'gone';
    try {
      const st = statSync(this.paths.stateFile);
      sig = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      // no state file: the stack is down
    }
    const changed = sig !== this.seen;
    if (changed) {
      this.seen = sig;
      let record: StackState | undefined;
      try {
        record = readState(this.paths.stateFile);
      } catch {
        record = undefined;
      }
      if (record) adoptPlatform(record.platform);
      this.record = record ?? this.record;
    }
    const sup = this.record?.supervisor;
    const supervisor: SupervisorState = !sup || !isSameProcess(sup) ? 'gone' : isFrozen(sup.pid) ? 'frozen' : 'alive';
    return { record: this.record, supervisor, changed };
  }

  /** New log lines of every service: true when any arrived. */
  readLogs(names: readonly string[]): boolean {
    const batches: UiLine[][] = [];
    for (const name of names) {
      let c = this.cursors.get(name);
      if (!c) {
        c = new LogCursor(name, this.paths.logFile(name));
        c.startNear(OPEN_BYTES);
        this.cursors.set(name, c);
      }
      const read = c.read();
      if (!read.length) continue;
      const batch = read.slice(-KEEP_PER_SERVICE).map((l) => ({ seq: 0, service: name, at: l.at, text: l.line }));
      batches.push(batch);
    }
    if (!batches.length) return false;
    // one time order for the merged pane; each line's seq is its place in it
    const merged = mergeByTime(batches.map((b) => b.map((l) => ({ service: l.service, at: l.at, stream: 'out' as const, line: l.text }))));
    const lines = merged.map((l) => ({ seq: ++this.seq, service: l.service, at: l.at, text: l.line }));
    const byService = new Map<string, UiLine[]>();
    for (const l of lines) {
      const list = byService.get(l.service);
      if (list) list.push(l);
      else byService.set(l.service, [l]);
    }
    for (const [name, batch] of byService) {
      let ring = this.perService.get(name);
      if (!ring) this.perService.set(name, (ring = new Ring(KEEP_PER_SERVICE)));
      ring.push(batch);
    }
    this.all.push(lines.slice(-KEEP_ALL));
    return true;
  }

  lines(service: string | undefined): readonly UiLine[] {
    if (service === undefined) return this.all.lines;
    return this.perService.get(service)?.lines ?? [];
  }

  /** CPU% since the last call and resident memory, of each running service's whole process tree. */
  readUsage(now = Date.now()): Map<string, Usage> {
    const out = new Map<string, Usage>();
    const services = Object.values(this.record?.services ?? {}).filter((r) => r.pid !== undefined && r.pgid !== undefined && r.startTime !== undefined);
    if (!services.length) return out;
    let procs;
    try {
      procs = scanProcesses();
    } catch {
      return out;
    }
    const trees = services.map((r) => ({ r, pids: isSameProcess({ pid: r.pid!, startTime: r.startTime! }) ? processTree(r.pid!, r.pgid!, procs).map((p) => p.pid) : [] }));
    let usage;
    try {
      usage = platform().usage(trees.flatMap((t) => t.pids));
    } catch {
      return out;
    }
    const next = new Map<string, { cpuMs: number; at: number }>();
    for (const { r, pids } of trees) {
      if (!pids.length) continue;
      let cpuMs = 0;
      let rssBytes = 0;
      for (const pid of pids) {
        const u = usage.get(pid);
        if (u) [cpuMs, rssBytes] = [cpuMs + u.cpuMs, rssBytes + u.rssBytes];
      }
      const key = `${r.name}:${r.pid}`;
      const last = this.lastCpu.get(key);
      next.set(key, { cpuMs, at: now });
      const cpuPercent = last && now > last.at ? Math.max(0, ((cpuMs - last.cpuMs) / (now - last.at)) * 100) : 0;
      out.set(r.name, { cpuPercent, rssBytes });
    }
    this.lastCpu = next;
    return out;
  }
}
