// The supervisor's end of the control channel. Created 0600 (umask while it binds, chmod
// after) in the 0700 state folder: only the user who started the stack can steer it.
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { DevnetError, serializeError } from '../errors.js';
import { ensurePrivateDir } from '../fs/private-fs.js';
import { BEAT_MS, MAX_CLIENTS, MAX_REQUEST_BYTES, REQUEST_WAIT_MS, type ControlOp, type ControlReply, type ControlRequest } from '../control/protocol.js';

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
  // idle clients by the thousand must not hold the supervisor's memory and descriptors: past
  // the cap the one waiting longest goes, so a client that sends its request at once is served
  const waiting = new Set<Socket>();
  const server = createServer((sock) => {
    waiting.add(sock);
    if (waiting.size > MAX_CLIENTS) {
      const oldest = waiting.values().next().value!;
      waiting.delete(oldest);
      oldest.destroy();
    }
    const done = serve(sock, handle, () => waiting.delete(sock)).finally(() => {
      waiting.delete(sock);
      open.delete(done);
    });
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

async function serve(sock: Socket, handle: ControlHandler, gotRequest: () => void): Promise<void> {
  sock.on('error', () => {});
  const send = (r: ControlReply) => {
    if (!sock.destroyed && sock.writable) sock.write(`${JSON.stringify(r)}\n`);
  };
  let req: ControlRequest;
  try {
    req = await readRequest(sock);
    gotRequest();
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
    return void sock.end();
  }
  const beat = setInterval(() => send({ type: 'beat' }), BEAT_MS);
  try {
    send(await handle(req, send));
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
  } finally {
    clearInterval(beat);
  }
  await new Promise<void>((resolve) => sock.end(resolve));
}

// a Record, so that an op added to the protocol and not here fails to compile
const OP_NAMES: Record<ControlOp, true> = { start: true, stop: true, restart: true, pause: true, resume: true, down: true, ping: true, apply: true, scale: true, config: true };
const OPS = new Set(Object.keys(OP_NAMES));

function readRequest(sock: Socket): Promise<ControlRequest> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const bad = (why: string) => new DevnetError(`not a devnet control request: ${why}`);
    const timer = setTimeout(() => {
      reject(bad(`nothing within ${REQUEST_WAIT_MS / 1000}s`));
      sock.destroy();
    }, REQUEST_WAIT_MS);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length <= MAX_REQUEST_BYTES) return;
      sock.off('data', onData);
      clearTimeout(timer);
      if (nl < 0) return reject(bad('too long'));
      let req: unknown;
      try {
        req = JSON.parse(buf.slice(0, nl));
      } catch {
        return reject(bad('not JSON'));
      }
      const r = req as Partial<ControlRequest> | null;
      if (!r || typeof r !== 'object' || !OPS.has(String(r.op)) || (r.services !== undefined && !(Array.isArray(r.services) && r.services.every((x) => typeof x === 'string'))))
        return reject(bad('unknown op or malformed services'));
      resolve(r as ControlRequest);
    };
    sock.on('data', onData);
    sock.once('end', () => {
      clearTimeout(timer);
      reject(bad('no request'));
    });
  });
}
