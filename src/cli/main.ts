// Entry of the bundled CLI. `--version` is answered before anything else loads:
// start-up time is a feature, and this is the command scripts call most.
declare const DEVNET_VERSION: string;

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${DEVNET_VERSION}\n`);
} else {
  const { runCli } = await import('./program.js');
  await runCli(args, DEVNET_VERSION);
}
