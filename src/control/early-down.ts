// devnet down, asked before the CLI loads. Most of a down's own time before its request is
// the CLI's load and the look for its run (a third of down, measured); the stop itself waits
// on the services. So bin/devnet.cjs, for the plain forms of down, finds the run as the CLI
// would and sends the stop request at once; the CLI loads while the supervisor stops the
// stack, and reads the answer on this same connection (record/stop-run.ts). Built alone
// (dist/early-down.cjs): nothing heavy loads before the request.
//
// Only where the CLI is sure to act on the very same run: the flags below and no others, a
// stack file that resolves as resolve.ts resolves it, a run index entry for it whose file
// text is unchanged and has no secrets (the CLI then acts on the record, context.ts), a live
// supervisor with its recorded start time (Linux: /proc), not frozen, with a control socket.
// Anything else is left to the CLI, which asks as before. The supervisor itself refuses a
// request for a state folder that is not its own.
//
// Where the answer is the usual one (the supervisor vouched for the stop and is gone, no
// engine service, no lock left behind), finishEarly ends the run here as the CLI's proven
// path would (record/stop-run.ts): the CLI need not load at all. Anything else, it loads and
// finishes from the answer as received.
import { existsSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { readAnswer } from './client.js';
import { stopBudgetMs } from '../state/stop-budget.js';
import { pathsAt } from '../state/paths.js';
import { forgetRun } from '../state/run-index.js';
import { readPrivateFile } from '../fs/private-fs.js';
import { readStat } from '../platform/linux/proc-stat.js';
import { resolveStack } from '../stack/resolve.js';
import { stackFileHash } from '../stack/text-hash.js';
import { runEntryFile } from '../state/locations.js';
import { STATE_VERSION } from '../state/store.js';
import { trace } from '../trace.js';

/** The down flags an early request is made for (`devnet down [-s FILE] [--port-offset N] [-t S] [--json]`). */
export interface EarlyDownFlags {
  stack?: string;
  portOffset: number;
  timeout?: number;
  json: boolean;
}

export interface EarlyDown {
  /** the run index entry of the run asked (as run-index.ts wrote it) */
  entry: { stateDir: string; stackId: string; stackName: string; stackFile: string; portOffset: number };
  /** the state file's text as read just before the request */
  stateText: string;
  /** the services the state names, and those whose processes ran when the request was sent (their recorded start times) */
  services: string[];
  alive: string[];
  supervisor: { pid: number; startTime: number };
  control: string;
  timeoutMs?: number;
  /** how long the answer is waited for (state/stop-budget.ts) */
  budgetMs: number;
  /** the record has an engine service: down asks the engine by label, in the CLI */
  containers: boolean;
  /** the connection, its request written */
  socket: Socket;
  /** the answer, read from the moment of connecting: 'proven' (the supervisor vouched for the stop, Supervisor.provenStopped), true, or false (none came) */
  answer: Promise<boolean | 'proven'>;
  /** the first lines of the down are printed already (the stack, the stop asked): the CLI, finishing, does not say them again */
  said?: boolean;
}

/** The flags, when `args` are a down in the plain forms an early request is made for; undefined for any other. */
export function earlyDownFlags(args: readonly string[]): EarlyDownFlags | undefined {
  if (args[0] !== 'down') return undefined;
  const f: EarlyDownFlags = { portOffset: 0, json: false };
  const seen = new Set<string>();
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const key = name === '-s' ? '--stack' : name === '-t' ? '--timeout' : name;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (key === '--json') {
      if (eq > 0) return undefined;
      f.json = true;
      continue;
    }
    if (key !== '--stack' && key !== '--port-offset' && key !== '--timeout') return undefined;
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (!v || (v.startsWith('-') && key !== '--port-offset')) return undefined;
    if (key === '--stack') f.stack = v;
    else if (key === '--port-offset') {
      if (!/^-?\d{1,5}$/.test(v) || Number(v) < -65535) return undefined;
      f.portOffset = Number(v);
    } else {
      if (!/^\d{1,9}$/.test(v)) return undefined;
      f.timeout = Number(v);
    }
  }
  return f;
}

/** The stat of the very process recorded (its start time, not a zombie), or undefined. */
const liveStat = (id: { pid?: number; startTime?: number }) => {
  const s = typeof id.pid === 'number' ? readStat(id.pid) : undefined;
  return s && s.startTime === id.startTime && s.state !== 'Z' ? s : undefined;
};

/**
 * Sends the stop request for the run `args` name, when it is sure to be the run the CLI acts
 * on; `sent` settles once it is written (false: it was not, and the CLI asks as usual).
 */
