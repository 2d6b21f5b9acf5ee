// devnet ui: one screen to watch and steer the running stack (see src/ui/). It attaches to the
// stack over its control socket and state folder; leaving it (q) leaves the stack running.
// devnet up --ui opens the same screen on the stack it starts (src/cli/commands/up.ts).
import { NoSupervisorError, UsageError } from '../../errors.js';
import { colorEnabled } from '../../report/style.js';
import type { StatePaths } from '../../state/paths.js';
import { isRecordAlive, readState } from '../../state/store.js';
import { isSameProcess } from '../../platform/identity.js';
import { UiController, type UiEnd } from '../../ui/controller.js';
import { announce, openForRun, print, shownPath } from '../context.js';
import type { StackFlags } from '../flags.js';
import { loadView } from '../view-loader.js';

export interface UiSession {
  /** how the user left: q (or Ctrl-C), or D once the stack is down */
  end: Promise<UiEnd>;
  close(): void;
}

/** Why devnet ui cannot draw here, if it cannot: it needs a terminal on both ends. */
export function uiRefusal(): string | undefined {
  if (!process.stdout.isTTY) return 'its output is not a terminal';
  if (!process.stdin.isTTY) return 'its input is not a terminal';
  return undefined;
}

export async function openUi(paths: StatePaths, stackFile: string, foreground: boolean): Promise<UiSession> {
  const view = await loadView();
  const controller = new UiController({ paths, stackFile: shownPath(stackFile), foreground, supervisorPid: foreground ? process.pid : undefined });
  controller.start();
  const shown = view.showView(controller, { color: colorEnabled() });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    controller.stop();
    shown.close();
  };
  const end = Promise.race([controller.done, shown.closed.then((): UiEnd => 'quit')]).finally(close);
  return { end, close };
}

export async function ui(flags: StackFlags): Promise<number> {
  const refused = uiRefusal();
  if (refused) throw new UsageError(`devnet ui needs a terminal: ${refused}`, { hint: 'devnet status (--json) and devnet logs -f give the same for scripts and pipes' });
  const ctx = await openForRun(flags);
  let state;
  try {
    state = readState(ctx.paths.stateFile);
  } catch {
    state = undefined;
  }
  const left = !!state && (isSameProcess(state.supervisor) || Object.values(state.services).some(isRecordAlive));
  if (!state || !left) throw new NoSupervisorError(`stack ${ctx.paths.stackId} is not up`, { hint: 'devnet up -d starts it; devnet up --ui starts it with this screen' });
  announce(ctx);
  const session = await openUi(ctx.paths, ctx.stackFile, false);
  const end = await session.end;
  print(end === 'down' ? `stack ${ctx.paths.stackId} is down` : `left devnet ui; stack ${ctx.paths.stackId} keeps running (devnet ui comes back to it)`);
  return 0;
}
