// devnet test FILE...: the assertions of test files against the running stack (see
// src/assertions/). `--up` brings the stack up first and down afterwards, also when a step
// fails or the run is interrupted; the steps act through the same requests as the CLI.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ExitCode, StackError, UsageError } from '../../errors.js';
import { matchServices, parseTestFile, type Step } from '../../assertions/grammar.js';
import type { StepResult, TestDeps } from '../../assertions/run-steps.js';
import type { SuiteResult } from '../../assertions/junit.js';
import { colorEnabled, liveViewFits, painter } from '../../report/style.js';
import { cleanForTerminal } from '../../report/terminal-output.js';
import { interpolate } from '../../stack/interpolate.js';
import { interpolationContext } from '../../stack/interpolation-context.js';
import { resolveStack } from '../../stack/resolve.js';
import { execEnv, type ResolvedService } from '../../stack/resolved-config.js';
import { readState, type StackState } from '../../state/store.js';
import { isLaunchable } from '../../stack/model.js';
import { openStack, print, printJson, shownPath } from '../context.js';
import type { StackFlags } from '../flags.js';
import { liveSupervisor } from './steer.js';

interface Flags extends StackFlags {
  up?: boolean;
  junit?: string;
  json?: boolean;
  bail?: boolean;
  external?: boolean;
}

/** The test file beside a stack file: stacks/demo.yaml -> stacks/demo.test. */
export function testFileOf(stackFile: string): string {
  return join(dirname(stackFile), `${basename(stackFile, extname(stackFile))}.test`);
}

export async function test(files: string[], flags: Flags): Promise<number> {
  const resolved = resolveStack({ stack: flags.stack });
  const given = files.length ? files : [testFileOf(resolved.file)];
  for (const f of given) if (!existsSync(f)) throw new UsageError(`no test file ${shownPath(f)}`, { hint: files.length ? undefined : `devnet test looks for ${basename(given[0]!)} beside the stack file; name one: devnet test FILE` });
  if (flags.up && flags.external) throw new UsageError('--up and --external exclude each other: --external tests a stack devnet did not start');
  const { stack, paths } = await openStack(flags, resolved);
  const names = Object.keys(stack.services);
  // every file parsed before anything runs: a bad line is exit 2, nothing started
  const parsed = given.map((f) => ({ file: f, ...parseTestFile(readFileSync(f, 'utf8'), shownPath(f), names) }));
  const problems = parsed.flatMap((p) => p.problems);
  if (problems.length) throw new StackError(problems, { hint: 'the grammar: docs/testing.md' });
  checkTemplates(parsed, stack, problems);
  if (problems.length) throw new StackError(problems);

  if (!flags.json) print(`stack ${paths.stackId} (${shownPath(stack.file)}): ${parsed.reduce((n, p) => n + p.steps.length, 0)} steps in ${given.map(shownPath).join(', ')}`);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const cliArgs = ['--stack', stack.file, '--port-offset', String(flags.portOffset)];
  let broughtUp = false;
  try {
    if (flags.up) {
      const code = await devnetChild(['up', '-d', ...cliArgs]);
      if (code !== 0) return code;
      broughtUp = true;
      // interrupted while it came up: every step is reported as not run, and the stack goes
    }
    let deps: TestDeps;
    if (flags.external) deps = externalDeps(stack, paths);
    else {
      let state;
      try {
        state = liveSupervisor(paths, 'test');
      } catch (e) {
        throw new UsageError((e as Error).message, { hint: 'devnet test --up brings the stack up first and down afterwards; --external tests one that runs elsewhere (docker compose) at the plan\'s addresses' });
      }
      deps = testDeps(stack, paths, state.control ?? paths.controlSocket);
    }
    const { runSteps } = await import('../../assertions/run-steps.js');
    const suites: SuiteResult[] = [];
    const paint = painter(colorEnabled());
    // in a terminal, the step under way on a line of its own, replaced by its result
    const live = !flags.json && colorEnabled() && liveViewFits();
    for (const p of parsed) {
      const results = await runSteps(p.steps, deps, {
        bail: flags.bail,
        signal: abort.signal,
        emit: (e) => {
          if (flags.json) return;
          if (e.kind === 'step:start') {
            if (live) process.stdout.write(cleanForTerminal(paint('dim', `…     ${shownPath(p.file)}:${e.step.line}  ${e.step.text}`.slice(0, (process.stdout.columns ?? 80) - 1)), true));
            return;
          }
          if (live) process.stdout.write('\r\x1b[2K');
          if (!e.result.skipped || e.result.saw) printResult(e.result, p.file, paint);
        },
      });
      suites.push({ file: shownPath(p.file), stack: paths.stackId, results });
    }
    const all = suites.flatMap((s) => s.results);
    const passed = all.filter((r) => r.ok).length;
    const skipped = all.filter((r) => r.skipped).length;
    const failed = all.length - passed - skipped;
    const ms = all.reduce((n, r) => n + r.ms, 0);
    if (flags.junit) {
      const { junitXml } = await import('../../assertions/junit.js');
      writeFileSync(flags.junit, junitXml(suites));
    }
    // --external: what needs devnet's run is not run, and says so; it fails nothing
    const unrun = flags.external ? 0 : skipped;
    if (flags.json)
      printJson({
        ok: failed === 0 && unrun === 0,
        stack: paths.stackId,
        passed,
        failed,
        skipped,
        interrupted: abort.signal.aborted,
        files: suites.map((s) => ({ file: s.file, steps: s.results.map(resultJson) })),
      });
    else print(`${abort.signal.aborted ? 'interrupted: ' : ''}${passed} passed, ${failed} failed${skipped ? `, ${skipped} not run` : ''} (${(ms / 1000).toFixed(1)}s)${flags.junit ? `; JUnit in ${flags.junit}` : ''}`);
    return failed || unrun || abort.signal.aborted ? ExitCode.failed : ExitCode.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // whatever happened above: what --up started goes
    if (broughtUp) await devnetChild(['down', ...cliArgs]);
  }
}

