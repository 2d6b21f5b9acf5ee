// Entry of the detached supervisor (dist/supervisor.cjs), forked by `devnet up -d`. It waits
// for the stack from the CLI, hosts it (host.ts, as the foreground up does), and outlives the
// CLI. It has no terminal: what it cannot report over IPC goes to supervisor.log in the
// stack's state directory.
import { join } from 'node:path';
import { DevnetError, ExitCode, serializeError } from '../errors.js';
import { pathsAt } from '../state/paths.js';
import { appendPrivateFile, ensurePrivateDir } from '../fs/private-fs.js';
import type { StartRequest, SupervisorMessage } from './detached.js';
import { hostStack } from './host.js';
import { throttleLogs } from './log-throttle.js';
import { nullProtoDeep } from '../stack/own.js';
import { trace } from '../trace.js';

trace(`supervisor main (node started ${performance.timeOrigin.toFixed(1)})`);
const send = (m: SupervisorMessage) => {
  if (process.connected) process.send!(m);
};
let started = false;

// the CLI gave up before handing over a stack (an invalid stack, Ctrl-C): nothing to run
process.once('disconnect', () => {
  if (!started) process.exit(ExitCode.ok);
});
process.once('message', (m: StartRequest) => {
  started = true;
  trace('supervisor got stack');
  // the stack arrives as JSON: its maps keyed by user-written names lose their null prototypes
  void run(nullProtoDeep(m));
});

async function run({ stack, services, selection, remap, lock, stateDir, stackId, watch }: StartRequest): Promise<void> {
  const paths = pathsAt(stateDir, stackId);
  const crashLog = (e: unknown) => {
    ensurePrivateDir(paths.dir);
    appendPrivateFile(join(paths.dir, 'supervisor.log'), `${new Date().toISOString()} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  };
  try {
    const { code } = await hostStack({
      stack,
      services,
      selection,
      paths,
      remap,
      lock,
      watch,
      // service output reaches the CLI only while the stack starts (for the task list's latest line)
      emit: throttleLogs((event) => send({ type: 'event', event })),
      // a bug must not leave the services unsupervised: log it, stop the stack the usual way, and
      // exit; if the stop itself cannot finish, exit anyway (down finishes from the state)
      onCrash: (e) => {
        crashLog(e);
        process.exitCode = ExitCode.failed;
        setTimeout(() => process.exit(ExitCode.failed), 60_000).unref();
      },
      onUp: () => {
        send({ type: 'ready' });
        if (process.connected) process.disconnect();
      },
    });
    process.exit(process.exitCode ?? code);
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
    if (!(e instanceof DevnetError)) crashLog(e);
    process.exitCode = e instanceof DevnetError ? e.exitCode : ExitCode.failed;
    if (process.connected) process.disconnect();
  }
}
