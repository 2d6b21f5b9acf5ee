import { ExitCode, quote, UsageError } from '../../errors.js';
import { prefixer } from '../../report/prefix.js';
import { colorEnabled, painter } from '../../report/style.js';
import { LogCursor, mergeByTime, tailAcrossRotations } from '../../service/log/log-reader.js';
import { checkPattern, LogFilter } from '../../service/log/log-filter.js';
import { stackStatus } from '../../record/status.js';
import { readState } from '../../state/store.js';
import { didYouMean } from '../../stack/schema-dsl.js';
import { announce, openForRun, print, upElsewhere } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  follow?: boolean;
  tail?: number;
  since?: string;
  until?: string;
  timestamps?: boolean;
  grep?: string;
  ignoreCase?: boolean;
  invertMatch?: boolean;
  /** --no-prefix */
  prefix?: boolean;
}

/** `--since`: an ISO time, or a duration back from now (30s, 10m, 2h); an ISO string to compare with. */
export function parseSince(v: string, now = Date.now(), flag = '--since'): string {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (m) return new Date(now - Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`${flag}: expected a time (2026-11-22T10:00:00Z) or a duration (30s, 10m, 2h), got \`${v}\``);
  return new Date(t).toISOString();
}

/** The lines asked for, or a usage error naming the flag that is wrong. */
export function logFilter(flags: Pick<Flags, 'grep' | 'ignoreCase' | 'invertMatch' | 'since' | 'until'>, now = Date.now()): LogFilter {
  if (flags.grep !== undefined) {
    const bad = checkPattern(flags.grep, flags.ignoreCase);
    if (bad) throw new UsageError(`--grep: ${bad}`, { hint: 'a JavaScript regular expression, as /.../ holds it without the slashes: --grep "block \\d+ sealed"' });
  } else if (flags.invertMatch || flags.ignoreCase) throw new UsageError(`${flags.invertMatch ? '--invert-match' : '--ignore-case'} needs --grep REGEX`);
  const since = flags.since === undefined ? undefined : parseSince(flags.since, now);
  const until = flags.until === undefined ? undefined : parseSince(flags.until, now, '--until');
  return new LogFilter({ grep: flags.grep, ignoreCase: flags.ignoreCase, invert: flags.invertMatch, since, until });
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
  const filter = logFilter(flags);
  const withPrefix = prefixer(names, painter(colorEnabled()));
  const prefix = flags.prefix === false ? (_: string, line: string) => line : withPrefix;
  const cursors = names.map((n) => new LogCursor(n, paths.logFile(n)));
  const show = (lines: ReturnType<typeof mergeByTime>) => {
    // one write per batch: a --grep over a big log prints many lines, and a write each would cost more than the search
    let out = '';
    for (const l of lines) out += `${prefix(l.service, flags.timestamps ? `${l.at} ${l.line}` : l.line)}\n`;
    if (out) print(out.slice(0, -1));
  };
  const read = cursors.map((c) => c.read(filter));
  // a log that just rotated at its size cap: its last lines of this run are in the file before it
  const { tail } = flags;
  const runStart = tail !== undefined && read.some((l) => l.length < tail) ? readStartedAt(paths.stateFile) : undefined;
  show(mergeByTime(tail !== undefined && runStart ? read.map((l, i) => tailAcrossRotations(cursors[i]!, l, tail, runStart, filter)) : read, tail));
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
    show(mergeByTime(cursors.map((c) => c.read(filter))));
    if (!stackStatus(paths, ctx.stackName).up) {
      show(mergeByTime(cursors.map((c) => c.read(filter))));
      process.stderr.write(`stack ${paths.stackId} is down: no more lines to follow\n`);
      break;
    }
  }
  return ExitCode.ok;
}

function readStartedAt(stateFile: string): string | undefined {
  try {
    return readState(stateFile)?.startedAt;
  } catch {
    // a damaged state: the current files are all there is to go on
    return undefined;
  }
}
