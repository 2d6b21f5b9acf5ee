// What applying a stack (an edited file, a scale) does to the running one: each service's new
// plan against the one recorded at up, by hash, and why they differ, part by part. Pure: the
// supervisor acts on it, up --dry-run and status only say it.
import type { PlanChange, RunEvent } from '../events.js';
import { isLaunchable, type Stack } from '../stack/model.js';
import type { ServicePlan, StackPlan } from '../stack/service-plan.js';
import { isActive, type ServiceRecord } from '../state/store.js';

type Running = Record<string, ServiceRecord>;

const runs = (r: ServiceRecord | undefined) => !!r && (isActive(r.state) || r.state === 'restarting');

/** The services a new plan must cover: the ones asked for, and the ones the run has that the stack still launches. */
export function namesToPlan(stack: Stack, wanted: readonly string[], running: Running): string[] {
  const launchable = (n: string) => !!stack.services[n] && isLaunchable(stack.services[n]);
  const names = new Set([...wanted, ...Object.keys(running).filter(launchable)]);
  return Object.keys(stack.services).filter((n) => names.has(n));
}

/**
 * The changes, removals first, then in the stack's order. A service the stack no longer
 * launches is removed; one whose plan differs is recreated when it runs, started when it was
 * asked for, else only updated; a service asked for that does not run is started (up is
 * additive, as docker compose up); one that follows a recreated one (depends_on: {X:
 * {restart: true}}) is recreated with it.
 */
export function diffRun(running: Running, stack: Stack, plan: StackPlan, wanted: readonly string[]): PlanChange[] {
  const out: PlanChange[] = [];
  for (const [name, rec] of Object.entries(running)) {
    const s = stack.services[name];
    const copies = rec.replicaOf ? Object.values(stack.services).filter((x) => x.replica?.of === rec.replicaOf).length : 0;
    const why = s ? `no longer launched (status: ${s.status})` : copies ? `${rec.replicaOf} runs ${copies} cop${copies === 1 ? 'y' : 'ies'} now` : 'no longer in the stack';
    if (!s || !isLaunchable(s)) out.push({ action: 'remove', service: name, reasons: [why] });
  }
  const asked = new Set(wanted);
  const recreated = new Set<string>();
  for (const name of Object.keys(stack.services)) {
    const next = plan.services[name];
    if (!next) continue;
    const rec = running[name];
    if (!rec) {
      out.push({ action: 'add', service: name, reasons: [] });
      continue;
    }
    const changed = rec.plan !== next.hash;
    const reasons = changed ? reasonsOf(rec, next) : [];
    if (runs(rec)) {
      if (changed) {
        out.push({ action: 'recreate', service: name, reasons });
        recreated.add(name);
      }
    } else if (asked.has(name) && rec.state !== 'completed') out.push({ action: 'start', service: name, reasons: changed ? reasons : ['not running'] });
    else if (changed) out.push({ action: 'update', service: name, reasons });
  }
  // followers of a recreated service are recreated after it, as after its restart
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of Object.values(stack.services)) {
      if (recreated.has(s.name) || !runs(running[s.name]) || !plan.services[s.name]) continue;
      const leader = s.restartWith.find((d) => recreated.has(d));
      if (!leader) continue;
      out.push({ action: 'recreate', service: s.name, reasons: [`follows ${leader} (depends_on restart: true)`] });
      recreated.add(s.name);
      grew = true;
    }
  }
  return out;
}

const ORDER = ['command', 'cwd', 'host', 'port.', 'env.', 'files.', 'url', 'ready', 'health', 'data', 'depends_on', 'restart', 'restart_with', 'stop_grace', 'log_max_bytes', 'watch'];
const rank = (k: string) => {
  const i = ORDER.findIndex((o) => (o.endsWith('.') ? k.startsWith(o) : k === o));
  return i < 0 ? ORDER.length : i;
};

/** Why a service's plan differs from the recorded one, for people: no value is shown but a port's number and an address. */
export function reasonsOf(rec: Pick<ServiceRecord, 'parts'>, next: Pick<ServicePlan, 'parts'>): string[] {
  const a = rec.parts;
  if (!a) return ['its plan changed'];
  const b = next.parts;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !k.startsWith('~') && a[k] !== b[k]).sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1));
  // written the same, resolved otherwise: it follows from another change (a port it names)
  const follows = (k: string) => a[`~${k}`] !== undefined && a[`~${k}`] === b[`~${k}`] && a[k] !== undefined && b[k] !== undefined;
  // a moved port of its own explains what names it; otherwise each is said as following
  const moved = keys.some((k) => (k.startsWith('port.') || k === 'host') && !follows(k));
  return keys.filter((k) => !(moved && follows(k))).map((k) => {
    if (follows(k)) return `${label(k)} changed (a value it references changed)`;
    const was = a[k];
    const now = b[k];
    const change = was === undefined ? 'added' : now === undefined ? 'removed' : 'changed';
    if (k.startsWith('port.')) {
      const label = k === 'port.default' ? 'port' : `port ${k.slice(5)}`;
      return was !== undefined && now !== undefined ? `${label} ${was} -> ${now}` : `${label} ${was ?? now} ${change}`;
    }
    if (k === 'host' && was !== undefined && now !== undefined) return `host ${was} -> ${now}`;
    return `${label(k)} ${change}`;
  });
}

const label = (k: string) => (k.startsWith('env.') ? `env ${k.slice(4)}` : k.replace(/_/g, ' '));

/** One line a change, as up prints it before acting: recreate wallet-daemon: port 8071 -> 8072. */
export function changeLine(c: PlanChange): string {
  return `${c.action} ${c.service}${c.reasons.length ? `: ${c.reasons.join(', ')}` : ''}`;
}

const DONE: Record<PlanChange['action'], string> = { recreate: 'recreated', add: 'started', start: 'started', remove: 'removed', update: 'updated (not running)' };

/** What an apply did, in one line: recreated api, web; added indexer. */
export function appliedText(changes: readonly PlanChange[]): string {
  const by = new Map<string, string[]>();
  for (const c of changes) by.set(c.action, [...(by.get(c.action) ?? []), c.service]);
  return [...by].map(([a, names]) => `${DONE[a as PlanChange['action']]} ${names.join(', ')}`).join('; ');
}

/** The line before the plan lines, the same in every reporter: stack demo (the stack file changed): 2 changes. */
export function changesHeader(e: Extract<RunEvent, { kind: 'stack:changes' }>): string {
  const n = e.changes.length;
  return `stack ${e.stack} (${e.why}): ${n} change${n === 1 ? '' : 's'}${e.dryRun ? ' (dry run: nothing was changed)' : ''}`;
}
