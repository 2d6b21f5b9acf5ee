// The build's last step: the code cache of dist/devnet.cjs, warmed by what devnet runs most.
// A cache made right after compiling holds the bundle's top level only, so each command
// compiled the functions it ran as it first called them. Here a real one-service stack goes
// up -d and down twice, by name, as a user's shell runs devnet: the first supervisor writes
// the cache it ends with (its functions and those it was given), installed for the second
// round, whose down adds its own (down --volumes: a plain down ends before the CLI loads,
// src/cli/early-down.ts; the CLI's down runs for the other forms). A warm-up that fails
// leaves the cache the build made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Warms `dist`'s devnet.cjs.v8cache with `bin`; returns why not, or undefined when it did. */
export async function warmCodeCache(bin, dist) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'devnet-warm-'));
  const stackFile = join(dir, 'warm.yaml');
  const server = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')";
  writeFileSync(stackFile, `name: devnet-warm-code-cache\nservices:\n  web:\n    command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(server)}, '\${port}']\n    port: ${port}\n    ready: { http: / }\n`);
  const env = { ...process.env, NO_COLOR: '1', DEVNET_STACK: '', DEVNET_STATE_DIR: join(dir, 'state') };
  delete env.DEVNET_TRACE;
  // by name where the shell launches it (Linux), else through Node
  const run = (args, out) => {
    const [file, argv] = process.platform === 'linux' ? [bin, args] : [process.execPath, [bin, ...args]];
    const r = spawnSync(file, [...argv, '--stack', stackFile], { env: { ...env, ...(out ? { DEVNET_CODE_CACHE_OUT: out } : {}) }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    if (r.status !== 0) throw new Error(`devnet ${args[0]} exited ${r.status ?? r.signal}: ${String(r.stderr).trim().split('\n')[0]}`);
  };
  const target = join(dist, 'devnet.cjs.v8cache');
  try {
    for (const [i, side] of [[1, 'up'], [2, 'down']]) {
      const out = join(dir, `cache-${i}`);
      run(['up', '-d'], side === 'up' ? out : undefined);
      run(side === 'down' ? ['down', '--volumes'] : ['down'], side === 'down' ? out : undefined);
      // down returns once its supervisor is gone: the file is complete, or was never written
      if (!existsSync(out) || statSync(out).size === 0) throw new Error(`round ${i} wrote no cache`);
      renameSync(out, target);
    }
    return undefined;
  } catch (e) {
    // whatever happened, nothing of the warm-up stays running
    spawnSync(process.execPath, [bin, 'down', '--stack', stackFile], { env, stdio: 'ignore', timeout: 30_000 });
    return e.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
