// The command line: each command parses its flags, then lazily imports the code
// that does the work, so `devnet --help` never pays for YAML, listr2 or the supervisor.
import { trace } from '../trace.js';
import { ExitCode } from '../errors.js';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { setInvocation, type Invocation } from './invocation.js';
import { execute } from './exit.js';
import { keepsRunningWithoutStdout, type StackFlags } from './flags.js';
import { setViewLoader, type ViewModule } from './view-loader.js';


function integer(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min) throw new InvalidArgumentError(`expected ${name} to be an integer >= ${min}, got \`${v}\``);
    return n;
  };
}

function stackOptions(cmd: Command): Command {
  return cmd
    .option('-s, --stack <file|name>', 'stack file, or a name in ./stacks/ or the shipped stacks (default: $DEVNET_STACK, ./devnet.yaml, demo)')
    .option('--port-offset <n>', 'shift every port of the stack by n, with its own state (a second copy beside the first)', integer('--port-offset', -65535), 0);
}

/** Two or three examples at the end of a command's --help, as most CLIs people like end theirs. */
export const EXAMPLES: Record<string, string[]> = {
  ui: ['devnet ui                                 # the stack of this folder, as it runs', 'devnet ui --stack runink --port-offset 100'],
  up: ['devnet up                                 # the stack of this folder, in the foreground', 'devnet up --ui                            # with the screen of devnet ui', 'devnet up -d --stack aitbc --port-offset 10000', 'devnet up -d --only wallet-daemon --watch'],
  start: ['devnet start explorer-web                 # and what it needs first', 'devnet start finance-raft --stack runink    # every replica'],
  stop: ['devnet stop blockchain-node --with-dependents', 'devnet stop finance-raft-5 --stack runink   # one replica: the group still serves'],
  restart: ['devnet restart coordinator-api', 'devnet restart api web --json'],
  pause: ['devnet pause blockchain-node             # its followers see it hang, as on a stalled peer', 'devnet pause finance-raft-4 finance-raft-5 --stack runink'],
  resume: ['devnet resume blockchain-node'],
  exec: ['devnet exec wallet-daemon -- env', 'devnet exec finance-raft-1 -- sh -c \'curl -s localhost:$PORT/health\'', 'devnet exec api --no-running -- npm run migrate'],
  config: ['devnet config', 'devnet config api --json | jq .services.api.env', 'devnet config --env wallet-daemon > wallet.env'],
  down: ['devnet down', 'devnet down -t 2 --volumes                # short grace period, then delete data: directories'],
  status: ['devnet status', 'devnet status --json | jq \'.services[] | {name, state}\'', 'devnet status --all'],
  ls: ['devnet ls', 'devnet ls --json'],
  logs: ['devnet logs -f', 'devnet logs api -n 50 --since 10m -t', "devnet logs blockchain-node --grep 'block \\d+ sealed' -f", 'devnet logs --grep health -v --since 1h --until 10m'],
  doctor: ['devnet doctor', 'devnet doctor --stack aitbc --profile observability --strict'],
  ports: ['devnet ports --format markdown > PORTS.md', 'devnet ports --check docs/PORTS.md README.md', 'devnet ports --stack runink --format nftables > runink.nft'],
  import: ['devnet import docker-compose.yml -o devnet.yaml', 'devnet import Procfile', 'devnet import docs/ports.md --from markdown'],
  test: ['devnet test                               # stacks/demo.test beside stacks/demo.yaml, on the running stack', 'devnet test --up --junit results.xml     # CI: up, the assertions, down', 'devnet test smoke.test --stack runink --port-offset 100'],
  completion: ['source <(devnet completion bash)          # in ~/.bashrc', 'devnet completion zsh > "${fpath[1]}/_devnet"', 'devnet completion fish > ~/.config/fish/completions/devnet.fish'],
  export: ['devnet export compose -o compose.yaml && docker compose -f compose.yaml config -q', 'devnet export k8s --stack runink > runink.k8s.yaml'],
};

