#!/bin/sh
':' /*
# This file is a shell script and a Node program. Run by name (devnet, as npm links it), the
# shell reads these lines first; Node skips them (for it, a string, then a comment).
# up -d: its supervisor is the same command launched in a process of its own, which lets go
# of this one when the stack is up (see src/supervisor/launch.ts). Launched from here, the
# supervisor's Node start-up is the only one an up -d waits for: this shell waits for it, as
# launch.ts's waitForDetachedUp does where there is no shell, forwarding Ctrl-C, SIGTERM and
# a hangup. Where `setsid` is missing (macOS), Node launches it.
if [ "$1" = up ] && [ -z "$DEVNET_DETACH_FOR$DEVNET_SUPERVISOR_DIED" ] && command -v setsid >/dev/null 2>&1; then
  # -d or --detach before any --, not with --help: as wantsDetachedUp decides (a test holds them alike)
  d=
  for a; do
    case $a in
      --) break ;;
      -h | --help) d= && break ;;
      --detach) d=1 ;;
      --*) ;;
      -*[!a-zA-Z]*) ;;
      -*d*) d=1 ;;
    esac
  done
  if [ -n "$d" ]; then
    # the supervisor's SIGUSR1: the stack is up
    trap 'exit 0' USR1
    DEVNET_DETACH_FOR=$$ setsid node "$0" "$@" </dev/null &
    pid=$!
    trap 'sig=1; kill -INT $pid 2>/dev/null' INT
    trap 'sig=1; kill -TERM $pid 2>/dev/null' TERM
    trap 'sig=1; kill -HUP $pid 2>/dev/null' HUP
    # a trapped signal ends a wait early: then it is waited for again
    while :; do
      sig=
      # (the shell's own "Killed" is left out: devnet says what happened, below)
      wait "$pid" 2>/dev/null
      st=$?
      [ -z "$sig" ] && break
    done
    # devnet's own exit codes are 0-3; above 128 it was killed: what it started is stopped
    [ "$st" -le 128 ] && exit "$st"
    DEVNET_SUPERVISOR_DIED="$pid $st" exec node "$0" "$@"
  fi
fi
exec node "$0" "$@"
*/
// CommonJS on purpose: Node starts it faster than ESM. `--version`, the command scripts
// call most, is answered here before anything else is loaded.
const args = process.argv.slice(2);
// what the launcher of an up -d told this process (see above): read once, and kept from the
// services, which inherit this environment
const detachFor = Number(process.env.DEVNET_DETACH_FOR) || undefined;
const diedAs = process.env.DEVNET_SUPERVISOR_DIED;
delete process.env.DEVNET_DETACH_FOR;
delete process.env.DEVNET_SUPERVISOR_DIED;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else if (args[0] === 'ui' && !process.env.DEVNET_UI_HEAP) {
  // devnet ui holds a screen for hours under floods of output: its heap is kept small (a 1 MiB
  // young generation, a 128 MiB old one; V8 grows both lazily, far past what the screen needs:
  // 176 -> about 100 MB at its peak under 100 services writing 1M lines, see bench/RESULTS.md).
  // V8 takes these only when it starts, so the screen runs in a child; this one waits for it
  const child = require('node:child_process').spawn(process.execPath, ['--max-semi-space-size=1', '--max-old-space-size=128', __filename, ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEVNET_UI_HEAP: '1' },
  });
  // Ctrl-C is a key to the screen (raw mode), or reaches the child in the terminal's own group
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => {
    process.stderr.write(`error: devnet ui could not start: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  const { join } = require('node:path');
  const dist = join(__dirname, '..', 'dist');
  // devnet ui's view is an ES module: imported from here, where import() works (see src/cli/view-loader.ts).
  // Ink draws nothing but the last frame when CI is set (read once, as it loads): devnet ui runs
  // only in a terminal, where the screen was asked for, so Ink loads with CI unset, and the
  // variables are put back at once (services started by up --ui inherit this environment)
  const importView = async () => {
    const saved = ['CI', 'CONTINUOUS_INTEGRATION'].map((k) => [k, process.env[k]]);
    for (const [k] of saved) delete process.env[k];
    try {
      return await import(require('node:url').pathToFileURL(join(dist, 'ui.mjs')).href);
    } finally {
      for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
    }
  };
  const cli = (launched) => require('./load-cached.cjs')(join(dist, 'devnet.cjs')).main(args, { bin: __filename, ...launched }, importView);
  // the shell above found its supervisor killed: "PID STATUS", STATUS 128 + the signal's number
  const died = (s) => {
    const [pid, status] = s.split(' ').map(Number);
    const signals = require('node:os').constants.signals;
    return { pid, signal: Object.keys(signals).find((k) => signals[k] === status - 128) ?? `signal ${status - 128}` };
  };
  const launch = args[0] === 'up' && !detachFor && !diedAs ? require('../dist/launch.cjs') : undefined;
  // down: its stop request goes out before the CLI loads, and the usual down ends without it
  // (see src/cli/early-down.ts); undefined where the CLI must look for itself
  const early = args[0] === 'down' ? require('../dist/early-down.cjs').downEarly(args) : undefined;
  // up -d, not on a stack that is up already (that applies the stack file through the supervisor it has)
  if (launch && launch.wantsDetachedUp(args) && !launch.looksUp(args))
    void launch.waitForDetachedUp(__filename, args).then((r) => ('code' in r ? process.exit(r.code) : cli({ died: r.died })));
  else if (early) void early.then((r) => ('code' in r ? (process.exitCode = r.code) : cli(r.down ? { earlyDown: r.down } : {})));
  else cli({ detachFor, died: diedAs ? died(diedAs) : undefined });
}
