// Shared by the integration tests: temporary stacks, the built CLI, real port holders.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'devnet.cjs');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const fixture = (name: string) => join(FIXTURES, 'services', name);

export interface TmpStack {
  dir: string;
  file: string;
  stateDir: string;
  env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A stack in a fresh directory; disposing runs devnet down on it and removes the directory. */
export function tmpStack(yaml: string, files: Record<string, string> = {}, name = 'devnet.yaml'): TmpStack {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-test-'));
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  const stateDir = join(dir, '.state');
  const env = { DEVNET_STATE_DIR: stateDir };
  return {
    dir,
    file,
    stateDir,
    env,
    async [Symbol.asyncDispose]() {
      await devnet(['down', '--stack', file, '--timeout', '2'], { cwd: dir, env }).catch(() => {});
      // whatever down missed (or a bug in it left), by the marker rather than by devnet's own code
      const name = /^name:\s*(\S+)/m.exec(yaml)?.[1];
      if (name) reapStack(name, true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeout?: number;
  /** how devnet is run: by name, as a shell runs it (bin/devnet.cjs is a shell script first), or as `node bin/devnet.cjs` */
  via?: Launcher;
}

export type Launcher = 'shell' | 'node';
/**
 * Each way of launching an up -d is held by a whole suite: the Linux pass runs devnet as a
 * user's shell does (the shell waits for the supervisor); the POSIX pass, standing in for
 * macOS, where setsid is missing, as `node bin/devnet.cjs` (a Node waiter).
 */
export const LAUNCHER: Launcher = process.env.DEVNET_PLATFORM === 'posix' ? 'node' : 'shell';

export function devnetProcess(args: string[], { cwd = ROOT, env = {}, timeout = 60_000, via = LAUNCHER }: CliOptions = {}): ResultPromise<{ reject: false; all: true }> {
  return execa(via === 'shell' ? CLI : process.execPath, via === 'shell' ? args : [CLI, ...args], {
    cwd,
    env: { FORCE_COLOR: '0', NO_COLOR: '1', DEVNET_STACK: '', ...env },
    reject: false,
    all: true,
    timeout,
    stdin: 'ignore',
  }) as ResultPromise<{ reject: false; all: true }>;
}

export async function devnet(args: string[], options: CliOptions = {}) {
  const r = await devnetProcess(args, options);
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), all: String(r.all) };
}

export async function freePort(): Promise<number> {
  const { default: getPort } = await import('get-port');
  return getPort();
}

export async function freePorts(n: number): Promise<number[]> {
  const { default: getPort } = await import('get-port');
  const out: number[] = [];
  while (out.length < n) out.push(await getPort({ exclude: out }));
  return out;
}

/** A base port with base + each offset free: for replicas spread over ports (another test may hold base + 1). */
export async function freePortsAt(offsets: readonly number[]): Promise<number> {
  const { default: getPort } = await import('get-port');
  for (;;) {
    const base = await getPort();
    const rest = await Promise.all(offsets.filter((o) => o !== 0).map((o) => (base + o <= 65535 ? getPort({ port: base + o }) : Promise.resolve(-1))));
    if (rest.every((p, i) => p === base + offsets.filter((o) => o !== 0)[i]!)) return base;
  }
}

/** Holds a port in this process until disposed. */
export async function holdPort(port: number, host = '127.0.0.1'): Promise<Server & AsyncDisposable> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen({ port, host, ipv6Only: host === '::' }, resolve));
  return Object.assign(server, { [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())) });
}

/** Running, not a zombie: a killed process whose parent has not reaped it yet is gone for our purposes. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms}ms waiting for ${what}`);
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * Pids of live processes whose environment carries DEVNET_STACK_ID=stackId (with `shifted`,
 * also its --port-offset copies): found without devnet's own code.
 */
export function pidsOfStack(stackId: string, shifted = false): number[] {
  const out: number[] = [];
  const matches = (v: string) => v === `DEVNET_STACK_ID=${stackId}` || (shifted && /^[+-]\d+$/.test(v.slice(`DEVNET_STACK_ID=${stackId}`.length)) && v.startsWith(`DEVNET_STACK_ID=${stackId}`));
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || !pidAlive(Number(d)) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').some(matches)) out.push(Number(d));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** SIGKILLs whatever carries the stack's marker: the cleanup of a test that failed half-way. */
export function reapStack(stackId: string, shifted = false): void {
  for (const pid of pidsOfStack(stackId, shifted)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The demo stack's planned ports, and its followers' addresses on the RPC port. */
export const DEMO_PORTS = [8080, 8090, 8011, 8071, 4173, 5173];
const DEMO_FOLLOWERS = ['127.0.0.2', '127.0.0.3'];

/** An offset at which every demo port (and each of `extra`, such as a profile's) is free right now. */
export async function freeDemoOffset(extra: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 10000 + Math.floor(Math.random() * 1000) * 10;
    const held = [];
    try {
      for (const p of [...DEMO_PORTS, ...extra]) held.push(await holdPort(p + offset));
      for (const h of DEMO_FOLLOWERS) held.push(await holdPort(8080 + offset, h));
      return offset;
    } catch {
      // one was busy: try another offset
    } finally {
      for (const h of held) await h[Symbol.asyncDispose]();
    }
  }
  throw new Error('no free port offset for the demo stack');
}
