// The baseline for the up/down cycle: a plain node script that spawns the same five
// services, polls each until it answers, then stops them and waits for them to exit.
import { spawn } from 'node:child_process';

const ports = process.argv.slice(2).map(Number);
const server = new URL('../test/fixtures/services/http.mjs', import.meta.url).pathname;
const children = ports.map((p) => spawn(process.execPath, [server, String(p)], { stdio: 'ignore' }));
await Promise.all(
  ports.map(async (p) => {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${p}/health`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 10));
    }
  }),
);
await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
