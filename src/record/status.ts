// devnet status: the state file checked against the living processes.
import { dict } from '../stack/own.js';
import type { StatePaths } from '../state/paths.js';
import { platform, withPlatform } from '../platform/index.js';
import { ownerLookup } from '../ports/owners.js';
import { readSocketTable } from '../ports/socket-table.js';
import { conflicts } from '../stack/address-conflict.js';
import { processTree, processesWithMarker, scanProcesses } from '../platform/proc-scan.js';
import type { ProcStat } from '../platform/identity.js';
import { statSync } from 'node:fs';
import { isFrozen, isSameProcess } from '../platform/identity.js';
import { isActive, isRecordAlive, readState, type LastExit, type ServiceState, type StackState } from '../state/store.js';
import { degradedBy } from './degraded.js';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  pid?: number;
  ports: Record<string, number>;
  url?: string;
  uptimeSeconds?: number;
  exitCode?: number | null;
  restarts: number;
  lastExit?: LastExit;
  /** why it is failed or unhealthy */
  reason?: string;
  /** it runs, but these dependencies are down */
  degradedBy?: string[];
  /** the replicated service it is a replica of */
  replicaOf?: string;
  /** an engine service: its container's name */
  container?: string;
  /** ready, but a port of it is not its own now: nothing listens there, or another process does */
  portLost?: string;
}

/** The devnet process that supervises the run: alive, frozen (SIGSTOP, Ctrl-Z) or gone. */
export interface SupervisorStatus {
  pid: number;
  state: 'alive' | 'frozen' | 'gone';
  /** when it last wrote the run's state: for a gone supervisor, the last sign of life */
  lastSeen?: string;
}

export interface StackStatus {
  stack: string;
  up: boolean;
  /** absent when the stack was never up here */
  supervisor?: SupervisorStatus;
  /** services run, but nothing supervises them (no restarts, no health checks, output unread) */
  unsupervised: boolean;
  /** when the run went up, from its state */
  startedAt?: string;
  services: ServiceStatus[];
}

/** A recorded run still running: its supervisor or any of its services. A damaged state is not. */
export function runIsLive(paths: StatePaths): boolean {
  let state;
  try {
    state = readState(paths.stateFile);
  } catch {
    return false;
  }
  if (!state) return false;
  return withPlatform(state.platform, () => isSameProcess(state.supervisor) || Object.values(state.services).some(isRecordAlive));
}

/** `checkPorts`: also prove each ready service still holds its ports (devnet status; a table read and a process scan). */
export function stackStatus(paths: StatePaths, stackName: string, o: { checkPorts?: boolean } = {}): StackStatus {
  const state = readState(paths.stateFile);
  if (!state) return { stack: paths.stackId || stackName, up: false, unsupervised: false, services: [] };
  return withPlatform(state.platform, () => statusOf(state, paths, !!o.checkPorts));
}

function supervisorOf(state: StackState, paths: StatePaths): SupervisorStatus {
  const alive = isSameProcess(state.supervisor);
  let lastSeen: string | undefined;
  try {
    lastSeen = statSync(paths.stateFile).mtime.toISOString();
  } catch {
    // removed meanwhile
  }
  return { pid: state.supervisor.pid, state: !alive ? 'gone' : isFrozen(state.supervisor.pid) ? 'frozen' : 'alive', lastSeen };
}

function statusOf(state: StackState, paths: StatePaths, checkPorts: boolean): StackStatus {
  const services = state.services;
  const names = [...state.order, ...Object.keys(services).filter((n) => !state.order.includes(n))];
  let procs: ProcStat[] | undefined;
  const list = names.map((name): ServiceStatus => {
    const r = services[name]!;
    let alive = isRecordAlive(r);
    let pid = alive ? r.pid : undefined;
    let st = r.state;
    // a container outlives its docker CLI: its processes carry the run's marker
    if (!alive && r.container && (isActive(st) || st === 'stopping')) {
      const inside = processesWithMarker(state.runId, name, (procs ??= scanProcesses()), r.startTime ?? 0);
      if (inside.length) [alive, pid] = [true, inside.reduce((a, b) => (a.startTime <= b.startTime ? a : b)).pid];
    }
    // the record says running but the process is gone: it died while nobody watched
    if (!alive && (isActive(st) || st === 'stopping')) st = 'exited';
    return {
      name,
      state: st,
      pid,
      ports: r.ports,
      url: alive ? r.url : undefined,
      uptimeSeconds: alive && r.startedAt ? Math.round((Date.now() - Date.parse(r.startedAt)) / 1000) : undefined,
      exitCode: r.exitCode,
      restarts: r.restarts ?? 0,
      lastExit: r.lastExit,
      reason: r.reason,
      ...(r.replicaOf ? { replicaOf: r.replicaOf } : {}),
      ...(r.container ? { container: r.container.name } : {}),
    };
  });
  if (checkPorts) markLostPorts(list, services);
  const degraded = degradedBy(dict(list.map((s) => [s.name, { state: s.state, dependsOn: services[s.name]!.dependsOn, replicaOf: services[s.name]!.replicaOf }])));
  for (const s of list) s.degradedBy = degraded[s.name];
  const supervisor = supervisorOf(state, paths);
  const running = list.some((s) => s.pid !== undefined);
  // a live supervisor with every service stopped on request is still up: start brings them back
  return { stack: state.stackId, up: supervisor.state !== 'gone' || running, supervisor, unsupervised: supervisor.state === 'gone' && running, startedAt: state.startedAt, services: list };
}

