import { trace } from '../trace.js';
// Entry of the detached supervisor (dist/supervisor.cjs), forked by `devnet up -d`. It waits
// for the stack from the CLI, runs it, and outlives the CLI. It has no terminal: what it
// cannot report over IPC goes to supervisor.log in the stack's state directory.
import { join } from 'node:path';
import { DevnetError, ExitCode, serializeError } from '../errors.js';
import { pathsAt } from '../state/paths.js';
import { appendPrivateFile, ensurePrivateDir } from '../fs/private-fs.js';
import type { StartRequest, SupervisorMessage } from './detached.js';
import { abortOnStopSignals, readStopRequest } from './stop-signals.js';
import { upStack } from './start-stack.js';
import { nullProtoDeep } from '../stack/own.js';

trace(`supervisor main (node started ${performance.timeOrigin.toFixed(1)})`);
const send = (m: SupervisorMessage) => {
  if (process.connected) process.send!(m);
};
const controller = new AbortController();
const hurry = new AbortController();
abortOnStopSignals(controller, process, () => hurry.abort());
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

const lastLine = new Map<string, number>();

async function run({ stack, services, remap, lock, stateDir, stackId, watch }: StartRequest): Promise<void> {
  const paths = pathsAt(stateDir, stackId);
  const crashLog = (e: unknown) => {
    ensurePrivateDir(paths.dir);
    appendPrivateFile(join(paths.dir, 'supervisor.log'), `${new Date().toISOString()} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  };
  // a bug must not leave the services unsupervised: log it, stop the stack the usual way,
  // and exit; if the stop itself cannot finish, exit anyway (down finishes from the state)
  process.on('uncaughtException', (e) => {
    crashLog(e);
    process.exitCode = ExitCode.failed;
    if (controller.signal.aborted) hurry.abort();
    controller.abort();
    setTimeout(() => process.exit(ExitCode.failed), 60_000).unref();
  });
  try {
    const handle = await upStack({
      stack,
      services,
      paths,
      remap,
      lock,
      watch,
      hurry: hurry.signal,
      emit: (event) => {
        // service output reaches the CLI only while the stack starts (for the task list's
        // latest line), at most ten lines a second per service; the log files have them all
        if (event.kind === 'service:log') {
          const now = Date.now();
          if (now - (lastLine.get(event.service) ?? 0) < 100) return;
          lastLine.set(event.service, now);
        }
        send({ type: 'event', event });
      },
      signal: controller.signal,
      stopTimeoutMs: () => readStopRequest(paths),
    });
    send({ type: 'ready' });
    if (process.connected) process.disconnect();
    await Promise.race([handle.supervisor.allExited.promise, new Promise((r) => handle.stopRequested.addEventListener('abort', r, { once: true }))]);
    await handle.stop(readStopRequest(paths));
    process.exit(ExitCode.ok);
  } catch (e) {
    send({ type: 'error', error: serializeError(e) });
    if (!(e instanceof DevnetError)) crashLog(e);
    process.exitCode = e instanceof DevnetError ? e.exitCode : ExitCode.failed;
    if (process.connected) process.disconnect();
  }
}
