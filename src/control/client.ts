// A command's end of the control channel: sends one request, passes the supervisor's events
// on as they come, and resolves with its answer.
import { connect, type Socket } from 'node:net';
import { DevnetError, NoSupervisorError, UnresponsiveSupervisorError, deserializeError } from '../errors.js';
import type { ReadyService, RunEvent } from '../events.js';
import { SILENCE_MS, type ControlReply, type ControlRequest } from './protocol.js';

/** `timeoutMs`: give up waiting for the answer (a wedged supervisor) with a DevnetError. */
export async function controlRequest(path: string, req: ControlRequest, onEvent: (e: RunEvent) => void = () => {}, timeoutMs?: number, silenceMs = SILENCE_MS): Promise<ReadyService[]> {
  return (await controlExchange(path, req, onEvent, timeoutMs, silenceMs)).services;
}

/** The same, resolving with the whole answer (config's resolved services). */
export async function controlExchange(path: string, req: ControlRequest, onEvent: (e: RunEvent) => void = () => {}, timeoutMs?: number, silenceMs = SILENCE_MS): Promise<Extract<ControlReply, { type: 'done' }>> {
  const sock = connect(path);
  sock.once('connect', () => sock.write(`${JSON.stringify(req)}\n`));
  return readAnswer(sock, path, onEvent, timeoutMs, silenceMs);
}

/** The answer to a request sent on `sock` (listened for from before it connects: nothing is missed). */
export function readAnswer(sock: Socket, path: string, onEvent: (e: RunEvent) => void = () => {}, timeoutMs?: number, silenceMs = SILENCE_MS): Promise<Extract<ControlReply, { type: 'done' }>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let buf = '';
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(() => reject(new DevnetError(`the devnet supervisor did not answer within ${timeoutMs / 1000}s`))), timeoutMs);
    // a working supervisor says so every second; silence means it is frozen (SIGSTOP) or wedged
    let silence: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(
        () =>
          settle(() =>
            reject(
              new UnresponsiveSupervisorError(`the devnet supervisor on ${path} stopped answering (nothing for ${silenceMs / 1000}s): it is frozen or wedged`, {
                hint: 'devnet status shows its state; devnet down stops it and the stack',
              }),
            ),
          ),
        silenceMs,
      );
    };
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(silence);
      fn();
      sock.destroy();
    };
    heard();
    const received = (chunk: Buffer) => {
      heard();
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let r: ControlReply;
        try {
          r = JSON.parse(line) as ControlReply;
        } catch {
          continue;
        }
        if (r.type === 'beat') continue;
        if (r.type === 'event') onEvent(r.event);
        else if (r.type === 'done') settle(() => resolve(r));
        else settle(() => reject(deserializeError(r.error)));
      }
    };
    const failed = (e: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? new NoSupervisorError(`no devnet supervisor answers on ${path}`, { hint: 'the stack is not up, or its supervisor was killed: devnet down stops what is left' })
            : e.code === 'EACCES'
              ? new DevnetError(`cannot open ${path}: permission denied`, { hint: 'the stack was started by another user' })
              : e.code === 'ECONNRESET' || e.code === 'EPIPE'
                ? new DevnetError(`the devnet supervisor on ${path} closed the connection before it answered (${e.code})`, { hint: 'it may be busy with many clients; try again, or devnet status' })
                : new DevnetError(`cannot talk to the devnet supervisor on ${path}: ${e.code ?? e.message}`),
        ),
      );
    const closed = () => settle(() => reject(new DevnetError('the devnet supervisor closed the control channel before it answered', { hint: 'devnet status shows what runs' })));
    sock.on('data', received);
    sock.once('error', failed);
    sock.once('close', closed);
  });
}