/**
 * A ready service's ports are its own: checked against the listener table (one read), and
 * the holder against the service's process tree (one scan) only when something listens. A
 * service that closed its port, or whose port a stray took, is not simply ready.
 */
function markLostPorts(list: ServiceStatus[], records: StackState['services']): void {
  const ready = list.filter((s) => s.pid !== undefined && (s.state === 'ready' || s.state === 'unhealthy' || s.state === 'paused') && Object.keys(s.ports).length);
  if (!ready.length) return;
  let table;
  try {
    table = readSocketTable();
  } catch {
    return; // the tables cannot be read: status says what the record says
  }
  let procs: ReturnType<typeof scanProcesses> | undefined;
  for (const s of ready) {
    const r = records[s.name]!;
    for (const port of Object.values(s.ports)) {
      const ls = table.on(port).filter((l) => r.host === undefined || conflicts(l, r.host));
      if (!ls.length) {
        s.portLost = `port ${port} is not listening`;
        break;
      }
      if (r.ownsPorts === false) continue;
      // the leader first, where most services listen; the whole tree (one scan) only otherwise
      if (platform().heldBy(ls, [r.pid!])) continue;
      procs ??= scanProcesses();
      const tree = processTree(r.pid!, r.pgid ?? r.pid!, procs).map((p) => p.pid);
      if (!platform().heldBy(ls, tree)) {
        const owner = ownerLookup(ls)(ls);
        s.portLost = `port ${port} is held by ${owner ? `pid ${owner.pid} (${owner.command.slice(0, 60)})` : 'another process'}, not by the service`;
        break;
      }
    }
  }
}

/** The line status, ls and doctor give a run whose supervisor is not there to supervise it. */
export function supervisorProblem(st: StackStatus): { message: string; hint: string } | undefined {
  const sv = st.supervisor;
  if (!sv || !st.up) return undefined;
  const running = st.services.filter((s) => s.pid !== undefined).length;
  const seen = sv.lastSeen ? `; last heard from ${sv.lastSeen.replace('T', ' ').slice(0, 19)} UTC` : '';
  if (sv.state === 'gone')
    return {
      message: `unsupervised: the devnet that ran stack ${st.stack} (pid ${sv.pid}) is gone${seen}; ${running} service${running === 1 ? '' : 's'} still run${running === 1 ? 's' : ''} with nothing to restart, health-check or log ${running === 1 ? 'it' : 'them'}`,
      hint: 'devnet down stops what is left; then devnet up',
    };
  if (sv.state === 'frozen')
    return { message: `the devnet that runs stack ${st.stack} (pid ${sv.pid}) is frozen (stopped by a signal, or Ctrl-Z): nothing is supervised until it runs again`, hint: `kill -CONT ${sv.pid} (or fg in its terminal), or devnet down` };
  return undefined;
}

/** The `--json` shape of status, shared by `status --json` and `up --json`. */
export function statusJson(st: StackStatus) {
  return {
    stack: st.stack,
    ...(st.supervisor ? { supervisor: st.supervisor } : {}),
    unsupervised: st.unsupervised,
    services: st.services.map((s) => ({
      name: s.name,
      state: s.state,
      pid: s.pid ?? null,
      ports: s.ports,
      ...(s.url ? { url: s.url } : {}),
      uptime: s.uptimeSeconds ?? null,
      restarts: s.restarts,
      lastExit: s.lastExit ?? null,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.degradedBy ? { degradedBy: s.degradedBy } : {}),
      ...(s.portLost ? { portLost: s.portLost } : {}),
      ...(s.container ? { container: s.container } : {}),
    })),
  };
}
