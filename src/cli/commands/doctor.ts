import { StackError, formatProblem } from '../../errors.js';
import { doctorExitCode, runDoctor } from '../../doctor/doctor.js';
import type { Level } from '../../check.js';
import { colorEnabled, painter } from '../../report/style.js';
import { selectServices } from '../../stack/select.js';
import { openStack, print, printJson, shownPath } from '../context.js';
import type { StackFlags } from '../flags.js';

interface Flags extends StackFlags {
  strict?: boolean;
  json?: boolean;
  profile?: string[];
}

export async function doctor(flags: Flags): Promise<number> {
  let ctx;
  try {
    ctx = await openStack(flags, undefined, true);
  } catch (e) {
    if (!(flags.json && e instanceof StackError)) throw e;
    printJson({ ok: false, stack: null, checks: e.problems.map((p) => ({ id: 'stack.invalid', level: 'error', message: formatProblem(p) })) });
    return e.exitCode;
  }
  const { stack, warnings, paths } = ctx;
  const report = await runDoctor(stack, {
    services: selectServices(stack, { profiles: flags.profile }),
    warnings,
    stackId: paths.stackId,
    stateFile: paths.stateFile,
    lockFile: paths.lockFile,
    strict: flags.strict,
  });
  const code = doctorExitCode(report);
  if (flags.json) {
    printJson(report);
    return code;
  }
  const paint = painter(colorEnabled());
  const mark: Record<Level, string> = { ok: paint('green', 'ok   '), warn: paint('yellow', 'warn '), error: paint('red', 'error') };
  print(`devnet doctor: stack ${paths.stackId} (${shownPath(stack.file)})`);
  for (const c of report.checks) print(`  ${mark[c.level]} ${c.message}`);
  const count = (l: Level, word: string) => {
    const n = report.checks.filter((c) => c.level === l).length;
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  };
  print(`${count('error', 'error')}, ${count('warn', 'warning')}, ${count('ok', 'check')} ok`);
  return code;
}
