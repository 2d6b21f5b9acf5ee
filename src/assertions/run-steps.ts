// Runs the steps of a test file against a running stack, in order: assertions poll until they
// hold or their `within` passes (backing off as readiness does, no fixed sleeps), actions go
// through the same requests as the CLI's commands. It prints nothing: each step's result is
// an event and a return value; the CLI reports them.
import { isSameProcess } from '../platform/identity.js';
import { platform } from '../platform/index.js';
import { LogCursor } from '../service/log/log-reader.js';
import { metricProbe } from '../service/probes/metric.js';
import { tcpProbe } from '../service/probes/tcp.js';
import type { ProbeTarget } from '../service/probes/types.js';
import { urlHost } from '../stack/launch-spec.js';
import { holds } from '../stack/metric-condition.js';
import type { ServiceRecord, StackState } from '../state/store.js';
import { matchServices, parseJsonPath, type ActionKind, type Check, type Op, type Step, type Value } from './grammar.js';

export interface TestDeps {
  /** the stack's record now (re-read on every try) */
  readState(): StackState | undefined;
  /** restart, stop, start, pause, resume: the supervisor's request API */
  request(op: Exclude<ActionKind, 'kill'>, services: string[]): Promise<void>;
  /** a shell command in the service's env and folder (as devnet exec); its exit code */
  exec(service: string, command: string, signal: AbortSignal): Promise<number>;
  /** a template of the step filled for one service (${port}, ${services.X.port}, ${env.VAR}) */
  fill(service: string, template: string): string;
  /** the service's metrics: path, if it declares one */
  metricsPath(service: string): string | undefined;
  /**
   * set: the stack runs outside devnet (docker compose, an exported file), this says so. The
   * record is the plan's addresses; what needs devnet's run (actions, log, exec) is not run
   */
  external?: string;
}

export interface StepResult {
  step: Step;
  ok: boolean;
  ms: number;
  /** what it saw last, for a failure: the value, the status, the closest log lines */
  saw?: string;
  /** not run: an earlier action failed, or --bail */
  skipped?: boolean;
}

export type TestEvent = { kind: 'step:start'; step: Step } | { kind: 'step:done'; result: StepResult };

export interface RunOptions {
  bail?: boolean;
  signal?: AbortSignal;
  emit?: (e: TestEvent) => void;
  /** first wait between tries; it grows 1.5x a try up to maxDelayMs */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

interface Outcome {
  ok: boolean;
  saw?: string;
}

export async function runSteps(steps: readonly Step[], deps: TestDeps, o: RunOptions = {}): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let stopped = false;
  for (const step of steps) {
    if (stopped || o.signal?.aborted) {
      const result: StepResult = { step, ok: false, ms: 0, skipped: true, ...(deps.external !== undefined && stopped ? { saw: 'not run: it follows an action that was not run' } : {}) };
      results.push(result);
      if (result.saw) o.emit?.({ kind: 'step:done', result });
      continue;
    }
    // outside devnet: an action cannot be taken, and the lines after it expect what it did
    const unrunnable = deps.external !== undefined && (step.kind === 'action' || (step.kind === 'assert' && (step.check.kind === 'log' || step.check.kind === 'exec')));
    if (unrunnable) {
      const result: StepResult = { step, ok: false, ms: 0, skipped: true, saw: `not run: ${step.kind === 'action' ? step.action : step.kind === 'assert' ? step.check.kind : ''} needs a stack devnet runs (${deps.external})` };
      results.push(result);
      o.emit?.({ kind: 'step:done', result });
      if (step.kind === 'action') stopped = true;
      continue;
    }
    o.emit?.({ kind: 'step:start', step });
    const t0 = Date.now();
    let r: Outcome;
    try {
      r = step.kind === 'sleep' ? await sleepStep(step.ms, o.signal) : step.kind === 'action' ? await act(step, deps) : await poll(step, deps, o);
    } catch (e) {
      r = { ok: false, saw: (e as Error).message };
    }
    // cut short by an interrupt: not a failure of the network, a step not run to its end
    const cut = !r.ok && !!o.signal?.aborted;
    const result: StepResult = { step, ok: r.ok, ms: Date.now() - t0, ...(r.saw !== undefined ? { saw: r.saw } : {}), ...(cut ? { skipped: true } : {}) };
    results.push(result);
    o.emit?.({ kind: 'step:done', result });
    // a failed action leaves the stack in a state the next lines did not expect
    if (!r.ok && (step.kind !== 'assert' || o.bail)) stopped = true;
  }
  return results;
}

