// Cross-field rules on a normalized stack. Each rule pushes every problem it finds,
// so the user sees them all at once; positions are added by load from the paths.
import { parseMetricCondition } from './metric-condition.js';
import { quote } from '../errors.js';
import { nestedQuantifier } from './regex-safety.js';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { splitCommand } from './argv.js';
import { findCycle } from './graph.js';
import { InterpolationError, interpolate, references, type InterpolationContext } from './interpolate.js';
import { interpolationContext } from './interpolation-context.js';
import { conflicts } from './address-conflict.js';
import { dataDir, isInside } from './files.js';
import { isLaunchable, type PortSpan, type Service, type Stack } from './model.js';
import { dict, own } from './own.js';
import { didYouMean, type PathSegment } from './schema-dsl.js';

export interface RuleProblem extends Problem {
  segments: PathSegment[];
  atKey?: boolean;
}

type Push = (segments: PathSegment[], message: string, atKey?: boolean) => void;

export function checkStack(stack: Stack, processEnv: Record<string, string | undefined>): { errors: RuleProblem[]; warnings: RuleProblem[] } {
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const err: Push = (segments, message, atKey) => errors.push({ segments, message, atKey });
  const warn: Push = (segments, message, atKey) => warnings.push({ segments, message, atKey });
  checkCommands(stack, err);
  checkDependencies(stack, err);
  checkPortBounds(stack, err);
  checkClaims(stack, err);
  checkGroups(stack, err);
  checkReady(stack, err);
  checkInterpolation(stack, processEnv, err);
  checkFilesAndData(stack, processEnv, err);
  checkLifecycle(stack, warn);
  checkWildcardBinds(stack, warn);
  return { errors, warnings };
}

const svcPath = (name: string, ...rest: PathSegment[]): PathSegment[] => ['services', name, ...rest];

function checkCommands(stack: Stack, err: Push) {
  for (const s of Object.values(stack.services)) {
    if (s.status !== 'planned' && s.command === undefined && !s.engine) err(svcPath(s.name), 'missing "command" (add one, or mark the service status: planned)');
    const commands: [PathSegment[], string | string[] | undefined, boolean][] = [
      [['command'], s.command, s.shell],
      [['fallback'], s.fallback, s.shell],
      [['ready', 'exec'], s.ready.exec?.command, !!s.ready.exec?.shell],
      [['health', 'exec'], s.health?.exec?.command, !!s.health?.exec?.shell],
    ];
    for (const [at, cmd, shell] of commands) {
      if (cmd === undefined) continue;
      const key = at.join('.');
      const path = svcPath(s.name, ...at);
      const words = typeof cmd === 'string' ? [cmd] : cmd;
      if (!words.join('').trim() || (typeof cmd !== 'string' && !cmd[0]!.trim())) err(path, `${key} is empty: name the program to run`);
      else if (words.some((w) => w.includes('\0'))) err(path, `${key} contains a NUL byte, which no program can receive`);
      else if (typeof cmd === 'string' && !shell) {
        try {
          splitCommand(cmd);
        } catch (e) {
          err(path, (e as Error).message);
        }
      }
    }
    for (const [k, v] of Object.entries(s.env)) if (v.includes('\0')) err(svcPath(s.name, 'env', k), 'contains a NUL byte, which no environment variable can hold');
  }
  for (const [k, v] of Object.entries(stack.env)) if (v.includes('\0')) err(['env', k], 'contains a NUL byte, which no environment variable can hold');
}

function checkDependencies(stack: Stack, err: Push) {
  const names = Object.keys(stack.services);
  for (const s of Object.values(stack.services)) {
    Object.keys(s.dependsOn).forEach((dep, i) => {
      const target = own(stack.services, dep);
      if (!target) err(svcPath(s.name, 'depends_on', i), `unknown service ${quote(dep)}${didYouMean(dep, names)}`);
      else if (target.status === 'planned') err(svcPath(s.name, 'depends_on', i), `depends on "${dep}", which is planned and never launched`);
      else if (s.dependsOn[dep] === 'completed' && target.ready.kind !== 'exit')
        err(svcPath(s.name, 'depends_on', dep), `condition completed waits for "${dep}" to exit 0, but it is not a one-shot task; give it ready: { exit: true }, or use condition ready`);
    });
  }
  const cycle = findCycle(dict(Object.values(stack.services).map((s) => [s.name, Object.keys(s.dependsOn)])));
  if (cycle) err(svcPath(cycle[0]!, 'depends_on'), `dependency cycle: ${cycle.join(' -> ')}`);
}

