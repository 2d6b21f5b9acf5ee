// The baseline for the up/down cycles: a plain node script that spawns the same services,
// polls each until it answers, then stops them and waits for them to exit.
// Arguments: PORT or HOST:PORT, one per service.
import { spawn } from 'node:child_process';

const targets = process.argv.slice(2).map((a) => (a.includes(':') ? { host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)) } : { host: '127.0.0.1', port: Number(a) }));
const server = new URL('../test/fixtures/services/http.mjs', import.meta.url).pathname;
const children = targets.map((t) => spawn(process.execPath, [server, String(t.port), '--host', t.host], { stdio: 'ignore' }));
await Promise.all(
  targets.map(async (t) => {
    for (;;) {
      try {
        if ((await fetch(`http://${t.host}:${t.port}/health`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 10));
    }
  }),
);
await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
