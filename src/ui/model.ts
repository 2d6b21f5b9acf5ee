// What devnet ui shows and how keys change it, as plain data and pure functions: the view
// (view.tsx) only draws a Screen, and the controller feeds this model the stack's state, its
// log lines and the keys. Everything here is tested without a terminal.
import type { StackState, ServiceRecord } from '../state/store.js';
import { degradedBy } from '../record/degraded.js';
import { formatUptime } from '../report/uptime.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'dim' | 'plain';

export interface UiLine {
  /** sequence number in its buffer: a line keeps it while the buffer drops older ones */
  seq: number;
  service: string;
  at: string;
  text: string;
}

export interface Usage {
  cpuPercent: number;
  rssBytes: number;
}

export type SupervisorState = 'alive' | 'gone' | 'frozen';

export type RequestOp = 'restart' | 'stop' | 'start' | 'pause' | 'resume' | 'down';

export interface Request {
  op: RequestOp;
  services: string[];
  withDependents?: boolean;
}

export interface Prompt {
  kind: 'stop' | 'down';
  text: string;
  service?: string;
}

export interface Search {
  input: string;
  editing: boolean;
  re?: RegExp;
  /** seq of the line of the current match */
  at?: number;
}

export interface UiState {
  stackId: string;
  stackFile: string;
  /** devnet up --ui: leaving stops the stack (it runs in this terminal) */
  foreground: boolean;
  record?: StackState;
  supervisor: SupervisorState;
  usage: Map<string, Usage>;
  /** the selected service's name (kept across reorders and applies) */
  selected?: string;
  logMode: 'one' | 'all';
  follow: boolean;
  /** when not following: the seq of the bottom line shown */
  anchor?: number;
  search?: Search;
  prompt?: Prompt;
  help: boolean;
  message?: { text: string; tone: Tone };
  /** a request under way: its description */
  busy?: string;
  now: number;
}

export interface Key {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
}

export type Effect = { kind: 'request'; request: Request; label: string } | { kind: 'quit' } | { kind: 'none' };

export function initialState(o: { stackId: string; stackFile: string; foreground: boolean; now: number }): UiState {
  return { ...o, supervisor: 'alive', usage: new Map(), logMode: 'one', follow: true, help: false };
}

/** The services in start order (the record's order), as the table lists them. */
export function serviceNames(s: UiState): string[] {
  return Object.keys(s.record?.services ?? {});
}

/** The selected service: the one chosen, or the first in start order when it is gone or none was. */
export function selectedName(s: UiState): string | undefined {
  const names = serviceNames(s);
  return s.selected !== undefined && names.includes(s.selected) ? s.selected : names[0];
}

const isRunning = (r: ServiceRecord | undefined) => !!r && ['starting', 'running', 'ready', 'unhealthy', 'paused', 'restarting'].includes(r.state);

/** Running services that depend on `name`, directly or not: what a stop of it would take down. */
export function runningDependents(s: UiState, name: string): string[] {
  const services = s.record?.services ?? {};
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [n, r] of Object.entries(services))
      if (!out.has(n) && n !== name && isRunning(r) && r.dependsOn.some((d) => d === name || out.has(d))) {
        out.add(n);
        grew = true;
      }
  }
  return [...out];
}

const PAGE = 10;

