// A command's end of the control channel: sends one request, passes the supervisor's events
// on as they come, and resolves with its answer.
import { connect } from 'node:net';
import { DevnetError, NoSupervisorError, deserializeError } from '../../errors.js';
import type { ReadyService, RunEvent } from '../../report/events.js';
import type { ControlReply, ControlRequest } from './protocol.js';

/** `timeoutMs`: give up waiting for the answer (a wedged supervisor) with a DevnetError. */
export async function controlRequest(path: string, req: ControlRequest, onEvent: (e: RunEvent) => void = () => {}, timeoutMs?: number): Promise<ReadyService[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let settled = false;
    let buf = '';
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(() => reject(new DevnetError(`the devnet supervisor did not answer within ${timeoutMs / 1000}s`))), timeoutMs);
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      sock.destroy();
    };
    sock.once('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (chunk: Buffer) => {
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
        if (r.type === 'event') onEvent(r.event);
        else if (r.type === 'done') settle(() => resolve(r.services));
        else settle(() => reject(deserializeError(r.error)));
      }
    });
    sock.once('error', (e: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? new NoSupervisorError(`no devnet supervisor answers on ${path}`, { hint: 'the stack is not up, or its supervisor was killed: devnet down stops what is left' })
            : e.code === 'EACCES'
              ? new DevnetError(`cannot open ${path}: permission denied`, { hint: 'the stack was started by another user' })
              : e,
        ),
      ),
    );
    sock.once('close', () => settle(() => reject(new DevnetError('the devnet supervisor closed the control channel before it answered', { hint: 'devnet status shows what runs' }))));
  });
}
