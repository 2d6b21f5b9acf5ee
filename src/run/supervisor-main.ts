// Entry of the detached supervisor (dist/supervisor.js), forked by `devnet up -d`.
import { ExitCode, DevnetError, serializeError } from '../errors.js';
import { loadStack } from '../stack/load.js';
import { statePaths } from '../state/paths.js';
import type { DetachedArgs, SupervisorMessage } from './detach.js';
import { abortOnStopSignals, readStopRequest } from './stop-signals.js';
import { upStack } from './up.js';

const args = JSON.parse(process.argv[2]!) as DetachedArgs;
const send = (m: SupervisorMessage) => {
  if (process.connected) process.send!(m);
};
const controller = new AbortController();
abortOnStopSignals(controller);

async function main(): Promise<void> {
try {
  const { stack } = await loadStack(args.file, { portOffset: args.portOffset });
  const paths = statePaths(stack);
  const handle = await upStack({
    stack,
    services: args.services,
    paths,
    remap: args.remap,
    emit: (event) => event.kind !== 'service:log' && send({ type: 'event', event }),
    signal: controller.signal,
    stopTimeoutMs: () => readStopRequest(paths),
  });
  send({ type: 'ready' });
  if (process.connected) process.disconnect();
  await Promise.race([handle.supervisor.allExited.promise, new Promise((r) => controller.signal.addEventListener('abort', r, { once: true }))]);
  await handle.stop(readStopRequest(paths));
  process.exit(ExitCode.ok);
} catch (e) {
  send({ type: 'error', error: serializeError(e) });
  if (!(e instanceof DevnetError)) console.error(e);
  process.exitCode = e instanceof DevnetError ? e.exitCode : ExitCode.failed;
  if (process.connected) process.disconnect();
}
}

void main();
