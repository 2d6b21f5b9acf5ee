// What the supervisor does for each control request. Events of the request's services reach
// the client while it runs (output at most ten lines a second per service; the logs have all).
import { trace } from '../trace.js';
import { DevnetError } from '../errors.js';
import { nullProtoDeep } from '../stack/own.js';
import type { ReadyService } from '../events.js';
import { throttleLogs } from './log-throttle.js';
import type { Supervisor } from './supervisor.js';
import type { ControlHandler } from './control-server.js';

/** `requestStop`: the stack's own stop (as on SIGTERM), which ends the supervisor once the services are stopped. */
export function controlHandler(supervisor: Supervisor, requestStop: (timeoutMs?: number) => void, stateDir: string): ControlHandler {
  return async (req, send) => {
    // a socket path shared by two stacks (a planted or colliding name) must not steer the wrong one
    if (req.stateDir !== undefined && req.stateDir !== stateDir)
      throw new DevnetError(`this devnet supervisor runs stack ${supervisor.state.stackId} (${stateDir}), not the one asked for (${req.stateDir})`, { hint: 'nothing was done; devnet ls lists what runs where' });
    trace(`request ${req.op}`);
    const names = req.services ?? [];
    const forward = throttleLogs((event) => send({ type: 'event', event }));
    if (req.op !== 'down' && req.op !== 'ping' && !supervisor.started)
      throw new DevnetError(`stack ${supervisor.state.stackId} is still starting`, { hint: 'wait until devnet up reports it up (devnet status shows where it is), then ask again' });
    const unsubscribe = supervisor.subscribe(forward);
    try {
      let acted: string[] = [];
      switch (req.op) {
        case 'ping':
          break;
        case 'start':
          acted = (await supervisor.startServices(names)).services;
          break;
        case 'stop':
          acted = (await supervisor.stopServices(names, { withDependents: req.withDependents, timeoutMs: req.timeoutMs })).services;
          break;
        case 'restart':
          acted = (await supervisor.restartServices(names)).services;
          break;
        case 'config':
          return { type: 'done', services: [], config: supervisor.configOf(names, req.reveal) };
        case 'pause':
        case 'resume':
          acted = (await supervisor.pauseServices(names, req.op === 'resume')).services;
          break;
        case 'apply':
          if (!req.stack) throw new DevnetError('an apply request carries no stack');
          acted = (await supervisor.applyStack(nullProtoDeep(req.stack), req.services ?? [], { dryRun: req.dryRun, processEnv: req.env, scale: req.scale, ...(req.why !== undefined ? { why: req.why } : {}) })).services;
          break;
        case 'scale':
          if (req.group === undefined || req.count === undefined) throw new DevnetError('a scale request names no service and count');
          acted = (await supervisor.scale(req.group, req.count, { dryRun: req.dryRun })).services;
          break;
        case 'down':
          acted = supervisor.services;
          requestStop(req.timeoutMs);
          // answered once the services are stopped; the supervisor exits after
          await supervisor.stopAll();
          return { type: 'done', services: acted.map((n) => describe(supervisor, n)), proven: await supervisor.provenStopped() };
      }
      return { type: 'done', services: acted.map((n) => describe(supervisor, n)) };
    } finally {
      unsubscribe();
    }
  };
}

function describe(supervisor: Supervisor, name: string): ReadyService {
  const r = supervisor.state.services[name]!;
  return { name, url: r.url, ports: r.ports, pid: r.pid };
}
