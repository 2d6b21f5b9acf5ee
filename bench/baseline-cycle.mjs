// The baseline for the up/down cycles: the cheapest honest plain program that does what a
// cycle does: spawns the same services, each detached into its own session (as devnet gives
// each service its own; this kernel schedules by session), polls each with http.get (fetch
// would load undici, tens of ms) until it answers, then stops them and waits for their exit.
// Arguments: PORT or HOST:PORT, one per service.
import { spawn } from 'node:child_process';
import { get } from 'node:http';

const targets = process.argv.slice(2).map((a) => (a.includes(':') ? { host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)) } : { host: '127.0.0.1', port: Number(a) }));
const server = new URL('../test/fixtures/services/http.mjs', import.meta.url).pathname;
const children = targets.map((t) => spawn(process.execPath, [server, String(t.port), '--host', t.host], { stdio: 'ignore', detached: true }));
const answers = (t) =>
  new Promise((resolve) =>
    get({ host: t.host, port: t.port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false)),
  );
await Promise.all(
  targets.map(async (t) => {
    while (!(await answers(t))) await new Promise((r) => setTimeout(r, 5));
  }),
);
await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