/** A key pressed: the new state, and what it asks to be done (a request, leaving). `lines`: the log pane's lines now. */
export function onKey(s: UiState, input: string, key: Key, lines: readonly UiLine[] = [], paneHeight = PAGE): { state: UiState; effect: Effect } {
  const none: Effect = { kind: 'none' };
  const to = (patch: Partial<UiState>, effect: Effect = none) => ({ state: { ...s, ...patch }, effect });
  if (key.ctrl && input === 'c') return to({}, { kind: 'quit' });

  if (s.prompt) {
    const p = s.prompt;
    if (key.escape || input === 'n' || input === 'N') return to({ prompt: undefined, message: { text: 'nothing was done', tone: 'dim' } });
    if (p.kind === 'down' && (input === 'y' || input === 'Y')) return request({ ...s, prompt: undefined }, { op: 'down', services: [] }, `bringing stack ${s.stackId} down`);
    if (p.kind === 'stop' && (input === 'w' || input === 'y' || input === 'Y')) return request({ ...s, prompt: undefined }, { op: 'stop', services: [p.service!], withDependents: true }, `stopping ${p.service} and its dependents`);
    return to({});
  }

  if (s.search?.editing) {
    const q = s.search;
    if (key.escape) return to({ search: undefined });
    if (key.return) {
      if (!q.input) return to({ search: undefined });
      const re = searchRegex(q.input);
      if (typeof re === 'string') return to({ search: { ...q, editing: true }, message: { text: `not a regular expression: ${re}`, tone: 'bad' } });
      const next = { ...s, search: { input: q.input, editing: false, re } };
      return { state: jumpToMatch(next, lines, -1, true), effect: none };
    }
    if (key.backspace || key.delete) return to({ search: { ...q, input: q.input.slice(0, -1) } });
    if (input && !key.ctrl && !/[\x00-\x1f]/.test(input)) return to({ search: { ...q, input: q.input + input } });
    return to({});
  }

  if (s.help) {
    if (key.escape || input === '?' || input === 'q') return to({ help: false });
    return to({});
  }

  const names = serviceNames(s);
  const current = selectedName(s);
  const at = current === undefined ? -1 : names.indexOf(current);
  // another service's lines in the pane: where it was held in the last one means nothing there
  const select = (name: string | undefined) => to(name === current || s.logMode === 'all' ? { selected: name } : { selected: name, follow: true, anchor: undefined, search: s.search && { ...s.search, at: undefined } });
  if (key.upArrow || input === 'k') return select(names[Math.max(0, at - 1)]);
  if (key.downArrow || input === 'j') return select(names[Math.min(names.length - 1, at + 1)]);
  if (input === 'g') return select(names[0]);
  if (input === 'G') return select(names[names.length - 1]);
  if (input === '?') return to({ help: true });
  if (input === 'q') return to({}, { kind: 'quit' });
  if (key.escape) return to({ search: undefined, message: undefined });
  if (key.return || input === 'l') return to({ logMode: s.logMode === 'one' ? 'all' : 'one', anchor: undefined, follow: true });
  if (input === 'f') return to({ follow: !s.follow, anchor: undefined });
  if (key.pageUp || key.pageDown) return to(scrollPatch(s, (key.pageUp ? -1 : 1) * Math.max(1, paneHeight - 1), lines, paneHeight));
  if (input === '/') return to({ search: { input: '', editing: true } });
  if (input === 'n' || input === 'N') {
    if (!s.search?.re) return to({ message: { text: 'no search: / opens one', tone: 'dim' } });
    return { state: jumpToMatch(s, lines, input === 'n' ? 1 : -1, false), effect: none };
  }

  const steer = input === 'r' || input === 'x' || input === 's' || input === 'p' || input === 'D';
  if (!steer) return to({});
  const off = steeringOff(s);
  if (off) return to({ message: { text: off, tone: 'bad' } });
  if (input === 'D') return to({ prompt: { kind: 'down', text: `bring stack ${s.stackId} down, every service? y/N` } });
  if (current === undefined) return to({});
  if (s.busy) return to({ message: { text: `wait: ${s.busy}`, tone: 'dim' } });
  const r = s.record?.services[current];
  if (input === 'r') return request(s, { op: 'restart', services: [current] }, `restarting ${current}`);
  if (input === 's') return request(s, { op: 'start', services: [current] }, `starting ${current}`);
  if (input === 'p') {
    const resume = r?.state === 'paused';
    return request(s, { op: resume ? 'resume' : 'pause', services: [current] }, `${resume ? 'resuming' : 'pausing'} ${current}`);
  }
  // x: a stop that would take running dependents down asks first
  const deps = runningDependents(s, current);
  if (deps.length) return to({ prompt: { kind: 'stop', service: current, text: `${current} is needed by running ${deps.join(', ')}: w stops them too, Esc cancels` } });
  return request(s, { op: 'stop', services: [current] }, `stopping ${current}`);
}