function checkPortBounds(stack: Stack, err: Push) {
  const offset = stack.portOffset ? ` (with --port-offset ${stack.portOffset})` : '';
  for (const s of Object.values(stack.services))
    for (const [name, port] of Object.entries(s.ports))
      if (port < 1 || port > 65535) err(svcPath(s.name, name === 'default' ? 'port' : 'ports'), `port ${port}${offset} is outside 1-65535`);
  for (const s of Object.values(stack.services))
    for (const [name, port] of Object.entries(s.udpPorts)) if (port < 1 || port > 65535) err(svcPath(s.name, 'udp_ports', name), `UDP port ${port}${offset} is outside 1-65535`);
  const spans = (kind: 'ranges' | 'groups', list: PortSpan[]) =>
    list.forEach((r, i) => {
      if (!Number.isInteger(r.from) || !Number.isInteger(r.to) || r.from > r.to)
        err([kind, i, 'ports'], `malformed range ${r.from}-${r.to} in "${r.name}": write LOW-HIGH with LOW <= HIGH`);
      else if (r.from < 1 || r.to > 65535) err([kind, i, 'ports'], `range ${r.from}-${r.to}${offset} of "${r.name}" is outside 1-65535`);
    });
  spans('ranges', stack.ranges);
  spans('groups', stack.groups);
}

interface Claim {
  from: number;
  to: number;
  /** the address a service binds; ranges hold on every address */
  host?: string;
  who: string;
  path: PathSegment[];
}

/** Every port a stack claims: service ports (planned ones too: they are reserved) and ranges. */
export function claimsOf(stack: Stack): Claim[] {
  const claims: Claim[] = [];
  for (const s of Object.values(stack.services))
    for (const [name, port] of Object.entries(s.ports))
      claims.push({ from: port, to: port, host: s.host, who: name === 'default' ? `service "${s.name}"` : `service "${s.name}" (${name})`, path: svcPath(s.name, name === 'default' ? 'port' : 'ports') });
  stack.ranges.forEach((r, i) => claims.push({ from: r.from, to: r.to, who: `range "${r.name}" (${r.from}-${r.to})`, path: ['ranges', i, 'ports'] }));
  return claims;
}

/** The UDP ports a stack claims: a space of their own (TCP 30303 and UDP 30303 do not collide). */
function udpClaimsOf(stack: Stack): Claim[] {
  return Object.values(stack.services).flatMap((s) => Object.entries(s.udpPorts).map(([name, port]) => ({ from: port, to: port, host: s.host, who: `service "${s.name}" (${name}, udp)`, path: svcPath(s.name, 'udp_ports', name) })));
}

function checkClaims(stack: Stack, err: Push) {
  overlapping(claimsOf(stack), err);
  overlapping(udpClaimsOf(stack), err);
}

function overlapping(list: Claim[], err: Push) {
  const claims = list.sort((a, b) => a.from - b.from);
  for (let i = 0; i < claims.length; i++)
    for (let j = i + 1; j < claims.length && claims[j]!.from <= claims[i]!.to; j++) {
      const [a, b] = [claims[i]!, claims[j]!];
      // replicas share a port on their own loopback addresses
      if (a.host !== undefined && b.host !== undefined && !conflicts({ address: a.host }, b.host)) continue;
      const port = Math.max(a.from, b.from);
      err(b.path, `port ${port} is claimed by both ${a.who} and ${b.who}; give one of them another port`);
    }
}

function checkGroups(stack: Stack, err: Push) {
  const names = stack.groups.map((g) => g.name);
  for (const s of Object.values(stack.services)) {
    if (!s.group) continue;
    const g = stack.groups.find((x) => x.name === s.group);
    if (!g) {
      err(svcPath(s.name, 'group'), `unknown group "${s.group}"${didYouMean(s.group, names)}`);
      continue;
    }
    for (const [name, port] of Object.entries(s.ports))
      if (port < g.from || port > g.to)
        err(svcPath(s.name, name === 'default' ? 'port' : 'ports'), `port ${port} is outside its group "${g.name}" (${g.from}-${g.to})`);
  }
}

function checkMetric(text: string, at: Parameters<Push>[0], err: Push): void {
  const r = parseMetricCondition(text);
  if ('error' in r) err(at, `${r.error} (at \`${text.slice(r.at) || 'the end'}\`); write NAME OP NUMBER, e.g. 'blocks_total >= 1'`);
  else if (r.rest.trim()) err(at, `unexpected \`${r.rest.trim()}\` after the condition; write NAME OP NUMBER, e.g. 'blocks_total >= 1'`);
}

