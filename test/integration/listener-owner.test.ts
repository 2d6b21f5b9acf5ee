// Whose listener a port's is, on real sockets: readiness asks it of every service that
// answers, and services that come up together share one read of the listener table.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { listenerOwnedByTree } from '../../src/ports/listener-owner.js';
import { freePort } from '../helpers.js';

async function listening(port: number): Promise<Server & AsyncDisposable> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return Object.assign(server, { [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())) });
}

describe('listenerOwnedByTree', () => {
  it('sees a listener that appeared after the shared table was read (a service ready a few ms after another)', async () => {
    const [first, second] = [await freePort(), await freePort()];
    await using _a = await listening(first);
    // the table is read here, for the first service, before the second listens
    expect(listenerOwnedByTree(first, process.pid, process.pid, '127.0.0.1')).toBe(true);
    await using _b = await listening(second);
    expect(listenerOwnedByTree(second, process.pid, process.pid, '127.0.0.1')).toBe(true);
  });

  it("says a port is not the tree's when nobody in the tree listens on it", async () => {
    const port = await freePort();
    expect(listenerOwnedByTree(port, process.pid, process.pid, '127.0.0.1')).toBe(false);
    // this process's listener is not in the tree of a child of its own
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      await using _s = await listening(port);
      expect(listenerOwnedByTree(port, child.pid!, child.pid!, '127.0.0.1')).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
