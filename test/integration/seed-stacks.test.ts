// The two documents devnet was made for, as shipped stacks: the generated tables match the
// seeds row for row, the group policy holds, and nft and promtool accept what devnet writes.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownTables } from '../../src/plan/markdown.js';
import { loadStack, loadStackText } from '../../src/stack/load.js';
import { FIXTURES, ROOT, devnet, holdPort, pidAlive, waitFor } from '../helpers.js';

const seed = (name: string) => readFileSync(join(FIXTURES, 'seeds', name), 'utf8');
const stackFile = (name: string) => join(ROOT, 'stacks', `${name}.yaml`);
const hasTool = async (tool: string) => (await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode === 0;
const stripMarkdown = (s: string) => s.replace(/\*\*/g, '').replace(/`/g, '').trim();

describe('stacks/aitbc.yaml', () => {
  it('reproduces every row of the plan\'s Current Usage table', async () => {
    const r = await devnet(['ports', '--stack', 'aitbc', '--format', 'markdown']);
    expect(r.code).toBe(0);
    const planned = markdownTables(seed('aitbc-port-plan.md'))[0]!;
    const generated = markdownTables(r.stdout)[0]!;
    expect(generated.header).toEqual(planned.header);
    expect(generated.rows).toEqual(planned.rows);
    expect(generated.rows).toHaveLength(10);
  });

  it('passes the drift check against the plan document itself', async () => {
    const r = await devnet(['ports', '--stack', 'aitbc', '--check', join(FIXTURES, 'seeds', 'aitbc-port-plan.md')]);
    expect(r.stdout).toContain('agrees with stack aitbc: 10 of 10 document rows matched');
    expect(r.code).toBe(0);
  });

  it('strikes a deprecated port through with its migration note', async () => {
    const text = readFileSync(stackFile('aitbc'), 'utf8').replace('    port: 8090\n', '    port: 8090\n    status: deprecated\n    migration: moved into the coordinator API at 8011\n');
    const dir = mkdtempSync(join(tmpdir(), 'devnet-aitbc-'));
    try {
      writeFileSync(join(dir, 'aitbc.yaml'), text);
      const r = await devnet(['ports', '--stack', join(dir, 'aitbc.yaml'), '--format', 'markdown']);
      expect(r.stdout).toContain('| ~~8090~~ | ~~Mock Coordinator API~~ |');
      expect(r.stdout).toContain('Deprecated: moved into the coordinator API at 8011 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orders the chain node first, then coordinators and wallet, then web apps; Prometheus after what it scrapes', async () => {
    const { stack } = await loadStack(stackFile('aitbc'));
    const deps = (s: string) => Object.keys(stack.services[s]!.dependsOn);
    expect(deps('blockchain-node')).toEqual([]);
    expect(deps('coordinator-api')).toEqual(['blockchain-node']);
    expect(deps('wallet-daemon')).toEqual(expect.arrayContaining(['blockchain-node', 'coordinator-api']));
    expect(deps('prometheus')).toEqual(expect.arrayContaining(['blockchain-node', 'mock-coordinator']));
    expect(stack.services['prometheus']!.profiles).toEqual(['observability']);
    expect(stack.services['coordinator-api-production']!.profiles).toEqual(['production']);
    for (const web of ['explorer-web', 'marketplace-web']) expect(stack.services[web]!.command).toContain('--strictPort');
  });

  it('runs its stand-ins when there is no AITBC checkout, and says so and how to get one', async () => {
    const r = await devnet(['doctor', '--stack', 'aitbc'], { env: { AITBC_ROOT: '/nonexistent/aitbc' } });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('stack root /nonexistent/aitbc does not exist, so every service runs its fallback; clone the AITBC repository there, or point AITBC_ROOT at your checkout');
    expect(r.stdout).toMatch(/service blockchain-node: its directory \/nonexistent\/aitbc\/apps\/blockchain-node does not exist, so its fallback runs \(node \S+\/demo\/services\/blockchain-node\.mjs/);
  });

  it('runs its observability profile from the official images, with the scrape config devnet writes', async () => {
    const r = await devnet(['config', '--stack', 'aitbc', 'prometheus', 'grafana', '--json'], { env: { AITBC_ROOT: '/nonexistent/aitbc' } });
    expect(r.code, r.all).toBe(0);
    const services = JSON.parse(r.stdout).services as Record<string, { command: string; args: string[] }>;
    expect(services.grafana!.args).toEqual(expect.arrayContaining(['--network', 'host', '--label', 'devnet.service=grafana']));
    const byName = { prometheus: services.prometheus!.command, grafana: services.grafana!.command };
    expect(byName.prometheus).toMatch(/^docker run prom\/prometheus:v[\d.]+ --config\.file=\S+\/files\/prometheus\/scrape --web\.listen-address=127\.0\.0\.1:9090/);
    expect(byName.grafana).toMatch(/^docker run grafana\/grafana:[\d.]+$/);
  });
});

describe('stacks/runink.yaml', () => {
  it('has every row of the Runink port table, with its protocol and purpose', async () => {
    const table = markdownTables(seed('runink-port-table.md'))[0]!;
    const { ports } = JSON.parse((await devnet(['ports', '--stack', 'runink', '--format', 'json'])).stdout) as { ports: { port: string; service: string; protocol: string; notes: string }[] };
    const expected = table.rows.map((r) => [stripMarkdown(r[0]!), stripMarkdown(r[1]!), stripMarkdown(r[2]!), r[3]!.replace(/`/g, '')]);
    const actual = ports.map((p) => [p.service.replace(/`/g, ''), p.port, p.protocol, p.notes.replace(/`/g, '')]);
    expect(actual.map((a) => a[0]).sort()).toEqual(expected.map((e) => (e[0] === 'Slice Ephemeral Services (per slice)' ? 'slice-ephemeral' : e[0])).sort());
    for (const row of expected) {
      const match = actual.find((a) => a[1] === row[1]);
      expect(match, `row ${row[1]}`).toBeDefined();
      expect(match![2]).toBe(row[2]);
      expect(match![3]).toBe(row[3]);
    }
  });

  it('keeps each grouped service inside its group, and refuses one outside', async () => {
    const { stack } = await loadStack(stackFile('runink'));
    const grouping = markdownTables(seed('runink-port-table.md'))[1]!.rows.map((r) => stripMarkdown(r[0]!));
    expect(stack.groups.map((g) => `${g.from}-${g.to}`)).toEqual(grouping);
    for (const s of Object.values(stack.services)) {
      if (!s.group) continue;
      const g = stack.groups.find((x) => x.name === s.group)!;
      for (const p of Object.values(s.ports)) expect(p >= g.from && p <= g.to, `${s.name}:${p} in ${g.name}`).toBe(true);
    }
    // the table's own inconsistency: the Analytics Scheduler (8901) is outside 8700-8900
    const text = readFileSync(stackFile('runink'), 'utf8').replace(/(  analytics-scheduler:[\s\S]*?    port: 8901\n)/, '$1    group: herd\n');
    await expect(loadStackText(text, stackFile('runink'))).rejects.toThrow('services.analytics-scheduler.port: port 8901 is outside its group "herd" (8700-8900)');
  });

  it('writes an nftables ruleset that nft accepts, dropping the internal slice range', async (ctx) => {
    if (!(await hasTool('nft'))) return ctx.skip();
    const r = await devnet(['ports', '--stack', 'runink', '--format', 'nftables']);
    expect(r.stdout).toMatch(/tcp dport \{ [^}]*30000-32767[^}]* \} drop/);
    expect(r.stdout).toMatch(/tcp dport \{ [^}]*8443[^}]* \} accept/);
    const dir = mkdtempSync(join(tmpdir(), 'devnet-nft-'));
    try {
      writeFileSync(join(dir, 'runink.nft'), `${r.stdout}\n`);
      const check = await execa('nft', ['-c', '-f', join(dir, 'runink.nft')], { reject: false });
      expect(check.exitCode, check.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes Prometheus scrape targets that promtool accepts', async (ctx) => {
    if (!(await hasTool('promtool'))) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'devnet-prom-'));
    try {
      for (const stack of ['runink', 'demo', 'aitbc']) {
        const r = await devnet(['ports', '--stack', stack, '--format', 'prometheus', '--port-offset', '1000']);
        writeFileSync(join(dir, `${stack}.yml`), `${r.stdout}\n`);
        const check = await execa('promtool', ['check', 'config', join(dir, `${stack}.yml`)], { reject: false });
        expect(check.exitCode, `${stack}: ${check.stderr}`).toBe(0);
      }
      expect(readFileSync(join(dir, 'runink.yml'), 'utf8')).toContain('"127.0.0.1:10100"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('comes up with two 5-peer Raft clusters on their own loopback addresses, each peer with a majority, in order; down frees every address', async (ctx) => {
    // shift the whole stack (8443-9300, the 30000-32767 slice range) below the kernel's
    // ephemeral range: the parallel tests' listeners (port 0) and outgoing connections take
    // ports there, between a preflight and a bind, which no preflight can foresee
    const ephemeralBottom = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const highest = ephemeralBottom - 1 - 32767;
    const lowest = 1024 - 8443;
    if (highest < lowest) return ctx.skip();
    const state = mkdtempSync(join(tmpdir(), 'devnet-runink-'));
    const env = { DEVNET_STATE_DIR: state };
    let args: string[] = [];
    let offset = 0;
    try {
      // a port another test holds (a fixed one, as the demo's) is a collision with that test:
      // try another offset (at most 3)
      let up: { code: number | undefined; all: string; stdout: string } = { code: -1, all: '', stdout: '' };
      for (let attempt = 0; attempt < 3; attempt++) {
        offset = lowest + 500 + Math.floor((Math.random() * (highest - lowest - 500)) / 10) * 10;
        args = ['--stack', 'runink', '--port-offset', String(offset)];
        up = await devnet(['up', '-d', ...args], { env });
        if (up.code === 0 || !/EADDRINUSE|is held by/.test(up.all)) break;
        await devnet(['down', ...args], { env });
      }
      expect(up.code, up.all).toBe(0);
      const order = [...up.stdout.matchAll(/^start\s+(\S+)/gm)].map((m) => m[1]!);
      const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
      for (let i = 1; i <= 5; i++) before(`finance-raft-${i}`, 'finance-barn');
      for (let i = 1; i <= 5; i++) before(`analytics-raft-${i}`, 'analytics-barn');
      before('finance-barn', 'herd-directory');
      before('analytics-barn', 'analytics-scheduler');
      before('herd-directory', 'apiserver');
      before('apiserver', 'runi-agent');
      before('runi-agent', 'runi-exporter');
      const health = await (await fetch(`http://127.0.0.1:${8443 + offset}/health`)).json();
      expect(health).toMatchObject({ service: 'apiserver', standIn: true });
      // every peer on the planned port (shifted) at its own address, reporting a majority
      for (const [cluster, port] of [['finance-raft', 8800], ['analytics-raft', 8801]] as const)
        for (let i = 1; i <= 5; i++) {
          const peer = (await (await fetch(`http://127.0.0.${i}:${port + offset}/health`)).json()) as { service: string; raft: { members: number; reachable: number; quorum: number } };
          expect(peer.service).toBe(`${cluster}-${i}`);
          expect(peer.raft.members).toBe(5);
          expect(peer.raft.reachable).toBeGreaterThanOrEqual(peer.raft.quorum);
        }
      const status = JSON.parse((await devnet(['status', '--json', ...args], { env })).stdout) as { services: { pid: number; state: string }[] };
      expect(status.services).toHaveLength(20);
      // one peer stopped: allowed (the group still serves), said, its users untouched
      const one = await devnet(['stop', 'finance-raft-5', ...args], { env });
      expect(one.code, one.all).toBe(0);
      expect(one.stdout).toContain('finance-raft: 4 of 5 replicas serve; what depends on it keeps running');
      // three down: the other two lose their quorum, and status says so
      expect((await devnet(['stop', 'finance-raft-4', 'finance-raft-3', ...args], { env })).code).toBe(0);
      await waitFor(async () => /finance-raft-1\s+unhealthy \(no quorum\)/.test((await devnet(['status', ...args], { env })).stdout), 15_000, 'finance-raft-1 unhealthy (no quorum)');
      // a group's replicas are named by the group in a dependent's state, so the column stays narrow
      await waitFor(async () => /finance-barn\s+unhealthy \(no quorum\), degraded \(finance-raft down\)\s/.test((await devnet(['status', ...args], { env })).stdout), 15_000, 'finance-barn degraded by finance-raft');
      // the last replicas are what its users need: refused
      const last = await devnet(['stop', 'finance-raft-1', 'finance-raft-2', ...args], { env });
      expect(last.code).toBe(2);
      expect(last.stderr).toContain('needed by running finance-barn');
      const down = await devnet(['down', ...args], { env });
      expect(down.code, down.all).toBe(0);
      expect(down.stdout).toContain('all ports free');
      expect(status.services.filter((s) => pidAlive(s.pid))).toEqual([]);
      // every address free again: each peer's address and port can be bound
      for (const port of [8800, 8801]) for (let i = 1; i <= 5; i++) await (await holdPort(port + offset, `127.0.0.${i}`))[Symbol.asyncDispose]();
    } finally {
      await devnet(['down', ...args], { env });
      rmSync(state, { recursive: true, force: true });
    }
  });
});
