// What a down says: the plain reporter, the live view, devnet down and the early down
// (bin/devnet.cjs, when it finishes a plain down before the CLI loads) say it in these words.
import { formatDuration } from './uptime.js';

/** A plain line (without its newline): its tag in a column of six, as the plain reporter writes every event. */
export const taggedLine = (tag: string, text: string): string => `${tag.padEnd(6)} ${text}`;

/** The first line of a command on a stack: which stack, from which file. */
export const stackLine = (stackId: string, shownFile: string): string => `stack ${stackId} (${shownFile})`;

export const stackStoppingText = (stack: string, supervisorPid: number, ms: number): string =>
  `stack ${stack}: its supervisor (pid ${supervisorPid}) stops the services, dependents first; waiting up to ${formatDuration(ms)}`;

export const serviceStoppedText = (service: string, forced: boolean): string => `${service}${forced ? ' (killed after its grace period)' : ''}`;

/** The last line of a down that stopped everything; `heldByOther`: a port is held by a process not of this stack. */
export const downText = (stackId: string, heldByOther: boolean): string =>
  `stack ${stackId} is down; ${heldByOther ? 'its processes are gone, but a port is held by another process (above)' : 'all ports free'}`;

interface DownOutcome {
  wasUp: boolean;
  held: { service: string; port: number; owner?: { pid: number; command?: string } }[];
}

/** devnet down --json: the stack, then the result, with each holder of a port as pid and command. */
export function downJson<R extends DownOutcome>(stackId: string, result: R): Omit<R, 'held'> & { stack: string; held: { service: string; port: number; owner?: { pid: number; command?: string } }[] } {
  return { stack: stackId, ...result, held: result.held.map((h) => ({ service: h.service, port: h.port, owner: h.owner && { pid: h.owner.pid, command: h.owner.command } })) };
}
