// Port preflight against real sockets held by real processes.
import { createSocket } from 'node:dgram';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { preflight } from '../../src/ports/preflight.js';
import { readSocketTable } from '../../src/ports/socket-table.js';
import { loadStackText } from '../../src/stack/load.js';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CLI, FIXTURES, devnet, devnetProcess, fixture, freePort, freePorts, holdPort, tmpStack, waitFor } from '../helpers.js';

/** A separate process listening on host:port, so the holder's pid is not the test's own. */
async function holder(port: number, host: string) {
  const child = execa(process.execPath, [fixture('http.mjs'), String(port), '--host', host], { reject: false, stdout: 'pipe' });
  await waitFor(() => readSocketTable().on(port).length > 0, 10_000, `a listener on ${host}:${port}`);
  // not the subprocess itself: it is a promise, and awaiting it would wait for the exit
  return {
    pid: child.pid!,
    async [Symbol.asyncDispose]() {
      child.kill('SIGKILL');
      await child;
    },
  };
}

const stackWith = async (port: number, extra = '') => (await loadStackText(`name: pf\nservices:\n  api:\n    command: node api.js\n    port: ${port}\n${extra}`, '/tmp/pf/devnet.yaml')).stack;

describe('port preflight', () => {
  it.each(['127.0.0.1', '::1', '0.0.0.0', '::'])('finds a listener on %s and names its pid and command line', async (host) => {
    const port = await freePort();
    await using h = await holder(port, host);
    const { checks } = await preflight(await stackWith(port), { siblings: false });
    const busy = checks.find((c) => c.id === 'port.busy')!;
    expect(busy).toBeDefined();
    expect(busy.level).toBe('error');
    expect(busy.owner).toEqual({ pid: h.pid, command: `${process.execPath} ${fixture('http.mjs')} ${port} --host ${host}` });
    expect(busy.message).toContain(`port ${port} (api) is held by pid ${h.pid}`);
    expect(busy.message).toContain('free it or run with --remap');
  });

  it('suggests ports that are really free and not claimed by the stack', async () => {
    const port = await freePort();
    await using _h = await holdPort(port);
    const stack = await stackWith(port, `  web:\n    command: node web.js\n    port: ${port + 1}\n`);
    const { checks } = await preflight(stack, { siblings: false });
    const { suggestions } = checks.find((c) => c.id === 'port.busy')!;
    expect(suggestions!.length).toBeGreaterThan(0);
    expect(suggestions).not.toContain(port + 1);
    for (const s of suggestions!) {
      await using _free = await holdPort(s, '::').catch(async () => holdPort(s, '0.0.0.0'));
    }
  });

  it('reports a free port as ok and a busy range port with its holder', async () => {
    const port = await freePort();
    await using _h = await holdPort(port);
    const stack = (await loadStackText(`name: r\nservices: {}\nranges:\n  - { name: slice, ports: ${port - 5}-${port + 5} }\n`, '/tmp/r/devnet.yaml')).stack;
    const { checks } = await preflight(stack, { siblings: false });
    // another test's listener may sit in the range too: look for ours
    const busy = checks.find((c) => c.id === 'range.busy' && c.port === port)!;
    expect(busy.level).toBe('error');
    expect(busy.owner!.pid).toBe(process.pid);
  });

  it('reads the socket tables once for a 2,768-port range', async () => {
    const stack = (await loadStackText('name: r\nservices: {}\nranges:\n  - { name: slice, ports: 30000-32767 }\n', '/tmp/r/devnet.yaml')).stack;
    const table = readSocketTable();
    let lookups = 0;
    const counting = { ...table, on: (p: number) => (lookups++, table.on(p)) };
    const { checks } = await preflight(stack, { siblings: false, table: counting });
    expect(checks.some((c) => c.id.startsWith('range.'))).toBe(true);
    expect(lookups).toBe(0); // the range is checked with one pass over the listeners
  });

  it('warns about the ephemeral range, privileged ports and vite without --strictPort', async () => {
    const stack = (await loadStackText(
      'name: w\nservices:\n  eph: { command: a, port: 40000 }\n  low: { command: b, port: 80 }\n  web: { command: "vite --port ${port}", port: 18173 }\n',
      '/tmp/w/devnet.yaml',
    )).stack;
    const kernel = { ephemeral: [32768, 60999] as [number, number], reserved: () => false, unprivilegedStart: 1024, isRoot: false };
    const { checks } = await preflight(stack, { siblings: false, kernel, suggestions: false });
    const ids = checks.filter((c) => c.level === 'warn').map((c) => `${c.id}:${c.service}`);
    expect(ids).toEqual(expect.arrayContaining(['port.ephemeral:eph', 'port.privileged:low', 'lint.vite-strict-port:web']));
    // one line for the stack, with an offset that moves the whole plan below the range
    const folded = await preflight(
      (await loadStackText('name: many\nservices:\n  a: { command: a, port: 41400 }\n  b: { command: b, port: 41401 }\n  c: { command: c, port: 41500 }\n', '/tmp/m/devnet.yaml')).stack,
      { siblings: false, kernel, suggestions: false },
    );
    const eph = folded.checks.filter((c) => c.id === 'port.ephemeral');
    expect(eph).toHaveLength(1);
    expect(eph[0]!.message).toContain('ports 41400, 41401, 41500 are inside the kernel\'s ephemeral range 32768-60999');
    expect(eph[0]!.message).toContain('--port-offset -8800 keeps the whole plan outside it');
    const reserved = await preflight(stack, { siblings: false, kernel: { ...kernel, reserved: (p) => p === 40000 }, suggestions: false });
    expect(reserved.checks.some((c) => c.id === 'port.ephemeral')).toBe(false);
  });
});

