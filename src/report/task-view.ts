// What the live task list shows for one service, kept apart from listr2 so it can be
// tested without a terminal: its real state (starting, probing with the probe and the time
// spent on it, stopping), and while it is not ready, the latest line it printed, as docker
// compose and listr2's output bar show it. Updates that arrive before listr2 runs the task
// are kept, not lost: the task shows the latest on its first render.

export interface TaskHandle {
  title: string;
  output: string;
}

const MAX_OUTPUT_CHARS = 160;

export class TaskView {
  private status = 'pending';
  private probe: string | undefined;
  private since = Date.now();
  private latest = '';
  private task: TaskHandle | undefined;
  private done = false;

  constructor(
    readonly name: string,
    private readonly clean: (s: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  attach(task: TaskHandle): void {
    this.task = task;
    this.render();
  }

  starting(pid: number): void {
    this.set(`starting (pid ${pid})`);
  }

  probing(probe: string): void {
    this.probe = probe;
    this.set('probing');
  }

  stopping(): void {
    this.probe = undefined;
    this.set('stopping');
  }

  line(text: string): void {
    if (this.done) return;
    this.latest = text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS - 1)}…` : text;
    if (this.task) this.task.output = this.clean(this.latest);
  }

  /** Redraws the elapsed time of a probe under way. */
  tick(): void {
    if (this.status === 'probing' && !this.done) this.render();
  }

  /** The service is ready or failed: its title is final, its output no longer shown. */
  finish(): void {
    this.done = true;
  }

  title(): string {
    const secs = Math.floor((this.now() - this.since) / 1000);
    return this.status === 'probing' ? `${this.name}: probing ${this.probe} (${secs}s)` : `${this.name}: ${this.status}`;
  }

  private set(status: string): void {
    this.status = status;
    this.since = this.now();
    this.render();
  }

  private render(): void {
    if (!this.task || this.done) return;
    this.task.title = this.clean(this.title());
    if (this.latest) this.task.output = this.clean(this.latest);
  }
}
