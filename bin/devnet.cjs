#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node starts it faster than ESM. `--version`, the command scripts
// call most, is answered here before anything else is loaded.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  // up -d: the supervisor's Node start-up begins now, beside the CLI's loading (see src/supervisor/fork.ts)
  const fork = args[0] === 'up' ? require('../dist/fork-supervisor.cjs') : undefined;
  const early = fork && fork.wantsDetachedUp(args) ? fork.forkSupervisor(require('node:path').join(__dirname, '..', 'dist')) : undefined;
  require('./load-cached.cjs')(require('node:path').join(__dirname, '..', 'dist', 'devnet.cjs')).main(args, early);
}
