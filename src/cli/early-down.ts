// devnet down before the CLI loads (bin/devnet.cjs; built alone as dist/early-down.cjs): the
// stop request goes out at once (control/early-down.ts), the down's first lines are printed
// as it goes, and where the answer is the usual one the down ends here, in the words the CLI
// uses (report/down-lines.ts). Otherwise the CLI loads and finishes from the answer.
import { askDownEarly, finishEarly, type EarlyDown } from '../control/early-down.js';
import { downJson, downText, serviceStoppedText, stackLine, stackStoppingText, taggedLine } from '../report/down-lines.js';
import { print, printJson, shownPath } from './output.js';

/** `code`: the down ended here; else the CLI runs, with `down` when the request went out. */
export type EarlyOutcome = { code: number } | { down?: EarlyDown };

/** undefined: not a down this path takes (the CLI runs as usual). */
export function downEarly(args: readonly string[]): Promise<EarlyOutcome> | undefined {
  const early = askDownEarly(args);
  if (!early) return undefined;
  const { down } = early;
  const { json } = early.flags;
  return early.sent.then(async (sent): Promise<EarlyOutcome> => {
    if (!sent) {
      down.socket.destroy();
      return {};
    }
    if (!json) {
      print(stackLine(down.entry.stackId, shownPath(down.entry.stackFile)));
      print(taggedLine('stop', stackStoppingText(down.entry.stackId, down.supervisor.pid, down.budgetMs)));
      down.said = true;
    }
    // (whatever fails here, the CLI finishes the down from the answer)
    const stopped = await finishEarly(down).catch(() => undefined);
    if (!stopped) return { down };
    const result = { wasUp: true, stopped, held: [], survivors: [] };
    if (json) printJson(downJson(down.entry.stackId, result));
    else {
      for (const name of stopped) print(taggedLine('stop', serviceStoppedText(name, false)));
      print(downText(down.entry.stackId, false));
    }
    return { code: 0 };
  });
}