function request(s: UiState, req: Request, label: string): { state: UiState; effect: Effect } {
  return { state: { ...s, busy: label, message: { text: `${label}…`, tone: 'dim' } }, effect: { kind: 'request', request: req, label } };
}

/** Why keys that steer the stack do nothing now, if they do not. */
export function steeringOff(s: UiState): string | undefined {
  const pid = s.record?.supervisor.pid;
  if (s.supervisor === 'gone') return `the supervisor${pid ? ` (pid ${pid})` : ''} is gone: steering is off; devnet down stops what is left`;
  if (s.supervisor === 'frozen') return `the supervisor (pid ${pid}) is frozen (SIGSTOP): steering is off until kill -CONT ${pid}`;
  return undefined;
}

/** The search text as a regex: case-insensitive unless it has an upper-case letter (smart case); or why it is not one. */
export function searchRegex(input: string): RegExp | string {
  try {
    return new RegExp(input, /\p{Lu}/u.test(input) ? 'g' : 'gi');
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** Patch moving the log pane by `by` lines (negative: older); back at the bottom it follows again. */
export function scrollPatch(s: UiState, by: number, lines: readonly UiLine[] = [], height = PAGE): Partial<UiState> {
  if (!lines.length) return { follow: false, anchor: s.anchor };
  const last = lines[lines.length - 1]!.seq;
  const first = lines[0]!.seq;
  const bottom = s.follow || s.anchor === undefined ? last : s.anchor;
  const next = Math.max(Math.min(first + height - 1, last), Math.min(last, bottom + by));
  return next >= last ? { follow: true, anchor: undefined } : { follow: false, anchor: next };
}

/** Moves the current match over the pane's lines: +1 newer, -1 older; `fromBottom`: start at the newest line. */
export function jumpToMatch(s: UiState, lines: readonly UiLine[], dir: 1 | -1, fromBottom: boolean): UiState {
  const re = s.search?.re;
  if (!re) return s;
  const from = fromBottom || s.search?.at === undefined ? Number.POSITIVE_INFINITY * (dir === -1 ? 1 : -1) : s.search.at;
  const test = (l: UiLine) => {
    re.lastIndex = 0;
    return re.test(l.text);
  };
  const hit = dir === -1 ? [...lines].reverse().find((l) => l.seq < from && test(l)) : lines.find((l) => l.seq > from && test(l));
  if (!hit) {
    const none = s.search!.at === undefined ? `no line matches /${s.search!.input}/` : `no ${dir === 1 ? 'newer' : 'older'} match of /${s.search!.input}/`;
    return { ...s, message: { text: none, tone: 'dim' } };
  }
  const count = lines.filter(test).length;
  return { ...s, search: { ...s.search!, at: hit.seq }, follow: false, anchor: hit.seq, message: { text: `/${s.search!.input}/: ${count} matching line${count === 1 ? '' : 's'} (n newer, N older, Esc clears)`, tone: 'dim' } };
}

// ---------------------------------------------------------------------------------------------
// The screen: what the view draws.

export interface Cell {
  text: string;
  tone?: Tone;
  /** character ranges to highlight (search matches) */
  marks?: [number, number][];
  selected?: boolean;
  bold?: boolean;
}

export interface Screen {
  width: number;
  height: number;
  lines: Cell[];
}

export interface RowInfo {
  name: string;
  indent: boolean;
  state: string;
  tone: Tone;
  pid: string;
  ports: string;
  restarts: string;
  lastExit: string;
  uptime: string;
  cpu: string;
  mem: string;
}

/** One row per service in start order; a replicated service's copies under a line of their group. */
export function tableRows(s: UiState): (RowInfo | { group: string; text: string })[] {
  const services = s.record?.services ?? {};
  const degraded = degradedBy(services);
  const out: (RowInfo | { group: string; text: string })[] = [];
  const seenGroups = new Set<string>();
  for (const [name, r] of Object.entries(services)) {
    const g = r.replicaOf;
    if (g && !seenGroups.has(g)) {
      seenGroups.add(g);
      const copies = Object.values(services).filter((x) => x.replicaOf === g);
      const serving = copies.filter((x) => x.state === 'ready').length;
      out.push({ group: g, text: `${g}: ${copies.length} replicas, ${serving} ready` });
    }
    const [state, tone] = stateOf(r, degraded[name], s.now, s.supervisor);
    const u = s.usage.get(name);
    const alive = r.pid !== undefined && ['starting', 'running', 'ready', 'unhealthy', 'paused', 'stopping'].includes(r.state);
    out.push({
      name,
      indent: !!g,
      state,
      tone,
      pid: alive ? String(r.pid) : '-',
      ports: Object.values(r.ports).join(',') || '-',
      restarts: String(r.restarts ?? 0),
      lastExit: r.lastExit ? `${r.lastExit.signal ?? String(r.lastExit.code)}${r.lastExit.stopped ? ' (stop)' : ''}` : '-',
      uptime: alive && r.startedAt ? formatUptime(Math.max(0, Math.round((s.now - Date.parse(r.startedAt)) / 1000))) : '-',
      cpu: alive && u ? `${u.cpuPercent.toFixed(u.cpuPercent < 10 ? 1 : 0)}%` : '-',
      mem: alive && u ? bytes(u.rssBytes) : '-',
    });
  }
  return out;
}

/** The state as the supervisor knows it, in words, with its tone. */
export function stateOf(r: ServiceRecord, degradedByNames: string[] | undefined, now: number, supervisor: SupervisorState): [string, Tone] {
  const why = r.reason ? `: ${r.reason}` : '';
  let text: string;
  let tone: Tone;
  switch (r.state) {
    case 'running':
      [text, tone] = r.probe ? [`probing ${r.probe}`, 'warn'] : ['running', 'ok'];
      break;
    case 'restarting': {
      const left = r.restartAt ? Math.max(0, Math.ceil((Date.parse(r.restartAt) - now) / 1000)) : undefined;
      [text, tone] = [`restarting${left !== undefined ? ` in ${left}s` : ''}${why}`, 'warn'];
      break;
    }
    case 'ready':
    case 'completed':
      [text, tone] = [r.state, 'ok'];
      break;
    case 'unhealthy':
    case 'failed':
      [text, tone] = [`${r.state}${why}`, 'bad'];
      break;
    case 'exited':
      [text, tone] = [`exited${r.exitCode != null ? ` (${r.exitCode})` : ''}`, r.exitCode === 0 ? 'dim' : 'bad'];
      break;
    case 'paused':
    case 'starting':
    case 'stopping':
      [text, tone] = [r.state, 'warn'];
      break;
    default:
      [text, tone] = [r.state, 'dim'];
  }
  if (degradedByNames?.length) [text, tone] = [`${text}, degraded by ${degradedByNames.join(', ')}`, tone === 'ok' ? 'warn' : tone];
  if (supervisor === 'gone' && r.pid !== undefined && ['running', 'ready', 'unhealthy', 'paused', 'starting'].includes(r.state)) text += ', unsupervised';
  return [text, tone];
}

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)}G`;
  if (n >= 1 << 20) return `${Math.round(n / (1 << 20))}M`;
  return `${Math.round(n / 1024)}K`;
}

const fit = (text: string, width: number): string => (width <= 0 ? '' : text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`);

