// The daily commands' figures for npm run bench (scripts/bench.mjs): devnet logs --grep over a
// gigabyte of logs against grep -E over the same files, and devnet ui attached to 100 services
// writing a million log lines: a key press to the screen, against a bare raw-mode program in
// the same terminal, and the UI's peak memory.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `mb` megabytes of log lines over 4 services of a stack that is not up (devnet logs reads the
 * last run's files), one line in a thousand matching; then each search 3 times, interleaved.
 */
export function benchGrep({ dir, cli, node, env, mb = Number(process.env.BENCH_GREP_MB ?? 1024) }) {
  const file = join(dir, 'grep.yaml');
  const names = ['node', 'follower', 'coordinator', 'wallet'];
  writeFileSync(file, `name: bench-grep\nservices:\n${names.map((n) => `  ${n}: { command: "${node} x.js" }`).join('\n')}\n`);
  const logDir = join(env.DEVNET_STATE_DIR, 'bench-grep', 'logs');
  mkdirSync(logDir, { recursive: true });
  const perFile = Math.floor((mb * 1024 * 1024) / names.length);
  const files = names.map((n) => join(logDir, `${n}.log`));
  const t = Date.UTC(2026, 11, 2);
  for (const [k, f] of files.entries()) {
    const fd = openSync(f, 'w', 0o600);
    let written = 0;
    let i = 0;
    while (written < perFile) {
      let chunk = '';
      for (let j = 0; j < 20000; j++, i++) {
        const at = new Date(t + i * 3 + k).toISOString();
        chunk += i % 1000 === 7 ? `${at} err ERROR ${i} block import failed: state root mismatch at height ${i >> 4}\n` : `${at} out INFO imported block ${i >> 4} with ${i % 300} transactions, peers=${i % 25}, elapsed=${i % 97}ms\n`;
      }
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
    }
    closeSync(fd);
  }
  const pattern = 'ERROR [0-9]+ block';
  // both print to a pipe: GNU grep writing to /dev/null stops at the first match
  const piped = { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 };
  const runDevnet = () => timed(() => spawnSync(node, [cli, 'logs', '--stack', file, '--grep', pattern, '--no-prefix'], { env, ...piped }));
  const runGrep = () => timed(() => spawnSync('grep', ['-E', '-h', pattern, ...files], piped));
  // the same lines, told by both
  const a = spawnSync(node, [cli, 'logs', '--stack', file, '--grep', pattern, '--no-prefix'], { env, encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.split('\n').filter(Boolean).length;
  const b = spawnSync('grep', ['-E', '-h', '-c', pattern, ...files], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).reduce((n, x) => n + Number(x), 0);
  const d = [];
  const g = [];
  for (let i = 0; i < 3; i++) {
    d.push(runDevnet());
    g.push(runGrep());
  }
  return { mb, devnet: med(d), grep: med(g), matched: a, grepMatched: b };
}

function timed(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const hasTmux = () => spawnSync('tmux', ['-V']).status === 0;

/**
 * 100 services, each writing 10,000 lines over about 10 s while the UI is attached; key presses
 * (j: the next service, whose name the log pane's title then shows) timed from send-keys to the
 * screen, against a raw-mode program that redraws a counter on each key, in the same terminal.
 */
export async function benchUi({ dir, cli, node, env, base }) {
  if (!hasTmux()) return undefined;
  const n = 100;
  const file = join(dir, 'ui.yaml');
  const flood = (port) =>
    `const h=require('http');h.createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1');let i=0;const t=setInterval(()=>{let o='';for(let k=0;k<10;k++)o+='imported block '+(i++)+' with some transactions, peers=7, elapsed=3ms\\n';process.stdout.write(o);if(i>=${Number(process.env.BENCH_UI_LINES ?? 10000)})clearInterval(t)},10)`;
  writeFileSync(file, `name: bench-ui\nservices:\n${Array.from({ length: n }, (_, i) => `  s${String(i).padStart(3, '0')}: { command: ["${node}", "-e", ${JSON.stringify(flood(base + 300 + i))}], port: ${base + 300 + i} }`).join('\n')}\n`);
  const up = spawnSync(node, [cli, 'up', '-d', '--stack', file], { env, encoding: 'utf8' });
  if (up.status !== 0) throw new Error(`up of the UI stack failed: ${up.stderr}`);
  const socket = `devnet-bench-${process.pid}`;
  const tmux = (...a) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const envLine = `env -u NO_COLOR -u NODE_EXTRA_CA_CERTS DEVNET_STACK= DEVNET_STATE_DIR='${env.DEVNET_STATE_DIR}' ${process.env.UI_NODE_OPTIONS ? `NODE_OPTIONS='${process.env.UI_NODE_OPTIONS}'` : ''}`;
  try {
    // the baseline: the same terminal, a program that draws "key N" on each key
    const bare = join(dir, 'bare.cjs');
    writeFileSync(bare, `let n=0;process.stdin.setRawMode(true);process.stdout.write('\\x1b[?1049hkey 0');process.stdin.on('data',(d)=>{if(d[0]===113)process.exit(0);process.stdout.write('\\x1b[Hkey '+(++n)+'   ')})`);
    tmux('new-session', '-d', '-x', '160', '-y', '45', `${node} ${bare}`);
    const bareMs = await presses(tmux, 30, (i) => new RegExp(`key ${i + 1}\\b`));
    tmux('send-keys', 'q');
    spawnSync('tmux', ['-L', socket, 'kill-server']);

    tmux('new-session', '-d', '-x', '160', '-y', '45', `cd '${dir}' && ${envLine} ${node} ${cli} ui --stack ${file}`);
    await until(() => /s099\s/.test(tmux('capture-pane', '-p')) || /s000\s+ready/.test(tmux('capture-pane', '-p')), 15_000);
    const uiPid = Number(tmux('display', '-p', '#{pane_pid}').trim());
    // j moves down: the log pane's title names the service selected
    const uiMs = await presses(tmux, 30, (i) => new RegExp(`logs of s${String(i + 1).padStart(3, '0')}\\b`), 'j');
    // the rest of the flood, then the UI's peak memory
    await new Promise((r) => setTimeout(r, 3000));
    // devnet ui is its launcher and the screen it starts with a small heap: both count
    const tree = [uiPid, ...childrenOf(uiPid)];
    const mem = (field) => tree.reduce((sum, pid) => sum + Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024, 0);
    const [hwm, rss] = [mem('VmHWM'), mem('VmRSS')];
    const lines = countLines(env.DEVNET_STATE_DIR);
    tmux('send-keys', 'q');
    return { bareMs, uiMs, hwm, rss, lines, services: n, processes: tree.length };
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    spawnSync(node, [cli, 'down', '--stack', file, '-t', '2'], { env, stdio: 'ignore' });
  }
}

function childrenOf(pid) {
  let kids = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone
  }
  return kids.flatMap((k) => [k, ...childrenOf(k)]);
}

function countLines(stateDir) {
  const out = spawnSync('sh', ['-c', `cat '${stateDir}'/bench-ui/logs/*.log | wc -l`], { encoding: 'utf8' });
  return Number(out.stdout.trim());
}

async function until(cond, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the UI did not show the stack in time');
}

/** Median ms from sending a key to the screen showing what it did, over `count` presses. */
async function presses(tmux, count, expected, key = 'x') {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const re = expected(i);
    const t0 = process.hrtime.bigint();
    tmux('send-keys', key);
    for (;;) {
      if (re.test(tmux('capture-pane', '-p'))) break;
      if (Number(process.hrtime.bigint() - t0) / 1e6 > 5000) throw new Error(`no ${re} on screen 5 s after the key`);
    }
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await new Promise((r) => setTimeout(r, 30));
  }
  return med(ms);
}
