// The supervisor's end of the control channel. Created 0600 (umask while it binds, chmod
// after) in the 0700 state folder: only the user who started the stack can steer it.
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { serializeError } from '../../errors.js';
import { ensurePrivateDir } from '../../state/private-fs.js';
import { MAX_REQUEST_BYTES, type ControlReply, type ControlRequest } from './protocol.js';

export type ControlHandler = (req: ControlRequest, send: (r: ControlReply) => void) => Promise<ControlReply & { type: 'done' }>;

/** Listens until the returned close is called. */
export async function serveControl(path: string, handle: ControlHandler): Promise<() => Promise<void>> {
  ensurePrivateDir(dirname(path));
  // a socket left by a supervisor that was killed: the lock proves it is not live
  try {
    if (lstatSync(path)) rmSync(path, { force: true });
  } catch {
    // none
  }
  const open = new Set<Promise<void>>();
  const server = createServer((sock) => {
    const done = serve(sock, handle).finally(() => open.delete(done));
    open.add(done);
  });
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  // closing lets the answers under way go out first (down's: the stack is stopped), briefly
  return async () => {
    server.close();
    rmSync(path, { force: true });
    await Promise.race([Promise.allSettled([...open]), new Promise((r) => setTimeout(r, 1000).unref())]);
  };
}

async function serve(sock: Socket, handle: ControlHandler): Promise<void> {
  sock.on('error', () => {});
  const send = (r: ControlReply) => {
    if (!sock.destroyed) sock.write(`${JSON.stringify(r)}\n`);
  };
  let req: ControlRequest;
  try {
    req = await readRequest(sock);
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
    return void sock.end();
  }
  try {
    send(await handle(req, send));
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
  }
  await new Promise<void>((resolve) => sock.end(resolve));
}

function readRequest(sock: Socket): Promise<ControlRequest> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length <= MAX_REQUEST_BYTES) return;
      sock.off('data', onData);
      if (nl < 0) return reject(new Error('request too long'));
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as ControlRequest);
      } catch {
        reject(new Error('request is not JSON'));
      }
    };
    sock.on('data', onData);
    sock.once('end', () => reject(new Error('no request')));
  });
}