const HELP = [
  '↑/↓ or k/j  select a service (g first, G last)',
  'r           restart the selected service',
  'x           stop it (asks when running services depend on it)',
  's           start it (and what it needs)',
  'p           pause it, or resume it when paused',
  'Enter or l  log pane: the selected service, or all services merged by time',
  'f           follow new lines, or hold the pane where it is',
  'PgUp/PgDn   scroll the log pane',
  '/           search the log pane (a regex; case-insensitive unless it has a capital)',
  'n / N       newer / older match; Esc clears the search',
  'D           bring the whole stack down (asks first)',
  'q           leave (devnet ui: the stack keeps running)',
  '?           this help; Esc or ? closes it',
];

/**
 * The whole screen for a terminal of width x height: the stack line, the table (a window
 * around the selection when it is taller than its share), the log pane, the message line and
 * the footer. Every line is cut to the width: nothing wraps, so nothing scrolls the terminal.
 */
export function screenOf(s: UiState, lines: readonly UiLine[], width: number, height: number): Screen {
  const w = Math.max(20, width);
  const h = Math.max(8, height);
  const out: Cell[] = [];
  const rec = s.record;
  const sup =
    s.supervisor === 'alive'
      ? `supervisor ${rec?.supervisor.pid ?? '?'}`
      : s.supervisor === 'frozen'
        ? `supervisor ${rec?.supervisor.pid} FROZEN`
        : `supervisor GONE${rec ? ` (was ${rec.supervisor.pid})` : ''}`;
  const up = rec ? formatUptime(Math.max(0, Math.round((s.now - Date.parse(rec.startedAt)) / 1000))) : '-';
  const offset = rec?.portOffset ? `  offset ${rec.portOffset}` : '';
  out.push({ text: fit(`devnet ui  stack ${s.stackId}  ${s.stackFile}${offset}  up ${up}  ${sup}`, w), tone: s.supervisor === 'alive' ? 'plain' : 'bad', bold: true });

  const rows = tableRows(s);
  const cols = columns(rows, w);
  out.push({ text: fit(cols.header, w), bold: true });
  const fixed = out.length + 1 /* pane title */ + 1 /* message */ + 1 /* footer */;
  const minPane = Math.min(8, Math.max(3, h - fixed - rows.length));
  const tableRoom = Math.max(1, Math.min(rows.length, h - fixed - minPane));
  const sel = selectedName(s);
  const selAt = Math.max(0, rows.findIndex((r) => 'name' in r && r.name === sel));
  const start = Math.max(0, Math.min(rows.length - tableRoom, selAt - Math.floor(tableRoom / 2)));
  for (const r of rows.slice(start, start + tableRoom)) {
    if ('group' in r) out.push({ text: fit(r.text, w), tone: 'dim', bold: true });
    else out.push({ text: fit(cols.row(r), w), tone: r.tone, selected: r.name === sel });
  }
  if (rows.length > tableRoom) out[out.length - 1] = { ...out[out.length - 1]!, text: fit(`${out[out.length - 1]!.text.trimEnd()}`, w - 12) + ` (${rows.length} rows)`.padStart(12) };

  const paneHeight = h - out.length - 3;
  const title = s.logMode === 'one' ? `logs of ${sel ?? '-'}` : 'logs of all services';
  const follow = s.follow ? 'following' : 'held (f follows)';
  const search = s.search?.editing ? `  search: /${s.search.input}▏` : s.search?.re ? `  /${s.search.input}/` : '';
  out.push({ text: fit(`── ${title} ── ${follow}${search} `.padEnd(w, '─'), w), tone: 'dim' });

  if (s.help) {
    for (const l of HELP.slice(0, paneHeight)) out.push({ text: fit(`  ${l}`, w) });
    for (let i = Math.min(HELP.length, paneHeight); i < paneHeight; i++) out.push({ text: '' });
  } else {
    const shown = paneWindow(s, lines, paneHeight);
    for (let i = 0; i < paneHeight - shown.length; i++) out.push({ text: '' });
    for (const l of shown) {
      const prefix = s.logMode === 'all' ? `${l.service} | ` : '';
      const text = fit(prefix + l.text, w);
      const marks = s.search?.re ? matchRanges(s.search.re, l.text, prefix.length, w) : undefined;
      out.push({ text, marks, selected: s.search?.at === l.seq });
    }
  }

  const msg = s.prompt ? { text: s.prompt.text, tone: 'warn' as Tone } : (s.message ?? { text: steeringOff(s) ?? '', tone: 'bad' as Tone });
  out.push({ text: fit(msg.text, w), tone: msg.tone, bold: !!s.prompt });
  const leave = s.foreground ? 'q stop stack & quit' : 'q quit';
  out.push({ text: fit(`↑↓ select  r restart  x stop  s start  p pause  l logs  / search  f follow  D down  ? help  ${leave}`, w), tone: 'dim' });
  return { width: w, height: h, lines: out };
}