describe('naming the holder through the CLI', () => {
  it("names a port's holder as a service of a devnet stack, and which", async () => {
    const [port] = [await freePort()];
    await using a = tmpStack(`name: first\nservices:\n  api: { command: "${process.execPath} ${fixture('http.mjs')} \${port}", port: ${port} }\n`);
    expect((await devnet(['up', '-d', '--stack', a.file], { cwd: a.dir, env: a.env })).code).toBe(0);
    await using b = tmpStack(`name: second\nservices:\n  web: { command: x, port: ${port} }\n`);
    const r = await devnet(['doctor', '--stack', b.file], { cwd: b.dir, env: b.env });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`port ${port} \\(web\\) is held by pid \\d+ \\(.*http\\.mjs ${port}\\), service api of devnet stack first on 127\\.0\\.0\\.1; stop it with devnet down \\(stack first\\)`));
  });

  it('says "owner unknown" where the kernel will not tell (another user\'s process)', async (ctx) => {
    if (process.getuid?.() !== 0 || !(await execa('sh', ['-c', 'command -v setpriv'], { reject: false })).stdout) return ctx.skip();
    const port = await freePort();
    await using _h = await holder(port, '127.0.0.1');
    await using s = tmpStack(`name: other\nservices:\n  a: { command: x, port: ${port} }\n`);
    chmodSync(s.dir, 0o755);
    const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'doctor', '--stack', s.file], {
      cwd: s.dir,
      env: { ...process.env, NO_COLOR: '1', HOME: s.dir, DEVNET_STATE_DIR: s.stateDir },
      reject: false,
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain(`port ${port} (a) is held by a process devnet cannot name (owner unknown`);
  });

  it('refuses an address the machine does not have, naming it, with nothing started', async () => {
    const port = await freePort();
    // 192.0.2.0/24 (TEST-NET-1) is never a real interface's: what 127.0.0.3 is on macOS without an lo0 alias
    await using s = tmpStack(`name: far\nservices:\n  a: { command: ${JSON.stringify(`${process.execPath} ${fixture('http.mjs')} \${port} --host \${host}`)}, port: ${port}, host: 192.0.2.7 }\n`);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(3);
    expect(r.stderr).toContain(`error: address 192.0.2.7 (a) cannot be bound here (EADDRNOTAVAIL); it is not an address of this machine; set host: to one it has (127.0.0.1 for this machine alone)\nhint: nothing was started`);
    expect(r.all).not.toMatch(/^start /m);
  });
});

