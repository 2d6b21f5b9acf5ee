// Replicas at their ports: spread over loopback addresses or ports, peers, per-address
// preflight and remap, rendered files, data directories and down --volumes.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { devnet, fixture, freePorts, freePortsAt, holdPort, pidsOfStack, tmpStack } from '../helpers.js';

const node = process.execPath;
const http = `["${node}", "${fixture('http.mjs')}", "\${port}", "--host", "\${host}"]`;

async function getJson(url: string): Promise<{ pid: number; env: Record<string, string> }> {
  return (await (await fetch(url)).json()) as { pid: number; env: Record<string, string> };
}

describe('replicas', () => {
  it('spread: hosts runs each replica on the planned port at its own address, with peer lists that exclude or include self', async () => {
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: hosts
services:
  node:
    command: ${http}
    port: ${port}
    replicas: 3
    env: { PEERS: "\${peers}", ALL: "\${services.node.peers}", ME: "\${replica}/\${replicas}", ECHO_ENV: "PEERS,ALL,ME" }
    ready: { http: /health }
  client:
    command: ${http}
    port: ${port}
    host: 127.0.0.9
    depends_on: [node]
    env: { CLUSTER: "\${services.node.peers}", ECHO_ENV: CLUSTER }
`);
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    const up = await run('up', '-d');
    expect(up.code, up.all).toBe(0);
    const all = `127.0.0.1:${port},127.0.0.2:${port},127.0.0.3:${port}`;
    for (const i of [1, 2, 3]) {
      const r = await getJson(`http://127.0.0.${i}:${port}/`);
      expect(r.env.ME).toBe(`${i}/3`);
      expect(r.env.ALL).toBe(all);
      expect(r.env.PEERS).toBe(all.split(',').filter((p) => p !== `127.0.0.${i}:${port}`).join(','));
    }
    expect((await getJson(`http://127.0.0.9:${port}/`)).env.CLUSTER).toBe(all);
    const st = JSON.parse((await run('status', '--json')).stdout) as { services: { name: string; state: string }[] };
    expect(st.services.map((x) => x.name).sort()).toEqual(['client', 'node-1', 'node-2', 'node-3']);
    // the plan keeps one row for the planned port, with its replicas
    const plan = JSON.parse((await run('ports', '--format', 'json')).stdout) as { ports: { key: string; port: string; replicas?: { count: number; hosts: string[] } }[] };
    expect(plan.ports.find((p) => p.key === 'node')).toMatchObject({ port: String(port), replicas: { count: 3, hosts: ['127.0.0.1', '127.0.0.2', '127.0.0.3'] } });
    // a replicated service by its name stands for its replicas
    const before = (await getJson(`http://127.0.0.2:${port}/`)).pid;
    const restart = await run('restart', 'node', '--json');
    expect(restart.code, restart.all).toBe(0);
    expect((await getJson(`http://127.0.0.2:${port}/`)).pid).not.toBe(before);
    expect((await run('down')).code).toBe(0);
    expect(pidsOfStack('hosts')).toEqual([]);
    for (const i of [1, 2, 3, 9]) await (await holdPort(port!, `127.0.0.${i}`))[Symbol.asyncDispose]();
  });

  it('spread: ports gives replica i port + (i-1) * stride, and --only takes the service name', async () => {
    const port = await freePortsAt([0, 7, 14]);
    await using s = tmpStack(`name: ports\nservices:\n  api: { command: ${http}, port: ${port}, replicas: 3, spread: ports, stride: 7, ready: { http: /health } }\n  other: { command: ${http}, port: ${port! + 1} }\n`);
    const up = await devnet(['up', '-d', '--only', 'api', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    for (const i of [0, 1, 2]) expect((await fetch(`http://127.0.0.1:${port! + i * 7}/health`)).status).toBe(200);
    const state = readState(join(s.stateDir, 'ports', 'state.json'))!;
    expect(Object.keys(state.services).sort()).toEqual(['api-1', 'api-2', 'api-3']);
  });

  it('preflight blocks only the replica whose address is taken, and --remap moves only that one', async () => {
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: clash
services:
  node: { command: ${http}, port: ${port}, replicas: 3, ready: { http: /health }, files: { peers: { content: "\${services.node.peers}\\n" } } }
`);
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    {
      // another address on the same port is no obstacle
      await using _other = await holdPort(port!, '127.0.0.7');
      await using _taken = await holdPort(port!, '127.0.0.2');
      const refused = await run('up', '-d');
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`port ${port} (node-2) is held by`);
      expect(refused.stderr).not.toMatch(/node-1|node-3/);
      const remapped = await run('up', '-d', '--remap');
      expect(remapped.code, remapped.all).toBe(0);
      const state = readState(join(s.stateDir, 'clash', 'state.json'))!;
      const moved = state.services['node-2']!.ports.default!;
      expect(moved).not.toBe(port);
      expect(state.services['node-1']!.ports.default).toBe(port);
      expect(state.services['node-3']!.ports.default).toBe(port);
      // the rendered file follows the remap
      expect(readFileSync(join(s.stateDir, 'clash', 'files', 'node-1', 'peers'), 'utf8')).toBe(`127.0.0.1:${port},127.0.0.2:${moved},127.0.0.3:${port}\n`);
      expect((await fetch(`http://127.0.0.2:${moved}/health`)).status).toBe(200);
    }
  });

  it('renders files after --port-offset (templates, content, prometheus) and down --volumes deletes exactly the data directories', async () => {
    const port = await freePortsAt([0, 1]);
    const offset = 3;
    await using s = tmpStack(
      `name: files
files:
  prom: { generate: prometheus }
services:
  db:
    command: ${http}
    port: ${port! - offset}
    metrics: /metrics
    replicas: 2
    spread: ports
    data: ["db-\${replica}", "\${stack.dir}/shared/db-\${replica}"]
    files:
      conf: { template: conf.tmpl, mode: "0640" }
    env: { CONF: "\${files.conf}", DATA: "\${data}", ECHO_ENV: "CONF,DATA" }
`,
      { 'conf.tmpl': 'listen ${host}:${port}\nprometheus ${files.prom}\n', 'shared/keep.txt': 'not declared' },
    );
    const run = (...args: string[]) => devnet([...args, '--stack', s.file, '--port-offset', String(offset)], { cwd: s.dir, env: s.env });
    const up = await run('up', '-d');
    expect(up.code, up.all).toBe(0);
    const stateDir = join(s.stateDir, `files+${offset}`);
    const conf2 = join(stateDir, 'files', 'db-2', 'conf');
    expect(readFileSync(conf2, 'utf8')).toBe(`listen 127.0.0.1:${port! + 1}\nprometheus ${join(stateDir, 'files', 'prom')}\n`);
    expect(statSync(conf2).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(stateDir, 'files', 'prom'), 'utf8')).toContain(`targets: ["127.0.0.1:${port}", "127.0.0.1:${port! + 1}"]`);
    const env = (await getJson(`http://127.0.0.1:${port! + 1}/`)).env;
    expect(env.CONF).toBe(conf2);
    expect(env.DATA).toBe(join(stateDir, 'data', 'db-2'));
    for (const d of [join(stateDir, 'data', 'db-1'), join(s.dir, 'shared', 'db-2')]) expect(existsSync(d), d).toBe(true);
    writeFileSync(join(stateDir, 'data', 'db-1', 'raft.log'), 'entries');
    mkdirSync(join(stateDir, 'data', 'undeclared'));
    // a restart keeps the data
    expect((await run('restart', 'db-1')).code).toBe(0);
    expect(readFileSync(join(stateDir, 'data', 'db-1', 'raft.log'), 'utf8')).toBe('entries');
    const down = await run('down', '--volumes');
    expect(down.code, down.all).toBe(0);
    for (const d of ['db-1', 'db-2']) {
      expect(down.stdout).toMatch(new RegExp(`^deleted \\S*files\\+3/data/${d}$`, 'm'));
      expect(down.stdout).toMatch(new RegExp(`^deleted \\S*shared/${d}$`, 'm'));
      expect(existsSync(join(stateDir, 'data', d))).toBe(false);
      expect(existsSync(join(s.dir, 'shared', d))).toBe(false);
    }
    expect(existsSync(join(stateDir, 'data', 'undeclared'))).toBe(true);
    expect(readFileSync(join(s.dir, 'shared', 'keep.txt'), 'utf8')).toBe('not declared');
  });

  it('refuses data directories outside the stack root, and replicas sharing one, with file:line', async () => {
    await using s = tmpStack(`name: bad\nservices:\n  a: { command: x, data: ["/etc/x"] }\n  b: { command: x, replicas: 2, data: ["\${stack.dir}/shared"] }\n  c: { command: x, data: ["../../escape"] }\n`);
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/devnet\.yaml:3:\d+: services\.a\.data\[0\]: \/etc\/x is outside the stack root/);
    expect(r.stderr).toMatch(/devnet\.yaml:4:\d+: services\.b\.data\[0\]: every replica of b would keep its data in/);
    expect(r.stderr).toMatch(/services\.c\.data\[0\]: \.\.\/\.\.\/escape leaves the state folder's data directory/);
  });
});
