import { UsageError } from '../../errors.js';
import { prefixer } from '../../report/prefix.js';
import { colorEnabled, painter } from '../../report/style.js';
import { LogCursor, mergeByTime } from '../../run/log-reader.js';
import { stackStatus } from '../../run/status.js';
import { own } from '../../stack/own.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import { openStack, print } from '../context.js';
import type { StackFlags } from '../program.js';

interface Flags extends StackFlags {
  follow?: boolean;
  tail?: number;
}

export async function logs(services: string[], flags: Flags): Promise<number> {
  const { stack, paths } = await openStack(flags);
  const known = Object.keys(stack.services);
  for (const s of services) if (!own(stack.services, s)) throw new UsageError(`unknown service "${s}"${didYouMean(s, known)}`);
  const names = services.length ? services : known;
  const prefix = prefixer(names, painter(colorEnabled()));
  const cursors = names.map((n) => new LogCursor(n, paths.logFile(n)));
  const show = (lines: ReturnType<typeof mergeByTime>) => lines.forEach((l) => print(prefix(l.service, l.line)));
  show(mergeByTime(cursors.map((c) => c.read()), flags.tail));
  if (!flags.follow) return 0;
  let stop = false;
  const onSignal = () => (stop = true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // follow until asked to stop or the stack is down, as docker compose logs -f does
  while (!stop) {
    await new Promise((r) => setTimeout(r, 150));
    show(mergeByTime(cursors.map((c) => c.read())));
    if (!stackStatus(paths, stack.name).up) {
      show(mergeByTime(cursors.map((c) => c.read())));
      break;
    }
  }
  return 0;
}