describe('a port taken after preflight, by an outgoing connection', () => {
  const python = spawnSync('python3', ['-c', '0']).status === 0;
  const hold = (port: number, seconds: number) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn('python3', [join(FIXTURES, 'services', 'hold-connection.py'), String(port), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout!.once('data', () => resolve(child));
      child.once('error', reject);
    });

  it('refuses at preflight a port with no listener that cannot be bound, naming the connection and an offset', async (t) => {
    if (!python) return t.skip();
    const [p] = await freePorts(1);
    const holder = await hold(p!, 30);
    try {
      await using s = tmpStack(`name: taken\nservices:\n  api: { command: "${process.execPath} ${fixture('http.mjs')} \${port}", port: ${p} }\n`);
      const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`port ${p} \\(api\\) has no listener but cannot be bound now: port ${p} was taken by an outgoing connection 127\\.0\\.0\\.1:${p} -> 127\\.0\\.0\\.1:\\d+ of pid ${holder.pid} \\(\\S*python3`));
      expect(r.stderr).toMatch(/hint: nothing was started; keep the plan out of the ephemeral range: --port-offset -?\d+/);
      expect(existsSync(join(s.stateDir, 'taken', 'state.json'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  /** A stack whose api starts once db is ready (2s): the connection is made after preflight, as in a real race. */
  const racing = (name: string, db: number, p: number, policy: string) =>
    tmpStack(`name: ${name}
services:
  db: { command: "${process.execPath} ${fixture('http.mjs')} \${port} --delay 2000", port: ${db}, ready: { http: /health } }
  api: { command: "${process.execPath} ${fixture('http.mjs')} \${port}", port: ${p}, depends_on: [db]${policy} }
`);
  const afterPreflight = async (s: { stateDir: string }, name: string) =>
    waitFor(() => existsSync(join(s.stateDir, name, 'state.json')) && JSON.parse(readFileSync(join(s.stateDir, name, 'state.json'), 'utf8')).services.db?.pid !== undefined, 15_000, 'db to start');

  it('names what took the port when a service dies with address in use after preflight', async (t) => {
    if (!python) return t.skip();
    const [db, p] = await freePorts(2);
    await using s = racing('raced', db!, p!, '');
    const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    await afterPreflight(s, 'raced');
    const holder = await hold(p!, 30);
    try {
      const r = await up;
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toMatch(new RegExp(`api exited with code 1 before it was ready: port ${p} was taken by an outgoing connection 127\\.0\\.0\\.1:${p} -> 127\\.0\\.0\\.1:\\d+ of pid ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('retries once when the connection is gone, where the restart policy allows', async (t) => {
    if (!python) return t.skip();
    const [db, p] = await freePorts(2);
    await using s = racing('retried', db!, p!, ', restart: on-failure');
    const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    await afterPreflight(s, 'retried');
    const holder = await hold(p!, 30);
    try {
      // the first try fails on the port and says it waits; then the connection goes
      await waitFor(async () => (await devnet(['logs', 'api', '--stack', s.file], { cwd: s.dir, env: s.env })).stdout.includes(`--- restart: port ${p} was taken`), 20_000, 'the first try to fail on the port');
      holder.kill('SIGUSR1');
      const r = await up;
      expect(r.exitCode, String(r.all)).toBe(0);
      const logs = await devnet(['logs', 'api', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(logs.stdout).toContain(`--- restart: port ${p} was taken by an outgoing connection`);
      expect(logs.stdout).toContain(`listening on 127.0.0.1:${p}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('UDP ports (udp_ports:)', () => {
  it('are in the plan and in preflight: a bound one is refused naming its holder; the service runs, and down proves them free', async () => {
    const [tcp, udp] = await freePorts(2);
    const server = `${process.execPath} -e "require('dgram').createSocket('udp4').bind(Number(process.argv[2]), '127.0.0.1'); require('net').createServer().listen(Number(process.argv[1]), '127.0.0.1')"`;
    await using s = tmpStack(`name: gossip\nservices:\n  node:\n    command: ${JSON.stringify(`${server} \${port} \${udp_ports.discovery}`)}\n    shell: true\n    port: ${tcp}\n    udp_ports: { discovery: ${udp} }\n`);
    const plan = await devnet(['ports', '--format', 'json'], { cwd: s.dir, env: s.env });
    expect(JSON.parse(plan.stdout).ports.map((r: { port: string }) => r.port)).toEqual([String(tcp), `${udp}/udp`]);

    // the firewall ruleset names them as UDP; nft itself accepts it (a check: -c changes nothing)
    const nftables = await devnet(['ports', '--format', 'nftables'], { cwd: s.dir, env: s.env });
    expect(nftables.stdout).toContain(`udp dport { ${udp} } accept`);
    if (spawnSync('nft', ['--version'], { stdio: 'ignore' }).status === 0) {
      writeFileSync(join(s.dir, 'plan.nft'), `${nftables.stdout}\n`);
      const check = spawnSync('nft', ['-c', '-f', join(s.dir, 'plan.nft')], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    }

    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(udp, '127.0.0.1', () => r()));
    try {
      const refused = await devnet(['up', '-d'], { cwd: s.dir, env: s.env });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`UDP port ${udp} (node.discovery) is bound by pid ${process.pid}`);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
    const up = await devnet(['up', '-d'], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const busy = createSocket('udp4');
    await expect(new Promise((ok, no) => busy.once('error', no).bind(udp, '127.0.0.1', () => ok(undefined)))).rejects.toThrow(/EADDRINUSE/);
    busy.close();
    const down = await devnet(['down'], { cwd: s.dir, env: s.env });
    expect(down.stdout).toContain('all ports free');
    const free = createSocket('udp4');
    await new Promise<void>((r) => free.bind(udp, '127.0.0.1', () => r()));
    free.close();
  });
});
