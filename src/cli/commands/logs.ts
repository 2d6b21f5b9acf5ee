import { ExitCode, quote, UsageError } from '../../errors.js';
import { prefixer } from '../../report/prefix.js';
import { colorEnabled, painter } from '../../report/style.js';
import { LogCursor, mergeByTime } from '../../service/log/log-reader.js';
import { stackStatus } from '../../record/status.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import { announce, openForRun, print, upElsewhere } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  follow?: boolean;
  tail?: number;
  since?: string;
  timestamps?: boolean;
}

/** `--since`: an ISO time, or a duration back from now (30s, 10m, 2h); an ISO string to compare with. */
export function parseSince(v: string, now = Date.now()): string {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (m) return new Date(now - Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--since: expected a time (2026-11-22T10:00:00Z) or a duration (30s, 10m, 2h), got \`${v}\``);
  return new Date(t).toISOString();
}

export async function logs(services: string[], flags: Flags): Promise<number> {
  const ctx = await openForRun(flags);
  const { paths } = ctx;
  // logs stream to stdout: no header there, only the note (on stderr) when the record is used
  announce(ctx, true);
  const known = ctx.services;
  for (const s of services)
    if (!known.includes(s)) throw new UsageError(`stack ${paths.stackId} has no service ${quote(s)}${didYouMean(s, known)}`, { hint: `its services: ${known.join(', ')}` });
  const up = stackStatus(paths, ctx.stackName).up;
  const elsewhere = up ? undefined : upElsewhere(paths, ctx.stackFile);
  if (elsewhere) process.stderr.write(`note: stack ${paths.stackId} is not up; these lines are from its last run. ${elsewhere}\n`);
  const names = services.length ? services : known;
  const prefix = prefixer(names, painter(colorEnabled()));
  const cursors = names.map((n) => new LogCursor(n, paths.logFile(n)));
  const since = flags.since === undefined ? undefined : parseSince(flags.since);
  const show = (lines: ReturnType<typeof mergeByTime>) =>
    lines.forEach((l) => (since === undefined || l.at >= since) && print(prefix(l.service, flags.timestamps ? `${l.at} ${l.line}` : l.line)));
  show(mergeByTime(cursors.map((c) => c.read().filter((l) => since === undefined || l.at >= since)), flags.tail));
  if (!flags.follow) return ExitCode.ok;
  if (!up) {
    process.stderr.write(`stack ${paths.stackId} is not up: nothing to follow (the lines above are from its last run)\n`);
    return ExitCode.ok;
  }
  let stop = false;
  const onSignal = () => (stop = true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // follow until asked to stop or the stack is down, as docker compose logs -f does
  while (!stop) {
    await new Promise((r) => setTimeout(r, 150));
    show(mergeByTime(cursors.map((c) => c.read())));
    if (!stackStatus(paths, ctx.stackName).up) {
      show(mergeByTime(cursors.map((c) => c.read())));
      process.stderr.write(`stack ${paths.stackId} is down: no more lines to follow\n`);
      break;
    }
  }
  return ExitCode.ok;
}
