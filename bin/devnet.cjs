#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node starts it faster than ESM. `--version`, the command scripts
// call most, is answered here before anything else is loaded.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  const { join } = require('node:path');
  const dist = join(__dirname, '..', 'dist');
  // up -d: the supervisor's Node start-up begins now, beside the CLI's loading (see src/supervisor/fork.ts)
  const fork = args[0] === 'up' ? require('../dist/fork-supervisor.cjs') : undefined;
  const early = fork && fork.wantsDetachedUp(args) ? fork.forkSupervisor(dist) : undefined;
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