function resultJson(r: StepResult) {
  const s = r.step;
  return { line: s.line, text: s.text, kind: s.kind, ok: r.ok, ms: r.ms, ...(r.saw !== undefined ? { saw: r.saw } : {}), ...(r.skipped ? { skipped: true } : {}) };
}

function printResult(r: StepResult, file: string, paint: ReturnType<typeof painter>): void {
  const where = `${shownPath(file)}:${r.step.line}`;
  const secs = `(${(r.ms / 1000).toFixed(1)}s)`;
  if (r.ok) print(`${paint('green', 'ok  ')}  ${where}  ${r.step.text}  ${paint('dim', secs)}`);
  else if (r.skipped) print(`${paint('dim', 'skip')}  ${where}  ${r.step.text}  ${paint('dim', `(${r.saw})`)}`);
  else {
    print(`${paint('red', 'FAIL')}  ${where}  ${r.step.text}  ${paint('dim', secs)}`);
    if (r.saw) print(`      saw: ${r.saw}`);
  }
}

/** devnet itself, for --up's up -d and down: the same commands a user runs, their output on stderr. */
function devnetChild(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 2, 2] });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once('error', () => resolve(1));
  });
}

/** A ${...} in a step that cannot be filled for a service it names is a problem at its line. */
function checkTemplates(parsed: { file: string; steps: Step[] }[], stack: Loaded['stack'], problems: { file?: string; line?: number; col?: number; message: string }[]): void {
  for (const p of parsed)
    for (const s of p.steps) {
      if (s.kind !== 'assert') continue;
      const templates = [s.check.kind === 'http' ? s.check.path : '', s.check.kind === 'http' && typeof s.check.json?.value === 'string' ? s.check.json.value : '', s.check.kind === 'http' ? (s.check.body ?? '') : '', s.check.kind === 'exec' ? s.check.command : ''].filter((t) => t.includes('${'));
      for (const name of matchServices(s.services, Object.keys(stack.services)))
        for (const t of templates)
          try {
            interpolate(t, interpolationContext(stack, name, process.env));
          } catch (e) {
            problems.push({ file: shownPath(p.file), line: s.line, col: s.servicesCol, message: `${name}: ${(e as Error).message}` });
          }
    }
}

type Loaded = Awaited<ReturnType<typeof openStack>>;

/** What the steps read from the stack itself: templates filled as for the service, its metrics path. */
function planDeps(stack: Loaded['stack']): Pick<TestDeps, 'fill' | 'metricsPath'> {
  return {
    fill: (service, template) => (template.includes('${') && stack.services[service] ? interpolate(template, interpolationContext(stack, service, process.env)) : template),
    metricsPath: (service) => stack.services[service]?.metrics,
  };
}

/**
 * A stack that runs outside devnet (an exported compose file, by hand): the record is the
 * plan itself, every launched service at its planned address and ports, and the checks reach
 * them there; what needs devnet's run is reported as not run.
 */
function externalDeps(stack: Loaded['stack'], paths: Loaded['paths']): TestDeps {
  const services = Object.values(stack.services).filter((s) => isLaunchable(s) && !s.profiles.length);
  const state: StackState = {
    version: 0,
    stack: stack.name,
    stackId: paths.stackId,
    stackFile: stack.file,
    runId: 'external',
    supervisor: { pid: 0, startTime: 0 },
    startedAt: new Date().toISOString(),
    order: services.map((s) => s.name),
    services: Object.fromEntries(services.map((s) => [s.name, { name: s.name, state: 'ready', ports: s.ports, host: s.host, logFile: '', stopTimeoutMs: s.stopTimeoutMs, dependsOn: Object.keys(s.dependsOn) }])),
  };
  const fail = () => Promise.reject(new Error('not run outside devnet'));
  return {
    readState: () => state,
    request: fail,
    exec: fail,
    ...planDeps(stack),
    external: '--external',
  };
}

/** What the steps act through: the record, the supervisor's requests, exec in a service's env, the stack's interpolation. */
function testDeps(stack: Loaded['stack'], paths: Loaded['paths'], socket: string): TestDeps {
  const resolved = new Map<string, ResolvedService>();
  return {
    readState: () => {
      try {
        return readState(paths.stateFile);
      } catch {
        return undefined;
      }
    },
    async request(op, services) {
      const { controlRequest } = await import('../../control/client.js');
      await controlRequest(socket, { op, services, stateDir: paths.dir });
    },
    async exec(service, command, signal) {
      let r = resolved.get(service);
      if (!r) {
        const { controlExchange } = await import('../../control/client.js');
        r = (await controlExchange(socket, { op: 'config', services: [service], stateDir: paths.dir, reveal: true })).config?.[0];
        if (!r) throw new Error(`${service}: the supervisor knows no such service`);
        resolved.set(service, r);
      }
      const env = execEnv(r, process.env, { stackId: paths.stackId, runId: readState(paths.stateFile)?.runId });
      return new Promise((resolve) => {
        const child = spawn('/bin/sh', ['-c', command], { cwd: r.cwd, env, stdio: 'ignore', signal });
        child.once('exit', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
        child.once('error', () => resolve(127));
      });
    },
    ...planDeps(stack),
  };
}
