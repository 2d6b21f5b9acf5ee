// Every state a service can be in and the moves between them. The runner moves only along
// this table, so a state the code did not plan for is a bug caught where it happens.
import type { ServiceState } from '../state/store.js';

export const TRANSITIONS: Readonly<Record<ServiceState, readonly ServiceState[]>> = {
  pending: ['starting', 'stopped'],
  starting: ['running', 'failed', 'stopping'],
  running: ['ready', 'completed', 'exited', 'failed', 'stopping'],
  ready: ['unhealthy', 'exited', 'failed', 'stopping'],
  unhealthy: ['ready', 'exited', 'failed', 'stopping'],
  stopping: ['stopped', 'failed'],
  stopped: ['starting', 'restarting'],
  completed: ['starting', 'restarting'],
  exited: ['starting', 'restarting', 'stopped', 'failed'],
  failed: ['starting', 'restarting', 'stopped'],
  restarting: ['starting', 'stopped'],
};

export class TransitionError extends Error {
  constructor(service: string, from: ServiceState, to: ServiceState) {
    super(`service ${service}: no move from ${from} to ${to}`);
  }
}

export function canMove(from: ServiceState, to: ServiceState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

export function assertMove(service: string, from: ServiceState, to: ServiceState): void {
  if (!canMove(from, to)) throw new TransitionError(service, from, to);
}
