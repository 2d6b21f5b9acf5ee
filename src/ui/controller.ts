// The UI's one moving part: it owns the model's state, polls the feed, turns keys into the
// model's moves and their effects into requests, the same control requests devnet restart,
// stop, start, pause and down send, and tells the view when there is something new to draw.
import { controlRequest } from '../control/client.js';
import type { StatePaths } from '../state/paths.js';
import { StackFeed } from './feed.js';
import { initialState, onKey, screenOf, selectedName, type Key, type Request, type Screen, type UiLine, type UiState } from './model.js';

export type UiEnd = 'quit' | 'down';

export interface ControllerOptions {
  paths: StatePaths;
  stackFile: string;
  foreground: boolean;
  /** up --ui: this process supervises the run; a state file of another (the last run's) is not it yet */
  supervisorPid?: number;
  pollMs?: number;
  usageMs?: number;
  /** the request API; the CLI's own control client unless a test gives another */
  send?: (req: Request) => Promise<void>;
}

const PAST: Record<Request['op'], string> = { restart: 'restarted', stop: 'stopped', start: 'started', pause: 'paused', resume: 'resumed', down: 'brought down' };

export class UiController {
  state: UiState;
  private readonly feed: StackFeed;
  private readonly listeners = new Set<() => void>();
  private timers: NodeJS.Timeout[] = [];
  private size = { width: 80, height: 24 };
  private cached: Screen | undefined;
  private finish!: (end: UiEnd) => void;
  readonly done: Promise<UiEnd>;

  constructor(private readonly o: ControllerOptions) {
    this.feed = new StackFeed(o.paths);
    this.state = initialState({ stackId: o.paths.stackId, stackFile: o.stackFile, foreground: o.foreground, now: Date.now() });
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  start(): void {
    this.poll();
    this.timers.push(setInterval(() => this.poll(), this.o.pollMs ?? 250));
    this.timers.push(setInterval(() => this.update({ usage: this.feed.readUsage(), now: Date.now() }), this.o.usageMs ?? 1000));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  resize(width: number, height: number): void {
    if (width === this.size.width && height === this.size.height) return;
    this.size = { width, height };
    this.changed();
  }

  /** The screen for the terminal's size now; the same object until something changes. */
  screen(): Screen {
    return (this.cached ??= screenOf(this.state, this.paneLines(), this.size.width, this.size.height));
  }

  paneLines(s: UiState = this.state): readonly UiLine[] {
    return this.feed.lines(s.logMode === 'all' ? undefined : selectedName(s));
  }

  key(input: string, key: Key): void {
    // keys typed faster than they are read (or pasted) come as one chunk: "/block" is / then b, l, o, c, k
    const plain = !Object.values(key).some(Boolean);
    if (plain && [...input].length > 1) {
      // Enter, Backspace and Esc can be in such a chunk too: given as the keys they are
      for (const ch of input) this.key(ch === '\r' || ch === '\n' ? '' : ch === '\x7f' || ch === '\b' ? '' : ch, ch === '\r' || ch === '\n' ? { return: true } : ch === '\x7f' || ch === '\b' ? { backspace: true } : {});
      return;
    }
    const paneHeight = Math.max(3, this.size.height - 8);
    const { state, effect } = onKey(this.state, input, key, this.paneLines(), paneHeight);
    this.state = state;
    this.changed();
    if (effect.kind === 'quit') this.finish('quit');
    if (effect.kind === 'request') void this.send(effect.request);
  }

  private async send(req: Request): Promise<void> {
    const t0 = Date.now();
    try {
      await (this.o.send ?? ((r) => defaultSend(this.o.paths, this.state, r)))(req);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const what = req.op === 'down' ? `stack ${this.state.stackId}` : req.services.join(', ');
      this.update({ busy: undefined, message: { text: `${PAST[req.op]} ${what}${req.withDependents ? ' and its dependents' : ''} in ${secs}s`, tone: 'ok' } });
      if (req.op === 'down') this.finish('down');
    } catch (e) {
      const text = (e as Error).message.split('\n')[0]!;
      this.update({ busy: undefined, message: { text: `refused: ${text}`, tone: 'bad' } });
    }
    this.poll();
  }

  private poll(): void {
    const read = this.feed.readRecord();
    const { changed } = read;
    const ours = !this.o.supervisorPid || read.record?.supervisor.pid === this.o.supervisorPid;
    const record = ours ? read.record : undefined;
    const supervisor = ours ? read.supervisor : 'alive';
    // a service's log is read once it has started in this run: before, the file is the last run's
    const names = Object.values(record?.services ?? {})
      .filter((r) => r.startedAt !== undefined && r.startedAt >= record!.startedAt)
      .map((r) => r.name);
    const logs = this.feed.readLogs(names);
    if (!changed && !logs && supervisor === this.state.supervisor) return;
    this.update({ record, supervisor, now: Date.now() });
  }

  private update(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    this.changed();
  }

  private drawn = '';

  /** Something changed: the view is told only when the screen it would draw differs (a render is not free under a flood). */
  private changed(): void {
    this.cached = undefined;
    const screen = this.screen();
    const key = screenKey(screen);
    if (key === this.drawn) return;
    this.drawn = key;
    for (const fn of this.listeners) fn();
  }
}

function screenKey(s: Screen): string {
  let k = `${s.width}x${s.height}`;
  for (const l of s.lines) k += `\n${l.tone ?? ''}${l.selected ? '>' : ''}${l.bold ? '*' : ''}${l.marks ? JSON.stringify(l.marks) : ''}|${l.text}`;
  return k;
}

async function defaultSend(paths: StatePaths, s: UiState, req: Request): Promise<void> {
  const socket = s.record?.control ?? paths.controlSocket;
  await controlRequest(socket, { op: req.op, services: req.services, withDependents: req.withDependents, stateDir: paths.dir });
}
