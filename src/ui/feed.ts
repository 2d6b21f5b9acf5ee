// What devnet ui reads of a running stack, without asking its supervisor: the state file it
// keeps (each service's state, pid, ports, restarts), whether the supervisor itself is alive,
// the services' log files from where they are, and, once a second, the CPU and memory of each
// service's whole process tree. Bounded: each service keeps its last lines, so a flood of
// output costs its reading, never memory.
import { statSync } from 'node:fs';
import { LogCursor, mergeByTime, type LogLine } from '../service/log/log-reader.js';
import { platform, adoptPlatform } from '../platform/index.js';
import { isFrozen, isSameProcess } from '../platform/identity.js';
import { indexProcesses, processTree, processesWithMarker, scanProcesses } from '../platform/proc-scan.js';
import type { StatePaths } from '../state/paths.js';
import { readState, type StackState } from '../state/store.js';
import type { SupervisorState, UiLine, Usage } from './model.js';

/**
 * Lines kept for the log pane: of the selected service (read from its file when it is
 * selected), and of all services merged by time. Only those two are kept, whatever the
 * number of services: 100 services each keeping its own would hold most of the UI's memory.
 */
export const KEEP_SELECTED = 1000;
export const KEEP_ALL = 2000;
/**
 * Lines parsed per poll: of the selected service, and of each other service, so that all of
 * them together fill the merged pane once. A flood past what a person can read is passed over
 * as bytes (devnet logs has every line); the merged pane then shows each service's newest.
 */
const PER_POLL_SELECTED = 200;
const perPollOthers = (services: number) => Math.max(10, Math.ceil(KEEP_ALL / Math.max(1, services) / 4));
/** What is read of a log when the UI opens, or its service is selected: its newest lines, not its history. */
const OPEN_BYTES = 128 * 1024;

class Ring {
  lines: UiLine[] = [];
  constructor(private readonly keep: number) {}
  push(batch: UiLine[]): void {
    if (!batch.length) return;
    this.lines = this.lines.length + batch.length <= this.keep ? this.lines.concat(batch) : this.lines.concat(batch.slice(-this.keep)).slice(-this.keep);
  }
}

export class StackFeed {
  private readonly cursors = new Map<string, LogCursor>();
  private readonly all = new Ring(KEEP_ALL);
  private selected: { name: string; ring: Ring } | undefined;
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
    const batches: LogLine[][] = [];
    for (const name of names) {
      let c = this.cursors.get(name);
      if (!c) {
        c = new LogCursor(name, this.paths.logFile(name));
        c.startNear(OPEN_BYTES);
        this.cursors.set(name, c);
      }
      const read = c.read(undefined, name === this.selected?.name ? PER_POLL_SELECTED : perPollOthers(names.length));
      if (read.length) batches.push(read);
    }
    if (!batches.length) return false;
    // one time order for the merged pane; each line's seq is its place in it
    const merged = mergeByTime(batches).slice(-KEEP_ALL);
    const lines = merged.map((l) => ({ seq: ++this.seq, service: l.service, at: l.at, text: l.line }));
    this.all.push(lines);
    const sel = this.selected;
    if (sel) sel.ring.push(lines.filter((l) => l.service === sel.name));
    return true;
  }

  /** The pane's lines: all services' (service undefined), or one service's, read from its file when it is newly selected. */
  lines(service: string | undefined): readonly UiLine[] {
    if (service === undefined) return this.all.lines;
    if (this.selected?.name !== service) {
      const ring = new Ring(KEEP_SELECTED);
      const c = new LogCursor(service, this.paths.logFile(service));
      c.startNear(OPEN_BYTES);
      // up to where readLogs has read it: what comes after arrives through readLogs, once
      const upTo = this.cursors.get(service)?.position;
      if (upTo === undefined || upTo > c.position) ring.push(c.read(undefined, KEEP_SELECTED, upTo).map((l) => ({ seq: ++this.seq, service, at: l.at, text: l.line })));
      this.selected = { name: service, ring };
    }
    return this.selected.ring.lines;
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
    // one index of the table for all the trees
    const index = indexProcesses(procs);
    const runId = this.record!.runId;
    const trees = services.map((r) => {
      const pids = isSameProcess({ pid: r.pid!, startTime: r.startTime! }) ? processTree(r.pid!, r.pgid!, procs, index).map((p) => p.pid) : [];
      // a container's processes are the engine's children, not the docker CLI's: they carry the run's marker
      if (r.container) pids.push(...processesWithMarker(runId, r.name, procs, r.startTime).map((p) => p.pid).filter((p) => !pids.includes(p)));
      return { r, pids };
    });
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
