// devnet status: the state file checked against the living processes.
import { dict } from '../stack/own.js';
import type { StatePaths } from '../state/paths.js';
import { withPlatform } from '../platform/index.js';
import { isSameProcess } from '../state/proc.js';
import { isActive, isRecordAlive, readState, type LastExit, type ServiceState, type StackState } from '../state/store.js';
import { degradedBy } from './policies/degraded.js';

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
}

export interface StackStatus {
  stack: string;
  up: boolean;
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

export function stackStatus(paths: StatePaths, stackName: string): StackStatus {
  const state = readState(paths.stateFile);
  if (!state) return { stack: paths.stackId || stackName, up: false, services: [] };
  return withPlatform(state.platform, () => statusOf(state));
}

function statusOf(state: StackState): StackStatus {
  const services = state.services;
  const names = [...state.order, ...Object.keys(services).filter((n) => !state.order.includes(n))];
  const list = names.map((name): ServiceStatus => {
    const r = services[name]!;
    const alive = isRecordAlive(r);
    let st = r.state;
    // the record says running but the process is gone: it died while nobody watched
    if (!alive && (isActive(st) || st === 'stopping')) st = 'exited';
    return {
      name,
      state: st,
      pid: alive ? r.pid : undefined,
      ports: r.ports,
      url: alive ? r.url : undefined,
      uptimeSeconds: alive && r.startedAt ? Math.round((Date.now() - Date.parse(r.startedAt)) / 1000) : undefined,
      exitCode: r.exitCode,
      restarts: r.restarts ?? 0,
      lastExit: r.lastExit,
      reason: r.reason,
    };
  });
  const degraded = degradedBy(dict(list.map((s) => [s.name, { state: s.state, dependsOn: services[s.name]!.dependsOn }])));
  for (const s of list) s.degradedBy = degraded[s.name];
  // a live supervisor with every service stopped on request is still up: start brings them back
  return { stack: state.stackId, up: isSameProcess(state.supervisor) || list.some((s) => s.pid !== undefined), startedAt: state.startedAt, services: list };
}

/** The `--json` shape of status, shared by `status --json` and `up --json`. */
export function statusJson(st: StackStatus) {
  return {
    stack: st.stack,
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
    })),
  };
}
