#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node starts it faster than ESM. `--version`, the command scripts
// call most, is answered here before anything else is loaded.
const args = process.argv.slice(2);
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
  // up -d: the supervisor's Node start-up begins now, beside the CLI's loading (see src/supervisor/fork.ts)
  const fork = args[0] === 'up' ? require('../dist/fork-supervisor.cjs') : undefined;
  // not when the stack is up already: up then applies the stack file through the supervisor it has
  const early = fork && fork.wantsDetachedUp(args) && !fork.looksUp(args) ? fork.forkSupervisor(dist) : undefined;
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
  require('./load-cached.cjs')(join(dist, 'devnet.cjs')).main(args, early, importView);
}