async function sleepStep(ms: number, signal?: AbortSignal): Promise<Outcome> {
  return (await sleep(ms, signal)) ? { ok: true } : { ok: false, saw: 'interrupted' };
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function servicesOf(pattern: string, deps: TestDeps): { names: string[]; state: StackState | undefined } {
  const state = deps.readState();
  return { names: matchServices(pattern, Object.keys(state?.services ?? {})), state };
}

async function act(step: Extract<Step, { kind: 'action' }>, deps: TestDeps): Promise<Outcome> {
  const { names, state } = servicesOf(step.services, deps);
  if (!state) return { ok: false, saw: 'the stack is not up' };
  if (!names.length) return { ok: false, saw: `no service of the running stack matches ${step.services}` };
  if (step.action !== 'kill') {
    await deps.request(step.action, names);
    return { ok: true };
  }
  // a crash, as the service would have one: the signal to its whole process group, only
  // where the recorded process is provably the one running (its start time)
  const killed: number[] = [];
  for (const n of names) {
    const r = state.services[n]!;
    if (r.pid === undefined || r.startTime === undefined || !isSameProcess({ pid: r.pid, startTime: r.startTime })) continue;
    try {
      process.kill(-(r.pgid ?? r.pid), step.signal!);
    } catch {
      process.kill(r.pid, step.signal!);
    }
    killed.push(r.pid);
  }
  if (!killed.length) return { ok: false, saw: `${names.join(', ')}: not running, nothing to kill` };
  // a killed process is not gone the moment kill() returns: the next line must not see it
  // still answering. SIGKILL is waited for (5 s); other signals a moment, as they may be caught
  const until = Date.now() + (step.signal === 'SIGKILL' ? 5000 : 500);
  while (killed.some((pid) => platform().exists(pid)) && Date.now() < until) await sleep(10);
  return { ok: true };
}

/** How long one try waits for an answer, at least. */
const ANSWER_MS = 2000;

/** Tries until every matched service holds, or the step's `within` passes (once without one). */
async function poll(step: Extract<Step, { kind: 'assert' }>, deps: TestDeps, o: RunOptions): Promise<Outcome> {
  const deadline = Date.now() + (step.withinMs ?? 0);
  let delay = o.firstDelayMs ?? 50;
  const logs = new Map<string, { cursor: LogCursor; tail: string[] }>();
  for (;;) {
    const { names, state } = servicesOf(step.services, deps);
    let out: Outcome;
    if (!names.length) out = step.check.kind === 'down' ? { ok: true } : { ok: false, saw: state ? `no service of the running stack matches ${step.services}` : 'the stack is not up' };
    else {
      // a check tried once still gives the service time to answer: a loaded machine (CI, a
      // container's first request) can take more than a moment
      const left = Math.max(ANSWER_MS, deadline - Date.now());
      const each = await Promise.all(names.map(async (n) => [n, await checkOne(step.check, n, state!.services[n]!, deps, left, logs, o.signal)] as const));
      const bad = each.filter(([, r]) => !r.ok);
      out = bad.length ? { ok: false, saw: bad.map(([n, r]) => (names.length > 1 ? `${n}: ${r.saw}` : r.saw)).join('; ') } : { ok: true };
    }
    if (out.ok) return out;
    if (Date.now() + delay > deadline || o.signal?.aborted) return out;
    if (!(await sleep(delay, o.signal))) return out;
    delay = Math.min(delay * 1.5, o.maxDelayMs ?? 1000);
  }
}

const ACTIVE = new Set(['starting', 'running', 'ready', 'unhealthy', 'paused']);

async function checkOne(c: Check, name: string, r: ServiceRecord, deps: TestDeps, leftMs: number, logs: Map<string, { cursor: LogCursor; tail: string[] }>, signal?: AbortSignal): Promise<Outcome> {
  // the very process recorded, and not a zombie its supervisor has yet to reap
  const alive = r.pid !== undefined && r.startTime !== undefined && isSameProcess({ pid: r.pid, startTime: r.startTime }) && platform().exists(r.pid);
  switch (c.kind) {
    case 'up': {
      if (deps.external === undefined && (r.state !== 'ready' || !alive)) return { ok: false, saw: `${r.state}${r.reason ? `: ${r.reason}` : ''}` };
      for (const p of Object.values(r.ports)) {
        const t = await tcpProbe(target(r, 'tcp', Math.min(1000, leftMs), p), signal ?? new AbortController().signal);
        if (!t.ok) return { ok: false, saw: `ready, but port ${p} does not answer (${t.reason})` };
      }
      return { ok: true };
    }
    case 'down':
      if (deps.external !== undefined) {
        // no record to read: down is every port refusing
        for (const p of Object.values(r.ports)) if ((await tcpProbe(target(r, 'tcp', Math.min(1000, leftMs), p), signal ?? new AbortController().signal)).ok) return { ok: false, saw: `port ${p} answers` };
        return { ok: true };
      }
      return !ACTIVE.has(r.state) || !alive ? { ok: true } : { ok: false, saw: `${r.state} (pid ${r.pid})` };
    case 'http': {
      const path = deps.fill(name, c.path);
      const url = `http://${urlHost(r.host ?? '127.0.0.1')}:${Object.values(r.ports)[0]}${path}`;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { method: c.method, signal: AbortSignal.any([AbortSignal.timeout(Math.min(2000, leftMs)), ...(signal ? [signal] : [])]) });
        text = await res.text();
      } catch (e) {
        return { ok: false, saw: `${url}: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}` };
      }
      if (c.status) return compare(res.status, c.status.op, c.status.value) ? { ok: true } : { ok: false, saw: `status ${res.status}` };
      if (c.body !== undefined) {
        const want = deps.fill(name, c.body);
        return text.includes(want) ? { ok: true } : { ok: false, saw: `status ${res.status}, body ${short(text)}` };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, saw: `status ${res.status}, not JSON: ${short(text)}` };
      }
      const got = at(json, parseJsonPath(c.json!.path));
      if (!got.found) return { ok: false, saw: `no ${c.json!.path} in the answer (${short(text)})` };
      const want = typeof c.json!.value === 'string' ? deps.fill(name, c.json!.value) : c.json!.value;
      return compare(got.value, c.json!.op, want) ? { ok: true } : { ok: false, saw: `${c.json!.path} = ${JSON.stringify(got.value)}` };
    }
    case 'metric': {
      const path = deps.metricsPath(name);
      if (!path) return { ok: false, saw: `${name} declares no metrics: path` };
      // the probe that ready: { metric } uses: one reading of the format and the condition
      const url = `http://${urlHost(r.host ?? '127.0.0.1')}:${Object.values(r.ports)[0]}${path}`;
      const m = await metricProbe({ ...target(r, 'metric', Math.min(2000, leftMs)), url, metric: { name: c.name, labels: c.labels, op: c.op, value: c.value } }, signal ?? new AbortController().signal);
      return m.ok ? { ok: true } : { ok: false, saw: m.reason };
    }
    case 'log': {
      let l = logs.get(name);
      if (!l) logs.set(name, (l = { cursor: new LogCursor(name, r.logFile), tail: [] }));
      for (const line of l.cursor.read()) {
        c.regex.lastIndex = 0;
        if (c.regex.test(line.line)) return { ok: true };
        l.tail.push(line.line);
        if (l.tail.length > 3) l.tail.shift();
      }
      return { ok: false, saw: l.tail.length ? `last lines: ${l.tail.map((x) => JSON.stringify(short(x, 100))).join(', ')}` : 'no log lines' };
    }
    case 'exec': {
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), Math.max(leftMs, 10_000));
      try {
        const code = await deps.exec(name, deps.fill(name, c.command), ac.signal);
        return code === c.exits ? { ok: true } : { ok: false, saw: `exit ${code}` };
      } finally {
        clearTimeout(t);
      }
    }
  }
}

/** A probe's target for the service as recorded: probes of devnet test, like health, trust what readiness proved. */
function target(r: ServiceRecord, kind: 'tcp' | 'metric', timeoutMs: number, port = Object.values(r.ports)[0]): ProbeTarget {
  return { kind, host: r.host ?? '127.0.0.1', port, owned: false, pid: r.pid ?? 0, pgid: r.pgid ?? 0, timeoutMs };
}

function at(v: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let cur: unknown = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return { found: false };
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return { found: true, value: cur };
}

/** `got OP want`: numbers by value, == and != on any JSON value, contains on strings and arrays. */
export function compare(got: unknown, op: Op, want: Value): boolean {
  switch (op) {
    case '==':
      return got === want || (typeof got === 'object' && got !== null && JSON.stringify(got) === JSON.stringify(want));
    case '!=':
      return !compare(got, '==', want);
    case 'contains':
      return typeof got === 'string' ? got.includes(String(want)) : Array.isArray(got) ? got.some((x) => x === want) : false;
    default: {
      return typeof got === 'number' && typeof want === 'number' && holds(got, op, want);
    }
  }
}

const short = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…` : s).replace(/\s+/g, ' ');