function withExamples(cmd: Command): Command {
  const lines = EXAMPLES[cmd.name()];
  return lines ? cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`) : cmd;
}

declare const DEVNET_VERSION: string;


/**
 * `launched`: what bin/devnet.cjs knows of this process (see invocation.ts);
 * `importView`: how devnet ui's view (an ES module) is loaded.
 */
export function main(argv: string[], launched?: Omit<Invocation, 'args'>, importView?: () => Promise<ViewModule>): void {
  if (launched) setInvocation({ ...launched, args: argv });
  setViewLoader(importView);
  trace(() => `cli main (node started ${performance.timeOrigin.toFixed(1)})`);
  process.once('exit', (code) => trace(`exit ${code}`));
  // `devnet ports | head` closes the pipe early: that is not an error worth a stack trace.
  // A command that supervises services (foreground up) must not exit then: it keeps running
  // with its output in the log files only, until it is stopped as usual.
  // stderr too: `devnet up 2>&1 | tee log` loses both when tee goes (Ctrl-C reaches it first)
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (keepsRunningWithoutStdout()) return;
      if (e.code !== 'EPIPE' && e.code !== 'EIO') throw e;
      process.exit(process.exitCode ?? 0);
    });
  void runCli(argv, typeof DEVNET_VERSION === 'string' ? DEVNET_VERSION : 'dev');
}

export async function runCli(argv: string[], version: string): Promise<void> {
  // a command named first is all this process parses: the others are not built (the whole
  // program costs 3-5 ms of every start-up, the supervisor's and down's included). Anything
  // else (--help, a typo to suggest a command for, completion, which lists them all) builds all
  const first = argv[0] === 'ps' ? 'status' : argv[0];
  const program = buildProgram(version, first !== undefined && first !== 'completion' && COMMAND_NAMES.includes(first) ? first : undefined);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // help and version exit 0; everything else commander rejects is bad usage
    process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
}

/** What a definition's chain of calls (option, argument, action...) runs on for a command not built: each returns it again. */
const notBuilt: Command = new Proxy(Object.create(null) as Command, { get: () => () => notBuilt });

/** The commands buildProgram defines, in its order (a test holds them alike). */
export const COMMAND_NAMES = ['up', 'ui', 'start', 'stop', 'restart', 'pause', 'resume', 'exec', 'config', 'test', 'scale', 'down', 'status', 'ls', 'logs', 'doctor', 'ports', 'import', 'export', 'completion'];

/**
 * Every command and flag of devnet: the one definition --help, the CLI and docs/cli.md come from.
 * `only`: define that command alone; each other one is a stand-in its definition's calls pass through.
 */
export function buildProgram(version: string, only?: string): Command {
  const program = new Command('devnet')
    .description('Orchestrate local multi-service development networks: stack files, port preflight, ordered launch, clean teardown.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    // devnet exec SERVICE ls -la: what follows the service is the command's, its flags included
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });
  const command = (name: string): Command => (only === undefined || only === name ? program.command(name) : notBuilt);

  stackOptions(command('up'))
    .description('preflight the ports, then start the stack in dependency order and wait until each service is ready')
    .option('-d, --detach', 'return once every service is ready and leave them running')
    .option('--remap', 'replace busy ports by free ones; the new values flow into every command and env that references them')
    .option('--only <services>', 'start only these services (comma-separated) and their dependencies')
    .option('--profile <name...>', 'also start the services of these profiles')
    .option('--watch', 'restart services whose watch: paths change, and apply the stack file (and its env files) when it changes')
    .option('--ui', 'open devnet ui on the stack as it starts; leaving it (q, Ctrl-C) stops the stack, as Ctrl-C does')
    .option('--dry-run', 'on a running stack: print what applying the stack file would change, one line a service, and change nothing')
    .option('--json', 'print the final state as JSON (implies plain output)')
    .action((o) => execute(async () => (await import('./commands/up.js')).up(o)));

  stackOptions(command('ui'))
    .description('one screen to watch and steer the running stack: every service with its state, pid, ports, CPU and memory, their logs, keys to restart, stop, start, pause, search; q leaves it running')
    .action((o) => execute(async () => (await import('./commands/ui.js')).ui(o)));

  const steer = (op: 'start' | 'stop' | 'restart' | 'pause' | 'resume', description: string) =>
    stackOptions(command(op))
      .description(description)
      .argument('<services...>', 'services of the running stack')
      .option('--json', 'print the resulting state as JSON');
  steer('start', 'start services of the running stack, and what they need first')
    .action((services: string[], o) => execute(async () => (await import('./commands/steer.js')).steer('start', services, o)));
  steer('stop', 'stop services of the running stack; the rest keeps running')
    .option('--with-dependents', 'also stop the running services that depend on them (first)')
    .option('-t, --timeout <seconds>', 'grace period before SIGKILL, overriding each stop_timeout', integer('--timeout', 0))
    .action((services: string[], o) => execute(async () => (await import('./commands/steer.js')).steer('stop', services, o)));
  steer('restart', 'stop and start services of the running stack on their ports, waiting until each is ready')
    .action((services: string[], o) => execute(async () => (await import('./commands/steer.js')).steer('restart', services, o)));
  steer('pause', "freeze services of the running stack (SIGSTOP to each whole process tree); health checks and restart policies leave them alone")
    .action((services: string[], o) => execute(async () => (await import('./commands/steer.js')).steer('pause', services, o)));
  steer('resume', 'let paused services run again (SIGCONT); their health checks judge them afresh')
    .action((services: string[], o) => execute(async () => (await import('./commands/steer.js')).steer('resume', services, o)));

  stackOptions(command('exec'))
    .description("run a command in a service's environment and working folder (its env files, env:, PORT and its other ports), the terminal attached; its exit code is devnet's")
    .argument('<service>', 'a service of the stack (one copy of a replicated one)')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--no-running', 'the stack need not be up: the env comes from the stack file')
    .passThroughOptions()
    .action((service: string, command: string[], o) => execute(async () => (await import('./commands/exec.js')).exec(service, command, o)));

  stackOptions(command('config'))
    .description('print the stack as devnet resolved it (env files, interpolation, profiles, offset, remap; a running stack as it runs), secrets as ***')
    .argument('[services...]', 'only these services')
    .option('--env <service>', "print only that service's environment, as KEY=value lines")
    .option('--json', 'print as JSON')
    .action((services: string[], o) => execute(async () => (await import('./commands/config.js')).config(services, o)));

  stackOptions(command('test'))
    .description('run the assertions of test files against the running stack (default: STACK.test beside the stack file): checks that poll until they hold, actions through the supervisor')
    .argument('[files...]', 'test files: one assertion or action a line (docs/testing.md)')
    .option('--up', 'bring the stack up first and down afterwards, also when a step fails or the run is interrupted')
    .option('--bail', 'stop at the first failed assertion')
    .option('--external', "the stack runs outside devnet (an exported compose file): check it at the plan's addresses; actions, log and exec lines are not run, and say so")
    .option('--junit <file>', 'also write the results as JUnit XML there')
    .option('--json', 'print the results as JSON')
    .action((files: string[], o) => execute(async () => (await import('./commands/test.js')).test(files, o)));

  stackOptions(command('scale'))
    .description('run N copies of a service of the running stack (NAME-1 ... NAME-N): new ones start on the next addresses or ports, the highest go first; what uses its peer list is recreated')
    .argument('<service>', 'a replicated service (replicas:), or any service: N > 1 makes it replicated')
    .argument('<count>', 'how many copies, 1 to 250', integer('count', 1))
    .option('--dry-run', 'print what would change, and change nothing')
    .option('--json', 'print the resulting state as JSON')
    .action((service: string, count: number, o) => execute(async () => (await import('./commands/scale.js')).scale(service, count, o)));

  stackOptions(command('down'))
    .description('stop every service of the stack in reverse order, whole process trees, and prove the ports free')
    .option('-t, --timeout <seconds>', 'grace period before SIGKILL, overriding each stop_timeout', integer('--timeout', 0))
    .option('-v, --volumes', "then delete the services' data directories (data:), listing each")
    .option('--json', 'print what was stopped as JSON')
    .action((o) => execute(async () => (await import('./commands/down.js')).down(o)));

  stackOptions(command('status').alias('ps'))
    .description('show the services of the stack: state, pid, ports, URL, uptime')
    .option('-a, --all', 'every running stack of this user (devnet ls)')
    .option('--json', 'print as JSON')
    .action((o: { all?: boolean; json?: boolean } & StackFlags) =>
      execute(async () => (o.all ? (await import('./commands/ls.js')).ls(o) : (await import('./commands/status.js')).status(o))),
    );

  command('ls')
    .description('list every running stack of this user: file, offset, services up, uptime, state folder')
    .option('--json', 'print as JSON')
    .action((o) => execute(async () => (await import('./commands/ls.js')).ls(o)));

  stackOptions(command('logs'))
    .description('print the log lines of the stack services')
    .argument('[services...]', 'only these services')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --tail <lines>', 'lines per service from the end (of this run, across its rotated files)', integer('--tail', 0))
    .option('--since <time>', 'only lines since a time (2026-11-22T10:00:00Z) or for a duration back (30s, 10m, 2h)')
    .option('--until <time>', 'only lines up to a time, or up to a duration back')
    .option('-g, --grep <regex>', "only lines whose text matches this regular expression (JavaScript syntax; the service's text, not the time or prefix)")
    .option('-i, --ignore-case', 'with --grep: match regardless of case')
    .option('-v, --invert-match', 'with --grep: only lines that do not match')
    .option('--no-prefix', 'print the lines without the service name before each')
    .option('-t, --timestamps', 'show each line with its time')
    .action((services: string[], o) => execute(async () => (await import('./commands/logs.js')).logs(services, o)));

  stackOptions(command('doctor'))
    .description('report what will go wrong before it does: stack, ports, programs, env files, stale state')
    .option('--strict', 'fail on warnings too')
    .option('--profile <name...>', 'also check the services of these profiles')
    .option('--json', 'print the report as JSON')
    .action((o) => execute(async () => (await import('./commands/doctor.js')).doctor(o)));

  stackOptions(command('ports'))
    .description('print the port plan of the stack')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'markdown', 'json', 'nftables', 'prometheus']).default('table'))
    .option('--check <files...>', 'compare the port tables of these markdown files with the stack, any layout: exit 1 on drift, 2 when a file has no port table')
    .action((o) => execute(async () => (await import('./commands/ports.js')).ports(o)));

  command('import')
    .description('write a stack from a docker-compose.yml, a Procfile, a process-compose.yaml or a markdown port table')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--from <kind>', 'what the file is (default: told by its name and content)').choices(['compose', 'procfile', 'process-compose', 'markdown']))
    .option('-o, --output <file>', 'write the stack there instead of stdout (never over an existing file without --force)')
    .option('--force', 'with -o: replace the file if it exists (never the file being imported)')
    .action((file: string, o) => execute(async () => (await import('./commands/import.js')).importCommand(file, o)));

  stackOptions(command('export'))
    .description('write the stack for docker compose or Kubernetes')
    .addArgument(new Argument('<engine>', 'compose or k8s').choices(['compose', 'k8s']))
    .option('-o, --output <file>', 'write there instead of stdout (never over an existing file without --force)')
    .option('--force', 'with -o: replace the file if it exists (never the stack file, its env files or templates)')
    .addOption(new Option('--network <mode>', 'compose: bridge (default: a container network, services reached by name) or host (the host network, at the addresses and ports devnet gives them)').choices(['bridge', 'host']))
    .action((engine: 'compose' | 'k8s', o) => execute(async () => (await import('./commands/export.js')).exportCommand(engine, o)));

  stackOptions(command('completion'))
    .description('print a completion script for bash, zsh or fish: commands, flags, and the service names of the stack in this folder')
    .addArgument(new Argument('[shell]', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addOption(new Option('--services', 'print the service names of the stack, one a line (what the scripts call)').hideHelp())
    .action((shell: 'bash' | 'zsh' | 'fish' | undefined, o: StackFlags & { services?: boolean }) =>
      execute(async () => {
        if (o.services) return (await import('./commands/completion-services.js')).serviceNames(o);
        if (!shell) throw new (await import('../errors.js')).UsageError('devnet completion: which shell? bash, zsh or fish', { hint: 'echo \'source <(devnet completion bash)\' >> ~/.bashrc' });
        const { completionScript } = await import('./completion.js');
        process.stdout.write(completionScript(shell, program));
        return ExitCode.ok;
      }),
    );

  program.addHelpText(
    'after',
    `
Every command on a stack (all but ls and import) takes:
  -s, --stack <file|name>  stack file, or a name in ./stacks/ or the shipped stacks
                           (default: $DEVNET_STACK, ./devnet.yaml or a parent's, demo)
  --port-offset <n>        shift every port by n: a second copy with its own state

Environment:
  DEVNET_STACK      the stack when --stack is not given
  DEVNET_STATE_DIR  where state, logs and the list of running stacks live
  DEVNET_PLATFORM   linux or posix: read ports and processes from /proc, or with lsof and ps
                    (default: /proc on Linux, lsof and ps elsewhere)
  NO_COLOR          plain lines instead of the live view

Exit codes: 0 ok, 1 a service failed or could not be stopped, 2 bad usage or an invalid stack,
3 preflight refused (a port busy, an address missing).`,
  );

  for (const cmd of program.commands) withExamples(cmd);
  return program;
}
