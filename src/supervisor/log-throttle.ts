// Service output sent to a client (the CLI of up -d while the stack starts, a control
// client while its request runs) is for its live view's latest line: at most ten lines a
// second per service. The log files have them all.
import type { Emit } from '../events.js';

export const LINES_PER_SECOND = 10;

export function throttleLogs(emit: Emit, now: () => number = Date.now): Emit {
  const last = new Map<string, number>();
  return (event) => {
    if (event.kind === 'service:log') {
      const t = now();
      if (t - (last.get(event.service) ?? -Infinity) < 1000 / LINES_PER_SECOND) return;
      last.set(event.service, t);
    }
    emit(event);
  };
}