/** The lines that fit the pane: the newest (following) or those up to the anchor. */
export function paneWindow(s: UiState, lines: readonly UiLine[], height: number): readonly UiLine[] {
  if (height <= 0) return [];
  if (s.follow || s.anchor === undefined) return lines.slice(Math.max(0, lines.length - height));
  let end = lines.findIndex((l) => l.seq > s.anchor!);
  if (end < 0) end = lines.length;
  // a match is shown a few lines above the bottom, so what follows it is seen too
  const extra = s.search?.at === s.anchor ? Math.min(Math.floor(height / 3), lines.length - end) : 0;
  end += extra;
  return lines.slice(Math.max(0, end - height), end);
}

function matchRanges(re: RegExp, text: string, offset: number, width: number): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m && out.length < 50; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const a = offset + m.index;
    if (a >= width) break;
    out.push([a, Math.min(width, a + m[0].length)]);
  }
  return out;
}

interface Columns {
  header: string;
  row(r: RowInfo): string;
}

/** Column widths from the content; STATE takes what is left, and narrow terminals drop the least needed columns. */
function columns(rows: ReturnType<typeof tableRows>, width: number): Columns {
  const infos = rows.filter((r): r is RowInfo => 'name' in r);
  const widest = (k: keyof RowInfo, title: string) => Math.max(title.length, ...infos.map((r) => String(r[k]).length + (k === 'name' && r.indent ? 2 : 0)));
  type Col = { key: keyof RowInfo; title: string; w: number; drop: number };
  const all: Col[] = [
    { key: 'name', title: 'SERVICE', w: Math.min(28, widest('name', 'SERVICE')), drop: 99 },
    { key: 'state', title: 'STATE', w: 0, drop: 99 },
    { key: 'pid', title: 'PID', w: widest('pid', 'PID'), drop: 5 },
    { key: 'ports', title: 'PORTS', w: Math.min(18, widest('ports', 'PORTS')), drop: 6 },
    { key: 'restarts', title: 'RST', w: 3, drop: 3 },
    { key: 'lastExit', title: 'EXIT', w: Math.min(10, widest('lastExit', 'EXIT')), drop: 1 },
    { key: 'uptime', title: 'UP', w: Math.max(4, widest('uptime', 'UP')), drop: 4 },
    { key: 'cpu', title: 'CPU', w: Math.max(5, widest('cpu', 'CPU')), drop: 2 },
    { key: 'mem', title: 'MEM', w: Math.max(5, widest('mem', 'MEM')), drop: 2 },
  ];
  const stateWant = Math.max(12, widest('state', 'STATE'));
  let cols = all;
  const used = (cs: Col[]) => cs.reduce((n, c) => n + (c.key === 'state' ? 0 : c.w + 1), 0);
  // drop the least needed columns until STATE has at least 16 characters
  while (width - used(cols) < Math.min(stateWant, 16)) {
    const victim = cols.filter((c) => c.drop < 99).sort((a, b) => a.drop - b.drop)[0];
    if (!victim) break;
    cols = cols.filter((c) => c !== victim);
  }
  const stateW = Math.max(5, Math.min(stateWant, width - used(cols) - 1));
  const sized = cols.map((c) => (c.key === 'state' ? { ...c, w: stateW } : c));
  const line = (cell: (c: Col) => string) => sized.map((c) => fit(cell(c), c.w)).join(' ');
  return {
    header: line((c) => c.title),
    row: (r) => line((c) => (c.key === 'name' && r.indent ? `  ${r.name}` : String(r[c.key]))),
  };
}
