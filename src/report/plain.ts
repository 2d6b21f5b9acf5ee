// Plain lines for CI, pipes and NO_COLOR: one line per event, nothing redrawn.
import { formatDuration } from './uptime.js';
import { serviceStoppedText, stackStoppingText, taggedLine } from './down-lines.js';
import type { RunEvent } from '../events.js';
import { prefixer } from './prefix.js';
import { serviceOutput, terminalWriter } from './terminal-output.js';
import type { Reporter, ReporterOptions } from './types.js';
import { painter } from './style.js';
import { urlTable } from './urls.js';
import { appliedText, changeLine, changesHeader } from '../record/changes.js';

export function restartText(e: Extract<RunEvent, { kind: 'service:restarting' }>): string {
  if (!e.byPolicy) return `${e.service}: ${e.reason}`;
  const wait = e.delayMs ? ` in ${(e.delayMs / 1000).toFixed(1)}s` : '';
  return `${e.service} ${e.reason}; restart ${e.restarts}${wait}${e.logTail.length ? `; last lines:\n${e.logTail.map((l) => `         ${l}`).join('\n')}` : ''}`;
}

export function plainReporter(o: ReporterOptions): Reporter {
  const paint = painter(o.color);
  const write = o.write ?? terminalWriter(process.stdout, o.color);
  const serviceLine = serviceOutput(write);
  const prefix = prefixer(o.services, paint);
  const line = (tag: string, text: string) => write(`${taggedLine(tag, text)}\n`);
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const emit = (e: RunEvent) => {
    switch (e.kind) {
      case 'preflight':
        for (const c of e.checks) if (c.level === 'warn') line(paint('yellow', 'warn'), c.message);
        break;
      case 'remap':
        return line(paint('yellow', 'remap'), `${e.service}${e.portName === 'default' ? '' : `.${e.portName}`} port ${e.from} is busy: using ${e.to}`);
      case 'service:starting':
        return line('start', `${e.service} (pid ${e.pid}): ${e.command}`);
      case 'service:waiting':
        return line('wait', `${e.service}: ${e.probe}`);
      case 'service:ready':
        return line(paint('green', e.completed ? 'done' : 'ready'), `${e.service}${e.completed ? ' completed' : ''} in ${secs(e.ms)}${e.url ? `  ${e.url}` : ''}`);
      case 'service:failed':
        return line(paint('red', 'failed'), `${e.service}: ${e.reason}`);
      case 'service:exited':
        // a one-shot task's clean exit is said once, by its ready event (done migrate completed in 0.4s)
        if (e.expected) return;
        return line(paint('red', 'exited'), `${e.service} ${e.signal ? `by signal ${e.signal}` : `with code ${e.code}`}`);
      case 'service:log':
        if (o.showLogs) serviceLine(`${prefix(e.service, e.line)}\n`);
        return;
      case 'service:stopping':
        return e.graceMs === undefined ? undefined : line('stop', `${e.service}: ${e.via ?? 'SIGTERM'} sent; SIGKILL in ${formatDuration(e.graceMs)} if it has not exited`);
      case 'stack:stopping':
        return line('stop', stackStoppingText(e.stack, e.supervisorPid, e.ms));
      case 'service:stopped':
        return line('stop', serviceStoppedText(e.service, e.forced));
      case 'stack:ready':
        line(paint('green', 'up'), `stack ${e.stack}: ${e.services.length} service${e.services.length === 1 ? '' : 's'} ready in ${secs(e.ms)}`);
        return write(urlTable(e.services));
      case 'stack:stopped':
        return line('down', `stack ${e.stack} stopped`);
      case 'service:restarting':
        return line(paint('yellow', 'restart'), restartText(e));
      case 'service:unhealthy':
        return line(paint('red', 'health'), `${e.service} is unhealthy: ${e.reason}`);
      case 'service:healthy':
        return line(paint('green', 'health'), `${e.service} is healthy again`);
      case 'service:gave-up':
        return line(paint('red', 'failed'), `${e.service}: restart policy gave up after ${e.restarts} restarts in a row (${e.reason})`);
      case 'group:degraded':
        return line(paint('yellow', 'degraded'), `${e.group}: ${e.serving} of ${e.of} replicas serve; what depends on it keeps running`);
      case 'watch:limited':
        return line(paint('yellow', 'warning'), `${e.service}: watching stopped at ${e.limit} paths; narrow its watch: patterns (changes past them restart nothing)`);
      case 'state:unsaved':
        return line(paint('yellow', 'warning'), `stack ${e.stack}: its state file cannot be written (${e.reason}); the stack goes on, devnet down still stops it`);
      case 'service:degraded':
        return line(paint('yellow', 'degraded'), `${e.service}: ${e.because.join(', ')} ${e.because.length === 1 ? 'is' : 'are'} down`);
      case 'stack:changes':
        if (!e.changes.length) return;
        line('apply', changesHeader(e));
        for (const c of e.changes) line('plan', changeLine(c));
        return;
      case 'stack:invalid':
        return line(paint('red', 'invalid'), `${e.message}\n       the stack file was not applied; stack ${e.stack} runs on as it was`);
      case 'stack:applied':
        return line(paint('green', 'applied'), `${appliedText(e.changes)} on stack ${e.stack} in ${secs(e.ms)}`);
      case 'services:done':
        line(paint('green', e.verb), `${e.names.join(', ')} on stack ${e.stack} in ${secs(e.ms)}`);
        return write(urlTable(e.services));
    }
  };
  return { emit, startupDone: async () => {} };
}
