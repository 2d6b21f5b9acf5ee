// A private Docker daemon for the container tests, and images built from this host's own
// files (no registry is reachable here). The daemon has its own data, exec root and socket,
// no bridge, and leaves the host's firewall and ip_forward alone; every container of the tests
// uses host networking. Where no daemon can start the tests are skipped with the reason,
// unless DEVNET_REQUIRE_DOCKER is set (CI), where that is a failure.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers.js';

export interface PrivateDocker {
  /** unix:///... */
  host: string;
  env: { DOCKER_HOST: string };
  dir: string;
  /** the docker CLI against this daemon */
  docker(args: string[], input?: string): { code: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

const which = (p: string) => {
  const r = spawnSync('sh', ['-c', `command -v ${p}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** The daemon, or why there is none. */
export async function privateDocker(): Promise<PrivateDocker | { skip: string }> {
  const dockerd = which('dockerd');
  const cli = which('docker');
  const skip = (why: string) => {
    if (process.env.DEVNET_REQUIRE_DOCKER) throw new Error(`container tests: ${why} (DEVNET_REQUIRE_DOCKER is set)`);
    return { skip: why };
  };
  if (!dockerd || !cli) return skip('no dockerd or docker CLI here (apt-get install docker.io)');
  if (process.getuid?.() !== 0) return skip('a private dockerd needs root');
  // short: a unix socket path has at most 108 bytes
  const dir = mkdtempSync('/tmp/dnd-');
  const host = `unix://${dir}/docker.sock`;
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const daemon: ChildProcess = spawn(
    dockerd,
    ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '-H', host, '--pidfile', join(dir, 'docker.pid'), '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false'],
    { stdio: ['ignore', log, log], detached: true },
  );
  let exited = false;
  daemon.once('exit', () => (exited = true));
  const env = { DOCKER_HOST: host };
  const docker = (args: string[], input?: string) => {
    const r = spawnSync(cli, args, { env: { ...process.env, ...env }, encoding: 'utf8', input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  };
  const stop = async () => {
    if (!exited) {
      daemon.kill('SIGTERM');
      const until = Date.now() + 30_000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (!exited) daemon.kill('SIGKILL');
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a mount the daemon did not undo: left in /tmp
    }
  };
  const until = Date.now() + 60_000;
  while (Date.now() < until && !exited) {
    if (docker(['version', '--format', '{{.Server.Version}}']).code === 0) return { host, env, dir, docker, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  const why = readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  await stop();
  return skip(`dockerd did not start: ${why}`);
}

/** The libraries ldd names for each file. */
function librariesOf(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) for (const m of (spawnSync('ldd', [f], { encoding: 'utf8' }).stdout ?? '').matchAll(/(\/[^\s)]+)/g)) if (existsSync(m[1]!)) out.add(m[1]!);
  return [...out];
}

/** Copies each file into `root` at its own path, with every library ldd names for it. */
export function withLibraries(root: string, files: readonly string[]): void {
  for (const f of [...files, ...librariesOf(files)]) {
    const to = join(root, f);
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f, to);
    chmodSync(to, statSync(f).mode & 0o777);
  }
}

function nativeAddons(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) nativeAddons(p, out);
    else if (e.name.endsWith('.node')) out.push(p);
  }
  return out;
}

/** `docker import` of a root filesystem: `changes` are Dockerfile lines (ENTRYPOINT, WORKDIR, ...). */
function importRoot(d: PrivateDocker, root: string, tags: readonly string[], changes: readonly string[] = []): void {
  mkdirSync(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  chmodSync(join(root, 'tmp'), 0o1777);
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
  const [first, ...more] = tags;
  const r = spawnSync('docker', ['import', ...changes.flatMap((c) => ['--change', c]), '-', first!], { env: { ...process.env, ...d.env }, input: tar.stdout, maxBuffer: 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker import ${first}: ${r.stderr}`);
  for (const t of more) d.docker(['tag', first!, t]);
}

/** An image with this host's node (and sh, env, and the libraries of node_modules' native addons), tagged as asked. */
export function nodeImage(d: PrivateDocker, tags: readonly string[]): void {
  const root = mkdtempSync('/tmp/dnd-root-');
  try {
    // the addons come with the stack root's mount; the libraries they load must be in the image
    const addons = existsSync(join(ROOT, 'node_modules')) ? nativeAddons(join(ROOT, 'node_modules')) : [];
    withLibraries(root, [process.execPath, which('env')!, which('sh')!, ...librariesOf(addons)]);
    importRoot(d, root, tags, [`ENV PATH=${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** An image with this host's prometheus laid out as the official image is (ENTRYPOINT /bin/prometheus). */
export function prometheusImage(d: PrivateDocker, tag: string): boolean {
  const prom = which('prometheus');
  if (!prom) return false;
  const root = mkdtempSync('/tmp/dnd-root-');
  try {
    withLibraries(root, [prom]);
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(prom, join(root, 'bin/prometheus'));
    chmodSync(join(root, 'bin/prometheus'), 0o755);
    mkdirSync(join(root, 'prometheus'), { recursive: true, mode: 0o777 });
    mkdirSync(join(root, 'etc/prometheus'), { recursive: true });
    importRoot(d, root, [tag], ['ENTRYPOINT ["/bin/prometheus"]', 'WORKDIR /prometheus']);
    return true;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
