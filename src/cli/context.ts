// Flags -> loaded stack (or the recorded run), shared by the commands that act on one.
import { resolve } from 'node:path';
import { DevnetError, type Problem } from '../errors.js';
import { cleanForTerminal, redactInOutput } from '../report/terminal-output.js';
import { runIsLive } from '../record/status.js';
import { stackFileHash } from '../stack/text-hash.js';
import type { Stack } from '../stack/model.js';
import { resolveStack } from '../stack/resolve.js';
import { pathsAt, statePaths, type StatePaths } from '../state/paths.js';
import { findRun, listRuns, type RunEntry } from '../state/run-index.js';
import { readState } from '../state/store.js';
import type { StackFlags } from './flags.js';
import { print, shownPath } from './output.js';
import { stackLine } from '../report/down-lines.js';

export { print, printJson, shownPath } from './output.js';

export interface StackContext {
  stack: Stack;
  warnings: Problem[];
  paths: StatePaths;
}

/**
 * `noteDefault`: say that the shipped demo stack is used for want of a devnet.yaml. Only up and
 * doctor say it (where it decides what starts or is checked); the others name the stack on
 * their first line anyway, and in this repository the note on every command was noise.
 */
export async function openStack(flags: StackFlags, resolved = resolveStack({ stack: flags.stack }), noteDefault = false): Promise<StackContext> {
  const { file, by } = resolved;
  if (by === 'default' && noteDefault) process.stderr.write(`note: no devnet.yaml in ${shownPath(process.cwd()) || '.'} or a parent folder: using devnet's shipped demo stack\n`);
  // the loader (schema, rules) is evaluated only by a command that loads the stack
  const { loadStack } = await import('../stack/load.js');
  const { stack, warnings } = await loadStack(file, { portOffset: flags.portOffset });
  // from here on, nothing printed shows the stack's secrets
  redactInOutput(stack.secretValues);
  const paths = statePaths(stack);
  // rendered files go to the run's state folder: ${files.NAME} names the real path
  stack.stateDir = paths.dir;
  return { stack, warnings, paths };
}

/** What a command on a (possibly) running stack acts on. */
export interface RunContext {
  paths: StatePaths;
  stackName: string;
  stackFile: string;
  /** the services: of the stack as loaded, or as recorded when the run is used instead */
  services: string[];
  /** set when the stack file loads and is the one that runs */
  stack?: Stack;
  /** why the recorded run is used instead of the stack file as it is now */
  note?: string;
}

/**
 * For down, status and logs: a running stack is known by what was started, not by its YAML.
 * The run recorded for this stack file (and offset) is used when the file is now invalid,
 * deleted, or names another state folder (name: changed); otherwise the stack as loaded.
 */
export async function openForRun(flags: StackFlags, o: { needStack?: boolean } = {}): Promise<RunContext> {
  let resolved: ReturnType<typeof resolveStack>;
  try {
    resolved = resolveStack({ stack: flags.stack });
  } catch (e) {
    // a deleted stack file: its run may still be recorded
    const gone = flags.stack === undefined ? undefined : findRun(resolve(flags.stack), flags.portOffset);
    if (!gone) throw e;
    return fromRecord(gone, `${flags.stack} no longer exists; acting on stack ${gone.stackId} as it was started`);
  }
  const { file } = resolved;
  const entry = findRun(file, flags.portOffset);
  const live = entry && runIsLive(pathsAt(entry.stateDir, entry.stackId)) ? entry : undefined;
  // the file is as it was at up: the run is all there is to know, and loading it (a tenth of
  // down's time) would say nothing new; but a stack with secrets is loaded, so that every
  // line printed for it (a port holder's command line) has them redacted
  if (live?.textHash && !live.secrets && !o.needStack && stackFileHash(file) === live.textHash) return fromRecord(live);
  let loaded: StackContext | undefined;
  try {
    loaded = await openStack(flags, resolved);
  } catch (e) {
    if (!live || !(e instanceof DevnetError)) throw e;
    return fromRecord(live, `${shownPath(file)} is invalid now (${e.message.split('\n')[0]}); acting on stack ${live.stackId} as it was started`);
  }
  if (live && live.stateDir !== loaded.paths.dir)
    return fromRecord(live, `${shownPath(file)} changed since up (it now names stack ${loaded.paths.stackId}); acting on stack ${live.stackId} as it was started`);
  return { paths: loaded.paths, stackName: loaded.stack.name, stackFile: loaded.stack.file, services: Object.keys(loaded.stack.services), stack: loaded.stack };
}

function fromRecord(entry: RunEntry, note?: string): RunContext {
  let services: string[] = [];
  try {
    services = Object.keys(readState(pathsAt(entry.stateDir, entry.stackId).stateFile)?.services ?? {});
  } catch {
    // a damaged state names no services; down still sweeps what it can
  }
  return contextOfRun(entry, services, note);
}

/** The context of a run from its index entry, its services as its state names them. */
export function contextOfRun(entry: Pick<RunEntry, 'stateDir' | 'stackId' | 'stackName' | 'stackFile'>, services: string[], note?: string): RunContext {
  return { paths: pathsAt(entry.stateDir, entry.stackId), stackName: entry.stackName, stackFile: entry.stackFile, services, ...(note ? { note } : {}) };
}

/** The first line of a command on a stack: which stack, from which file, and why the record when it is used. */
export function announce(ctx: Pick<RunContext, 'paths' | 'stackFile' | 'note'>, json = false): void {
  if (ctx.note) process.stderr.write(cleanForTerminal(`note: ${ctx.note}\n`, false));
  if (!json) print(stackLine(ctx.paths.stackId, shownPath(ctx.stackFile)));
}

/**
 * When this stack is not up but others are: which, and how to address the one. Copies of the
 * same stack file (another --port-offset) come first: they are what the user most likely meant.
 */
export function upElsewhere(paths: StatePaths, stackFile?: string): string | undefined {
  const live = listRuns().filter((r) => r.stateDir !== paths.dir && runIsLive(pathsAt(r.stateDir, r.stackId)));
  const copies = stackFile ? live.filter((r) => r.stackFile === stackFile) : [];
  const others = copies.length ? copies : live;
  if (!others.length) return undefined;
  if (copies.length > 1) return `${copies.length} other copies of ${shownPath(stackFile!)} are up (--port-offset ${copies.map((c) => c.portOffset).join(', ')}): address one with --port-offset N`;
  if (others.length > 1) return `${others.length} other stacks are up: devnet ls lists them`;
  const [o] = others;
  return `stack ${o!.stackId} is up (${shownPath(o!.stackFile)}): address it with --stack ${shownPath(o!.stackFile)}${o!.portOffset ? ` --port-offset ${o!.portOffset}` : ''}`;
}


export function splitList(v: string | undefined): string[] | undefined {
  return v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

