// The live task list in a terminal: one task per service with its real state (task-view.ts)
// and, while it is not ready, its latest output line under it. Log lines are held back while
// the list redraws and stream once it is done.
import { formatDuration } from './uptime.js';
import { serviceStoppedText, taggedLine } from './down-lines.js';
import { Listr } from 'listr2';
import { deferred, type Deferred } from '../async/deferred.js';
import type { RunEvent } from '../events.js';
import { restartText } from './plain.js';
import { prefixer } from './prefix.js';
import { cleanForTerminal, serviceOutput, terminalWriter } from './terminal-output.js';
import type { Reporter, ReporterOptions } from './types.js';
import { painter } from './style.js';
import { TaskView } from './task-view.js';
import { urlTable } from './urls.js';
import { appliedText, changeLine, changesHeader } from '../record/changes.js';

const HELD_LINES = 200;

type Outcome = { ok: true; title: string } | { ok: false; reason: string } | { skipped: true };

export function listrReporter(o: ReporterOptions): Reporter {
  const paint = painter(o.color);
  const write = o.write ?? terminalWriter(process.stdout, o.color);
  const serviceLine = serviceOutput(write);
  const prefix = prefixer(o.services, paint);
  const outcomes = new Map<string, Deferred<Outcome>>(o.services.map((s) => [s, deferred<Outcome>()]));
  const views = new Map(o.services.map((s) => [s, new TaskView(s, (t) => cleanForTerminal(t, o.color))]));
  let ticker: NodeJS.Timeout | undefined;
  const held: string[] = [];
  let list: Promise<unknown> | undefined;
  let after = '';

  const start = () =>
    (list ??= new Listr(
      o.services.map((name) => ({
        title: `${name}: pending`,
        task: async (_ctx: unknown, task: { title: string; output: string; skip(m: string): void }) => {
          views.get(name)!.attach(task);
          const r = await outcomes.get(name)!.promise;
          views.get(name)!.finish();
          if ('skipped' in r) return task.skip(`${name}: not started`);
          if (!r.ok) {
            task.title = `${name}: ${paint('red', 'failed')}`;
            throw new Error(cleanForTerminal(r.reason, o.color));
          }
          task.title = r.title;
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      })),
      { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: false } },
    )
      .run()
      .catch(() => {})
      .finally(() => clearInterval(ticker)));
  // the elapsed time of each probe under way
  const startTicking = () => (ticker ??= setInterval(() => views.forEach((v) => v.tick()), 1000).unref());

  const emit = (e: RunEvent) => {
    switch (e.kind) {
      case 'preflight':
        for (const c of e.checks) if (c.level === 'warn') write(`${paint('yellow', 'warn')}  ${c.message}\n`);
        return;
      case 'remap':
        return write(`${paint('yellow', 'remap')} ${e.service} port ${e.from} is busy: using ${e.to}\n`);
      case 'service:starting':
        if (after.trim()) return write(`start  ${e.service} (pid ${e.pid})\n`);
        start();
        startTicking();
        return views.get(e.service)?.starting(e.pid);
      case 'service:waiting':
        return views.get(e.service)?.probing(e.probe);
      case 'service:ready':
        if (after.trim()) return write(`${paint('green', 'ready')}  ${e.service} in ${(e.ms / 1000).toFixed(1)}s\n`);
        return outcomes.get(e.service)?.resolve({ ok: true, title: `${e.service}: ${paint('green', e.completed ? 'completed' : 'ready')} in ${(e.ms / 1000).toFixed(1)}s${e.url ? `  ${e.url}` : ''}` });
      case 'service:failed':
        if (after.trim()) return write(`${paint('red', 'failed')} ${e.service}: ${e.reason}\n`);
        start();
        return outcomes.get(e.service)?.resolve({ ok: false, reason: e.reason });
      case 'service:log':
        views.get(e.service)?.line(e.line);
        if (!o.showLogs) return;
        if (list && !after) {
          // held while the list redraws: a flood keeps its latest lines, the log file has all
          held.push(prefix(e.service, e.line));
          if (held.length > HELD_LINES) held.shift();
        }
        else serviceLine(`${prefix(e.service, e.line)}\n`);
        return;
      case 'service:exited':
        if (after && !e.expected) write(`${paint('red', 'exited')} ${e.service} ${e.signal ? `by signal ${e.signal}` : `with code ${e.code}`}\n`);
        return;
      case 'service:stopping':
        views.get(e.service)?.stopping();
        if (after && e.graceMs !== undefined) write(`stop   ${e.service}: ${e.via ?? 'SIGTERM'} sent; SIGKILL in ${formatDuration(e.graceMs)} if it has not exited\n`);
        return;
      case 'stack:stopping':
        return;
      case 'service:stopped':
        if (after) write(`${taggedLine('stop', serviceStoppedText(e.service, e.forced))}\n`);
        return;
      case 'stack:ready':
        after = `${paint('green', 'up')} stack ${e.stack}: ${e.services.length} service${e.services.length === 1 ? '' : 's'} ready in ${(e.ms / 1000).toFixed(1)}s\n${urlTable(e.services)}`;
        return;
      case 'service:restarting':
        return write(`${paint('yellow', 'restart')} ${restartText(e)}\n`);
      case 'service:unhealthy':
        return write(`${paint('red', 'health')} ${e.service} is unhealthy: ${e.reason}\n`);
      case 'service:healthy':
        return write(`${paint('green', 'health')} ${e.service} is healthy again\n`);
      case 'service:gave-up':
        return write(`${paint('red', 'failed')} ${e.service}: restart policy gave up after ${e.restarts} restarts in a row (${e.reason})\n`);
      case 'group:degraded':
        return write(`${paint('yellow', 'degraded')} ${e.group}: ${e.serving} of ${e.of} replicas serve; what depends on it keeps running\n`);
      case 'watch:limited':
        return write(`${paint('yellow', 'warning')} ${e.service}: watching stopped at ${e.limit} paths; narrow its watch: patterns (changes past them restart nothing)\n`);
      case 'state:unsaved':
        return write(`${paint('yellow', 'warning')} stack ${e.stack}: its state file cannot be written (${e.reason}); the stack goes on, devnet down still stops it\n`);
      case 'service:degraded':
        return write(`${paint('yellow', 'degraded')} ${e.service}: ${e.because.join(', ')} ${e.because.length === 1 ? 'is' : 'are'} down\n`);
      case 'stack:changes':
        if (!e.changes.length) return;
        write(`apply  ${changesHeader(e)}\n`);
        for (const c of e.changes) write(`plan   ${changeLine(c)}\n`);
        return;
      case 'stack:invalid':
        return write(`${paint('red', 'invalid')} ${e.message}\n        the stack file was not applied; stack ${e.stack} runs on as it was\n`);
      case 'stack:applied':
        return write(`${paint('green', 'applied')} ${appliedText(e.changes)} on stack ${e.stack} in ${(e.ms / 1000).toFixed(1)}s\n`);
      case 'services:done':
        for (const d of outcomes.values()) d.resolve({ skipped: true });
        after = `${paint('green', e.verb)} ${e.names.join(', ')} on stack ${e.stack} in ${(e.ms / 1000).toFixed(1)}s\n${urlTable(e.services)}`;
        return;
      case 'stack:stopped':
        for (const d of outcomes.values()) d.resolve({ skipped: true });
        if (after) write(`down   stack ${e.stack} stopped\n`);
        after ||= ' ';
        return;
    }
  };

  return {
    emit,
    async startupDone() {
      if (list) await list;
      const up = after.trim() !== '';
      if (up) write(after);
      after ||= ' ';
      // after a failure the error shows the failing service's last lines: the rest would bury it
      const lines = held.splice(0);
      if (up) for (const l of lines) serviceLine(`${l}\n`);
    },
  };
}