function checkReady(stack: Stack, err: Push) {
  for (const s of Object.values(stack.services)) {
    const r = s.ready;
    const at = svcPath(s.name, 'ready');
    if (r.port !== undefined && own(s.ports, r.port) === undefined)
      err([...at, 'port'], `unknown port "${r.port}"${didYouMean(r.port, Object.keys(s.ports))}`);
    if ((r.kind === 'http' && !/^https?:\/\//.test(r.target!)) || (r.kind === 'tcp' && !r.port) || r.kind === 'metric')
      if (!Object.keys(s.ports).length) err(at, `a ${r.kind} readiness check needs a port: add port: to the service`);
    if (r.kind === 'metric') checkMetric(r.target!, [...at, 'metric'], err);
    if (r.kind === 'log') {
      try {
        new RegExp(r.target!);
        const nested = nestedQuantifier(r.target!);
        if (nested) err([...at, 'log'], `${nested} repeats a group that repeats inside: on an unlucky line it backtracks for ever and stalls devnet; write it without the inner repetition`);
      } catch (e) {
        err([...at, 'log'], (e as Error).message.replace(/^Invalid regular expression/, 'invalid regular expression'));
      }
    }
    const h = s.health;
    if (!h) continue;
    const hat = svcPath(s.name, 'health');
    if (h.kind === 'metric') checkMetric(h.target!, [...hat, 'metric'], err);
    if (h.port !== undefined && own(s.ports, h.port) === undefined) err([...hat, 'port'], `unknown port "${h.port}"${didYouMean(h.port, Object.keys(s.ports))}`);
    else if (h.kind !== 'exec' && !(h.kind === 'http' && /^https?:\/\//.test(h.target!)) && !Object.keys(s.ports).length)
      err(hat, `a ${h.kind} health check needs a port: add port: to the service, or use exec:`);
    if (r.kind === 'exit') err(hat, 'a one-shot task (ready: { exit: true }) has no life after ready to check; remove health:');
    for (const dep of s.restartWith)
      if (s.dependsOn[dep] === 'completed') err(svcPath(s.name, 'depends_on', dep, 'restart'), `"${dep}" is a one-shot task (condition completed); restart: true follows restarts of long-running services`);
  }
}

function checkInterpolation(stack: Stack, processEnv: Record<string, string | undefined>, err: Push) {
  const seen = new Set<string>();
  const check = (template: string | undefined, ctx: InterpolationContext, path: PathSegment[]) => {
    if (template === undefined || !references(template).length) return;
    try {
      interpolate(template, ctx);
    } catch (e) {
      if (!(e instanceof InterpolationError)) throw e;
      const key = `${path.join('.')}|${e.message}`;
      if (!seen.has(key)) err(path, e.message);
      seen.add(key);
    }
  };
  for (const s of Object.values(stack.services)) {
    if (!isLaunchable(s)) continue;
    const ctx = interpolationContext(stack, s.name, processEnv);
    const cmd = s.command;
    if (typeof cmd === 'string') check(cmd, ctx, svcPath(s.name, 'command'));
    else cmd?.forEach((c, i) => check(c, ctx, svcPath(s.name, 'command', i)));
    s.volumes.forEach((v, i) => check(v, ctx, svcPath(s.name, 'volumes', i)));
    const stop = s.stopCommand;
    if (typeof stop === 'string') check(stop, ctx, svcPath(s.name, 'stop_command'));
    else stop?.forEach((c, i) => check(c, ctx, svcPath(s.name, 'stop_command', i)));
    const fb = s.fallback;
    if (typeof fb === 'string') check(fb, ctx, svcPath(s.name, 'fallback'));
    else fb?.forEach((c, i) => check(c, ctx, svcPath(s.name, 'fallback', i)));
    check(s.cwd, ctx, svcPath(s.name, 'cwd'));
    if (s.ready.kind === 'http') check(s.ready.target, ctx, svcPath(s.name, 'ready', 'http'));
    if (s.health?.kind === 'http') check(s.health.target, ctx, svcPath(s.name, 'health', 'http'));
    for (const [key, probe] of [['ready', s.ready.exec], ['health', s.health?.exec]] as const) {
      const c = probe?.command;
      if (typeof c === 'string') check(c, ctx, svcPath(s.name, key, 'exec'));
      else c?.forEach((w, i) => check(w, ctx, svcPath(s.name, key, 'exec', i)));
    }
    for (const [k, v] of Object.entries(s.env)) check(v, ctx, svcPath(s.name, 'env', k));
    for (const [k, v] of Object.entries(stack.env)) check(v, ctx, ['env', k]);
  }
}

const MAX_TEMPLATE_BYTES = 1 << 20;

/** A template's text, or a problem: missing, a folder, too large. */
function templateText(stack: Stack, template: string): { text: string } | { problem: string } {
  const file = resolve(stack.dir, template);
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problem: `template ${template} is not a file` };
    if (st.size > MAX_TEMPLATE_BYTES) return { problem: `template ${template} is ${st.size} bytes; templates are capped at 1 MiB` };
    return { text: readFileSync(file, 'utf8') };
  } catch {
    return { problem: `template ${template} does not exist (looked for ${file})` };
  }
}

function checkFilesAndData(stack: Stack, processEnv: Record<string, string | undefined>, err: Push) {
  const owners: [Service | undefined, PathSegment[]][] = [[undefined, ['files']], ...Object.values(stack.services).filter(isLaunchable).map((s): [Service, PathSegment[]] => [s, svcPath(s.replica?.of ?? s.name, 'files')])];
  for (const [s, at] of owners) {
    const files = s ? s.files : stack.files;
    if (!Object.keys(files).length) continue;
    const ctx = interpolationContext(stack, s?.name, processEnv);
    for (const f of Object.values(files)) {
      const fat = [...at, f.name];
      const sources = (['template', 'content', 'generate'] as const).filter((k) => f[k] !== undefined);
      if (sources.length !== 1) {
        err(fat, sources.length ? `takes one of template, content or generate, got ${sources.join(' and ')}` : 'says nothing to write: give it template:, content: or generate: prometheus');
        continue;
      }
      if (f.path !== undefined && !isInside(resolve(stack.root, f.path), stack.root)) err([...fat, 'path'], `${f.path} is outside the stack root ${stack.root}; rendered files stay inside it (or, with no path:, in the state folder)`);
      if (f.path !== undefined && s?.replica && !f.path.includes('${replica}')) err([...fat, 'path'], `every replica of ${s.replica.of} would write ${f.path}; put \${replica} in the path, or leave path: out (each replica gets its own in the state folder)`);
      let text = f.content;
      if (f.template !== undefined) {
        const t = templateText(stack, f.template);
        if ('problem' in t) {
          err([...fat, 'template'], t.problem);
          continue;
        }
        text = t.text;
      }
      if (text === undefined) continue;
      for (const ref of references(text)) {
        try {
          interpolate(`\${${ref}}`, ctx);
        } catch (e) {
          if (!(e instanceof InterpolationError)) throw e;
          err([...fat, f.template !== undefined ? 'template' : 'content'], `${f.template ?? 'content'}: ${e.message}`);
          break;
        }
      }
    }
  }
  for (const s of Object.values(stack.services)) {
    if (!isLaunchable(s) || !s.data.length) continue;
    const ctx = interpolationContext(stack, s.name, processEnv);
    s.data.forEach((d, i) => {
      const at = svcPath(s.replica?.of ?? s.name, 'data', i);
      let r: ReturnType<typeof dataDir>;
      try {
        r = dataDir(stack, interpolate(d, ctx));
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        return err(at, e.message);
      }
      if ('problem' in r) err(at, r.problem);
      else if (s.replica && !references(d).some((r) => r === 'replica' || r === 'host')) err(at, `every replica of ${s.replica.of} would keep its data in ${d}; put \${replica} in the path`);
    });
  }
}

function checkLifecycle(stack: Stack, warn: Push) {
  for (const s of Object.values(stack.services)) {
    if (s.status === 'deprecated' && !s.migration) warn(svcPath(s.name, 'status'), 'deprecated without a migration: note: say where the service moved');
    if (s.migration && s.status !== 'deprecated') warn(svcPath(s.name, 'migration'), 'migration: is only shown for status: deprecated');
  }
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** Loopback is the default; every interface must be asked for, or a devnet is open to the network. */
function checkWildcardBinds(stack: Stack, warn: Push) {
  for (const s of Object.values(stack.services)) {
    if (!isLaunchable(s) || !WILDCARD.has(s.host) || s.exposure === 'public' || !Object.keys(s.ports).length) continue;
    const own = s.host !== stack.host;
    warn(own ? svcPath(s.name, 'host') : ['host'], `service ${s.name} binds ${s.host || '0.0.0.0'}, every network interface: other machines can reach it; bind 127.0.0.1, or mark it exposure: public`);
  }
}
