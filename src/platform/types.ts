// What devnet reads of the operating system, whichever backend reads it.

export interface Listener {
  address: string;
  port: number;
  family: 4 | 6;
  /** the socket's inode (Linux); absent where the backend names the holder directly */
  inode?: number;
  /** the holder, where the backend names it directly (lsof) */
  pid?: number;
  uid?: number;
}

/** A TCP socket that is not listening (an outgoing or accepted connection), as seen by its local port. */
export interface Connection extends Listener {
  /** the other end, address:port */
  remote: string;
  /** TCP state where the backend says (ESTABLISHED, TIME_WAIT, ...) */
  state?: string;
}

export interface ProcessIdentity {
  pid: number;
  /** when it started, in the backend's unit (Linux: clock ticks since boot; POSIX: seconds since the epoch) */
  startTime: number;
}

export interface ProcStat extends ProcessIdentity {
  state: string;
  ppid: number;
  pgid: number;
}

/** The variables devnet sets on every service it starts, read back from a process's environment. */
export interface Marker {
  stack: string;
  service: string;
  run?: string;
  /** set on an exec probe's processes: its leftovers are found by it */
  probe?: string;
}

export interface Owner {
  pid: number;
  command: string;
  /** set when the process is a service started by devnet */
  devnet?: Marker;
}

export interface KernelPorts {
  /** the ephemeral (outgoing) port range */
  ephemeral: [number, number];
  reserved: (port: number) => boolean;
  /** ports below this need privileges */
  unprivilegedStart: number;
  isRoot: boolean;
}

/** What a process uses: CPU time so far and resident memory. */
export interface Usage {
  cpuMs: number;
  rssBytes: number;
}

export interface Platform {
  readonly name: 'linux' | 'posix';
  /**
   * TCP listeners of one family; a backend that shares one read between calls (POSIX: one lsof
   * answers both families) reuses it only if it was read at or after `since` (monotonicMs(), src/async/clock.ts)
   */
  listeners(family: 4 | 6, since?: number): Listener[];
  /** bound UDP sockets of one family (a UDP port is held by any socket bound to it) */
  udpSockets(family: 4 | 6): Listener[];
  /** connections (not listeners) whose local port is `port`: an outgoing connection can take a planned port */
  connectionsOn(port: number): Connection[];
  /** who holds each of these listeners, where the system says (one pass for all) */
  owners(listeners: readonly Listener[]): Map<Listener, Owner>;
  /** whether any of the listeners is held by one of the processes */
  heldBy(listeners: readonly Listener[], pids: readonly number[]): boolean;
  stat(pid: number): ProcStat | undefined;
  /** cheap: the pid is still in use (not a zombie where that is cheap to tell); for waits that began with its identity proven */
  exists(pid: number): boolean;
  /** every process but zombies */
  processes(): ProcStat[];
  /**
   * The process (first) and its descendants, read from the processes themselves rather than
   * from a scan of the whole table; [] when it is gone (or a zombie), undefined where the
   * backend cannot (POSIX) or the kernel does not list children
   */
  descendants?(pid: number): ProcStat[] | undefined;
  commandLine(pid: number): string | undefined;
  /** devnet's marker in each process's environment, for those that carry one */
  markers(pids: readonly number[]): Map<number, Marker>;
  kernelPorts(): KernelPorts;
  /** CPU time and memory of each of these processes that still runs (devnet ui, once a second) */
  usage(pids: readonly number[]): Map<number, Usage>;
}