export function askDownEarly(args: readonly string[], cwd = process.cwd(), env: Record<string, string | undefined> = process.env): { down: EarlyDown; flags: EarlyDownFlags; sent: Promise<boolean> } | undefined {
  if (process.platform !== 'linux') return undefined;
  const flags = earlyDownFlags(args);
  if (!flags) return undefined;
  let found: Omit<EarlyDown, 'socket' | 'answer' | 'said'>;
  try {
    const { file } = resolveStack({ stack: flags.stack, cwd, env });
    const entryText = readPrivateFile(runEntryFile(file, flags.portOffset, env));
    if (!entryText) return undefined;
    const entry = JSON.parse(entryText) as EarlyDown['entry'] & { textHash?: string; secrets?: true };
    if (entry.stackFile !== file || entry.portOffset !== flags.portOffset || typeof entry.stateDir !== 'string' || typeof entry.stackId !== 'string') return undefined;
    // the file as it was at up, no secrets to redact: the CLI acts on the record alone
    if (!entry.textHash || entry.secrets || stackFileHash(file) !== entry.textHash) return undefined;
    const stateText = readPrivateFile(join(entry.stateDir, 'state.json'));
    if (!stateText) return undefined;
    const state = JSON.parse(stateText) as {
      version?: number;
      platform?: string;
      control?: string;
      supervisor?: { pid: number; startTime: number };
      services?: Record<string, { pid?: number; startTime?: number; stopTimeoutMs: number; container?: unknown }>;
    };
    const sup = state.supervisor;
    const st = sup && liveStat(sup)?.state;
    // (a frozen supervisor would take the request and never answer: the CLI handles it)
    if (state.version !== STATE_VERSION || state.platform !== 'linux' || typeof state.control !== 'string' || !sup || !st || st === 'T' || st === 't') return undefined;
    const alive = Object.entries(state.services ?? {})
      .filter(([, r]) => liveStat(r))
      .map(([n]) => n);
    const recs = Object.values(state.services ?? {});
    const timeoutMs = flags.timeout === undefined ? undefined : flags.timeout * 1000;
    found = {
      entry,
      stateText,
      services: Object.keys(state.services ?? {}),
      alive,
      supervisor: sup,
      control: state.control,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      budgetMs: stopBudgetMs(recs, timeoutMs),
      containers: recs.some((r) => r.container),
    };
  } catch {
    return undefined;
  }
  const socket = connect(found.control);
  // read as record/stop-run.ts reads its own ask's answer; a failure is the CLI's to handle
  const answer = readAnswer(socket, found.control, undefined, found.budgetMs).then(
    (r) => (r.proven ? ('proven' as const) : true),
    () => false,
  );
  const sent = new Promise<boolean>((resolve) => {
    socket.once('connect', () => {
      trace('down asking (early)');
      socket.write(`${JSON.stringify({ op: 'down', stateDir: found.entry.stateDir, timeoutMs: found.timeoutMs })}\n`, (e) => resolve(!e));
    });
    socket.once('error', () => resolve(false));
  });
  return { down: { ...found, socket, answer }, flags, sent };
}

/** How long a supervisor that answered may take to be gone (as record/stop-run.ts waits). */
const GONE_MS = 5000;

/** Resolves true once the very process recorded is gone (or a zombie), false after `ms`. */
function gone(id: { pid: number; startTime: number }, ms: number): Promise<boolean> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const look = () => (!liveStat(id) ? resolve(true) : Date.now() - t0 >= ms ? resolve(false) : setTimeout(look, 1));
    look();
  });
}

/**
 * A down asked early, ended here where it is the usual one: the supervisor vouched that every
 * service is gone and every port binds, it is gone too, the record has no engine service and
 * no lock is left (the supervisor let go of it). Its control socket and the run's index entry
 * are removed, as the CLI's proven path does. The services stopped, or undefined: the CLI
 * finishes the down from the answer (record/stop-run.ts).
 */
export async function finishEarly(down: EarlyDown): Promise<string[] | undefined> {
  if ((await down.answer) !== 'proven' || down.containers) return undefined;
  if (!(await gone(down.supervisor, GONE_MS))) return undefined;
  const { entry } = down;
  if (existsSync(pathsAt(entry.stateDir, entry.stackId).lockFile)) return undefined;
  rmSync(down.control, { force: true });
  forgetRun(entry.stackFile, entry.portOffset, entry.stateDir);
  trace('down finished (early)');
  return down.alive;
}
