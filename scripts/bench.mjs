// npm run bench: start-up and cycle times as ratios to a baseline measured in the same run.
// Each figure is the median of several runs. A benchmark, not a test: it reports, never fails.
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'devnet.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const node = process.execPath;
const env = { ...process.env, NO_COLOR: '1', DEVNET_STACK: '' };
// NODE_EXTRA_CA_CERTS (set on some machines, this sandbox's among them) has every Node start-up
// read and parse a CA bundle: tens of ms added alike to devnet, to each of its services and to
// each baseline, which dilutes every ratio toward 1. It is left out of every process measured;
// what it costs is measured once and said.
const extraCaCerts = env.NODE_EXTRA_CA_CERTS;
delete env.NODE_EXTRA_CA_CERTS;

// never measure a stale dist/: the build is skipped when nothing changed
if (spawnSync(node, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('the build failed');

// The start-up rows run `node bin/devnet.cjs` (Node's start of the CLI, as every earlier figure
// did). Stacks are run by name (byName), as a user's shell runs devnet: bin/devnet.cjs is a
// shell script first, and an up -d waits there for its supervisor without a Node of its own.
function time(args, { cwd = root, expect = 0, extraEnv = {}, byName = false } = {}) {
  const t0 = process.hrtime.bigint();
  const [file, argv] = byName && args[0] === cli ? [cli, args.slice(1)] : [node, args];
  const r = spawnSync(file, argv, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (expect !== null && r.status !== expect) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** ms from spawning the HTTP fixture until /health answers, polled every 5ms; then it is stopped. */
async function coldStart(port) {
  const t0 = process.hrtime.bigint();
  const child = spawn(node, [join(root, 'test/fixtures/services/http.mjs'), String(port)], { stdio: 'ignore', env });
  const ok = () => new Promise((resolve) => request({ host: '127.0.0.1', port, path: '/health' }, (res) => (res.resume(), resolve(res.statusCode === 200))).on('error', () => resolve(false)).end());
  while (!(await ok())) await new Promise((r) => setTimeout(r, 5));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')));
  return ms;
}

const dir = mkdtempSync(join(tmpdir(), 'devnet-bench-'));
try {
  // a dozen ports and the 2,768-port Runink slice range
  // below the 30000-32767 range the doctor stack reserves, with room for base + 104
  const base = 21000 + Math.floor(Math.random() * 800) * 10;
  const services = Array.from({ length: 12 }, (_, i) => `  svc${i}: { command: "${node} x.js", port: ${base + i} }`).join('\n');
  writeFileSync(join(dir, 'doctor.yaml'), `name: bench-doctor\nservices:\n${services}\nranges:\n  - { name: slices, ports: 30000-32767, exposure: internal }\n`);
  const ports = Array.from({ length: 5 }, (_, i) => base + 100 + i);
  const cycle = ports.map((p, i) => `  web${i}: { command: "${node} ${join(root, 'test/fixtures/services/http.mjs')} \${port}", port: ${p}, ready: { http: /health } }`).join('\n');
  writeFileSync(join(dir, 'cycle.yaml'), `name: bench-cycle\nservices:\n${cycle}\n`);
  // 20 replicas of one HTTP service on one port, each at its own loopback address
  const replicaPort = base + 120;
  writeFileSync(
    join(dir, 'replicas.yaml'),
    `name: bench-replicas\nservices:\n  web: { command: "${node} ${join(root, 'test/fixtures/services/http.mjs')} \${port} --host \${host}", port: ${replicaPort}, replicas: 20, ready: { http: /health } }\n`,
  );
  const replicaTargets = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 1}:${replicaPort}`);
  env.DEVNET_STATE_DIR = join(dir, 'state');

  // Rounds interleave every command with its baseline, so drift in machine load hits both alike.
  const startup = {
    baseline: ['-e', '0'],
    version: [cli, '--version'],
    help: [cli, '--help'],
    doctor: [cli, 'doctor', '--stack', join(dir, 'doctor.yaml')],
  };
  const samples = Object.fromEntries(Object.keys(startup).map((k) => [k, []]));
  for (const args of Object.values(startup)) time(args); // warm the file cache
  for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(startup)) samples[k].push(time(args));
  // doctor on the Runink stack (20 services, a 2,768-port range) with each platform backend:
  // /proc (Linux) and lsof + ps (POSIX, as on macOS), interleaved with the baseline
  const backends = { linux: [], posix: [], backendBaseline: [] };
  const runinkDoctor = (platform) => time([cli, 'doctor', '--stack', 'runink'], { expect: null, extraEnv: { DEVNET_PLATFORM: platform } });
  runinkDoctor('linux');
  runinkDoctor('posix');
  for (let i = 0; i < runs; i++) {
    backends.linux.push(runinkDoctor('linux'));
    backends.posix.push(runinkDoctor('posix'));
    backends.backendBaseline.push(time(['-e', '0']));
  }
  const cycleRuns = Math.max(5, Math.floor(runs / 2));
  const upDown = { up: [], down: [] };
  const devnetCycle = () => {
    const up = time([cli, 'up', '-d', '--stack', join(dir, 'cycle.yaml')], { byName: true });
    const down = time([cli, 'down', '--stack', join(dir, 'cycle.yaml')], { byName: true });
    upDown.up.push(up);
    upDown.down.push(down);
    return up + down;
  };
  const plainCycle = () => time([join(root, 'bench', 'baseline-cycle.mjs'), ...ports.map(String)]);
  devnetCycle();
  plainCycle();
  samples.cycle = [];
  samples.plainCycle = [];
  upDown.up.length = upDown.down.length = 0;
  // the headline figure: as many pairs as the start-up rows have runs (a median of 7 moved by 0.05 between runs)
  for (let i = 0; i < runs; i++) {
    samples.cycle.push(devnetCycle());
    samples.plainCycle.push(plainCycle());
  }
  const replicaCycle = () => time([cli, 'up', '-d', '--stack', join(dir, 'replicas.yaml')], { byName: true }) + time([cli, 'down', '--stack', join(dir, 'replicas.yaml')], { byName: true });
  const plainReplicas = () => time([join(root, 'bench', 'baseline-cycle.mjs'), ...replicaTargets]);
  replicaCycle();
  plainReplicas();
  samples.replicas = [];
  samples.plainReplicas = [];
  for (let i = 0; i < cycleRuns; i++) {
    samples.replicas.push(replicaCycle());
    samples.plainReplicas.push(plainReplicas());
  }
  // up -d on a stack that is already up: nothing to do, interleaved with its own baseline
  time([cli, 'up', '-d', '--stack', join(dir, 'cycle.yaml')]);
  samples.again = [];
  samples.againBaseline = [];
  for (let i = 0; i < runs; i++) {
    samples.again.push(time([cli, 'up', '-d', '--stack', join(dir, 'cycle.yaml')], { byName: true }));
    samples.againBaseline.push(time(['-e', '0']));
  }
  // restart of one HTTP service over the control socket (stop, start, ready: the `ms` devnet
  // reports) against the same service's own cold start-to-ready, spawned and polled here
  samples.restart = [];
  samples.coldStart = [];
  const restartOnce = () => {
    const r = spawnSync(node, [cli, 'restart', 'web0', '--json', '--stack', join(dir, 'cycle.yaml')], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`restart exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout).ms;
  };
  const spare = base + 110;
  restartOnce();
  await coldStart(spare);
  for (let i = 0; i < runs; i++) {
    samples.restart.push(restartOnce());
    samples.coldStart.push(await coldStart(spare));
  }
  time([cli, 'down', '--stack', join(dir, 'cycle.yaml')]);
  // an edit of one service of 20 applied by up -d on the running stack, against devnet restart
  // of that service, both whole commands, paired; the 19 others must keep their pids
  const editFile = join(dir, 'edit.yaml');
  const editStack = (level) =>
    `name: bench-edit\nservices:\n${Array.from({ length: 20 }, (_, i) => `  s${i}: { command: "${node} ${join(root, 'test/fixtures/services/http.mjs')} \${port}", port: ${base + 130 + i}, ready: { http: /health }${i === 7 ? `, env: { LOG_LEVEL: ${level} }` : ''} }`).join('\n')}\n`;
  writeFileSync(editFile, editStack('a'));
  time([cli, 'up', '-d', '--stack', editFile]);
  const pidsOf = () => {
    const r = spawnSync(node, [cli, 'status', '--json', '--stack', editFile], { env, encoding: 'utf8' });
    return Object.fromEntries(JSON.parse(r.stdout).services.map((x) => [x.name, x.pid]));
  };
  const before = pidsOf();
  samples.apply = [];
  samples.applyRestart = [];
  for (let i = 0; i < runs; i++) {
    writeFileSync(editFile, editStack(i % 2 ? 'a' : 'b'));
    samples.apply.push(time([cli, 'up', '-d', '--stack', editFile], { byName: true }));
    samples.applyRestart.push(time([cli, 'restart', 's7', '--stack', editFile], { byName: true }));
  }
  // the daily commands: logs --grep over a gigabyte, and devnet ui on 100 services under a flood
  const { benchGrep, benchUi } = await import('../bench/daily.mjs');
  const grep = benchGrep({ dir, cli, node, env });
  const ui = await benchUi({ dir, cli, node, env, base });
  const after = pidsOf();
  const untouched = Object.keys(before).filter((n) => n !== 's7' && before[n] === after[n]).length;
  time([cli, 'down', '--stack', editFile]);
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // what NODE_EXTRA_CA_CERTS, left out above, would add to each Node start-up
  const caCost = extraCaCerts
    ? (() => {
        const withIt = [];
        const without = [];
        for (let i = 0; i < runs; i++) {
          withIt.push(time(['-e', '0'], { extraEnv: { NODE_EXTRA_CA_CERTS: extraCaCerts } }));
          without.push(time(['-e', '0']));
        }
        return { withIt: med(withIt), without: med(without) };
      })()
    : undefined;
  // a paired ratio: each devnet run against the baseline run right after it, the median of those
  const paired = (xs, bs) => med(xs.map((x, i) => x / bs[i]));
  const baseline = med(samples.baseline);
  const rows = [
    ['devnet --version', med(samples.version), baseline, 1.3],
    ['devnet --help', med(samples.help), baseline, 1.5],
    ['devnet doctor (12 ports + 2,768-port range)', med(samples.doctor), baseline, 2.0],
    ['devnet doctor --stack runink, linux backend (/proc)', med(backends.linux), med(backends.backendBaseline), null],
    ['devnet doctor --stack runink, posix backend (lsof, ps)', med(backends.posix), med(backends.backendBaseline), 3.0],
    ['up -d + down, 5 HTTP services (paired)', med(samples.cycle), med(samples.plainCycle), 1.5, paired(samples.cycle, samples.plainCycle)],
    ['up -d + down, 20 replicas of one HTTP service (paired)', med(samples.replicas), med(samples.plainReplicas), 1.3, paired(samples.replicas, samples.plainReplicas)],
    ['up -d on an already-up stack (nothing to do)', med(samples.again), med(samples.againBaseline), 1.3],
    ['restart of one HTTP service (stop, start, ready)', med(samples.restart), med(samples.coldStart), 1.2],
    ['up -d applying an edit of 1 of 20 services (paired)', med(samples.apply), med(samples.applyRestart), 1.2, paired(samples.apply, samples.applyRestart)],
    [`logs --grep over ${grep.mb >= 1024 ? `${grep.mb / 1024} GB` : `${grep.mb} MB`} of logs, against grep -E`, grep.devnet, grep.grep, 2.0],
    ...(ui ? [['devnet ui: a key press to the screen, against a bare program', ui.uiMs, ui.bareMs, null]] : []),
  ];

  console.log(`node ${process.version}, ${runs} runs each (the 20-replica cycle: ${cycleRuns}), medians`);
  if (caCost) console.log(`NODE_EXTRA_CA_CERTS is set here and left out of every measured process: it adds ${(caCost.withIt - caCost.without).toFixed(0)} ms to each Node start-up (node -e 0: ${caCost.withIt.toFixed(0)} against ${caCost.without.toFixed(0)} ms)`);
  console.log(`${'benchmark'.padEnd(54)} ${'ms'.padStart(8)} ${'baseline'.padStart(9)} ${'ratio'.padStart(6)}  goal`);
  for (const [name, ms, b, goal, pairedRatio] of rows) {
    const ratio = pairedRatio ?? ms / b;
    const verdict = name.startsWith('devnet ui') ? `goal: <= 100 ms ${ms <= 100 ? 'ok' : 'MISSED'}` : goal === null ? 'goal: as before the backend split (README)' : `<= ${goal} ${ratio <= goal ? 'ok' : 'MISSED'}`;
    console.log(`${name.padEnd(54)} ${ms.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(9)} ${ratio.toFixed(2).padStart(6)}  ${verdict}`);
  }
  console.log(`the 5-service cycle: up -d ${med(upDown.up).toFixed(0)} ms + down ${med(upDown.down).toFixed(0)} ms; node -e 0 ${baseline.toFixed(0)} ms (run by name: two Node start-ups, the supervisor's and down's)`);
  console.log('baselines: node -e 0; for the cycles, bench/baseline-cycle.mjs (spawn 5 or 20, each in its own session, poll with http.get until they answer, stop);');
  console.log('for restart, the same service spawned and polled every 5ms until /health answers (its cold start-to-ready);');
  console.log(`for the edit, devnet restart of the edited service, whole commands both; ${untouched} of the 19 other services kept their pids`);
  console.log(`logs --grep: ${grep.matched} lines found by devnet, ${grep.grepMatched} by grep -E (both printing to a pipe)`);
  if (ui) {
    const mb = (b) => (b / 1048576).toFixed(0);
    console.log(`devnet ui on ${ui.services} services writing ${ui.lines.toLocaleString("en")} log lines: peak memory ${mb(ui.hwm)} MB (its ${ui.processes} processes, the launcher and the screen; goal <= 150 MB ${ui.hwm <= 150 * 1048576 ? 'ok' : 'MISSED'}), ${mb(ui.rss)} MB at the end;`);
    console.log('  the key press: tmux send-keys to capture-pane showing its effect; the bare program redraws a counter on each key in the same terminal');
  } else console.log('devnet ui: not measured (no tmux here)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
