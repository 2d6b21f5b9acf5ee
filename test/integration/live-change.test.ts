// A running stack changed while it runs: devnet up applies the edited stack file (changed
// services recreated, added started, removed stopped, the rest untouched), status says when
// file and stack differ, up --watch follows the file, devnet scale grows and shrinks replicas.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState, type StackState } from '../../src/state/store.js';
import { devnet, fixture, freePorts, holdPort, pidAlive, pidsOfStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const http = (extra = '') => `["${node}", "${fixture('http.mjs')}", "\${port}", "--host", "\${host}"${extra}]`;
const stateOf = (s: { stateDir: string }, name: string): StackState => readState(join(s.stateDir, name, 'state.json'))!;
const pids = (s: { stateDir: string }, name: string) => Object.fromEntries(Object.entries(stateOf(s, name).services).map(([n, r]) => [n, r.pid]));

function get(host: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found`);
  writeFileSync(file, next);
};

const fourTier = (name: string, [db, api, web, pool]: number[]) => `name: ${name}
files:
  api-config: { template: api.conf.tpl }
services:
  db: { command: ${http()}, port: ${db}, ready: { http: /health } }
  api:
    command: ${http()}
    port: ${api}
    depends_on: [db]
    ready: { http: /health }
    env: { LOG_LEVEL: info, CONFIG: "\${files.api-config}" }
  web: { command: ${http()}, port: ${web}, depends_on: [api], ready: { http: /health } }
  pool-hub: { command: ${http()}, port: ${pool}, ready: { http: /health } }
`;

describe('devnet up on a running stack', () => {
  it('recreates what changed, adds and removes services, leaves the rest running; --dry-run and status only say it', async () => {
    const [db, api, web, pool, web2, indexer] = await freePorts(6);
    await using s = tmpStack(fourTier('live', [db!, api!, web!, pool!]), { 'api.conf.tpl': 'db=${services.db.port}\n' });
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d')).code).toBe(0);
    const before = pids(s, 'live');

    edit(s.file, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    edit(s.file, `port: ${web}`, `port: ${web2}`);
    edit(s.file, /  pool-hub:.*\n/, `  indexer: { command: ${http()}, port: ${indexer}, depends_on: [db], ready: { http: /health } }\n`);

    // status: the file differs from what runs
    const st = await run('status');
    expect(st.stdout).toContain('stack file changed since up: 4 services differ; devnet up applies it');
    const stJson = JSON.parse((await run('status', '--json')).stdout) as { fileChanged: { changes: { action: string; service: string }[] } };
    expect(stJson.fileChanged.changes.map((c) => `${c.action} ${c.service}`).sort()).toEqual(['add indexer', 'recreate api', 'recreate web', 'remove pool-hub']);

    const dry = await run('up', '-d', '--dry-run');
    expect(dry.code, dry.all).toBe(0);
    expect(dry.stdout).toContain('recreate api: env LOG_LEVEL changed');
    expect(dry.stdout).toContain(`recreate web: port ${web} -> ${web2}`);
    expect(dry.stdout).toContain('add indexer');
    expect(dry.stdout).toContain('remove pool-hub: no longer in the stack');
    expect(pids(s, 'live')).toEqual(before);

    const applied = await run('up', '-d', '--json');
    expect(applied.code, applied.all).toBe(0);
    const json = JSON.parse(applied.stdout) as { changes: { action: string; service: string; reasons: string[] }[]; services: { name: string; state: string }[] };
    expect(json.changes.find((c) => c.service === 'api')).toEqual({ action: 'recreate', service: 'api', reasons: ['env LOG_LEVEL changed'] });
    const after = pids(s, 'live');
    expect(after.db).toBe(before.db);
    expect(pidAlive(before.db!)).toBe(true);
    expect(after.api).not.toBe(before.api);
    expect(after.web).not.toBe(before.web);
    expect(pidAlive(before.api!) || pidAlive(before.web!) || pidAlive(before['pool-hub']!)).toBe(false);
    expect(after['pool-hub']).toBeUndefined();
    expect(json.services.map((x) => `${x.name} ${x.state}`)).toEqual(['db ready', 'api ready', 'web ready', 'indexer ready']);
    expect((await get('127.0.0.1', web2!, '/health')).status).toBe(200);
    expect((await get('127.0.0.1', web!, '/health')).status).toBe(0);
    expect((await get('127.0.0.1', pool!, '/health')).status).toBe(0);

    // applied: nothing differs, nothing to do, and status says nothing of the file
    const again = await run('up', '-d');
    expect(again.stdout).toContain('nothing to do');
    expect((await run('status')).stdout).not.toContain('stack file changed');

    // a changed template recreates the service that uses it, and only that one
    const mid = pids(s, 'live');
    writeFileSync(join(s.dir, 'api.conf.tpl'), 'db=${services.db.port}\nretries=3\n');
    const tpl = await run('up', '-d');
    expect(tpl.code, tpl.all).toBe(0);
    expect(tpl.stdout).toContain('recreate api: files.api-config changed');
    const last = pids(s, 'live');
    expect(last.api).not.toBe(mid.api);
    expect([last.db, last.web, last.indexer]).toEqual([mid.db, mid.web, mid.indexer]);
    expect(readFileSync(join(s.stateDir, 'live', 'files', 'api-config'), 'utf8')).toContain('retries=3');

    expect((await run('down')).code).toBe(0);
    expect(pidsOfStack('live')).toEqual([]);
  }, 60_000);

  it('an invalid edit or a busy new port changes nothing', async () => {
    const [db, api, web, pool, busy] = await freePorts(5);
    await using s = tmpStack(fourTier('frozen', [db!, api!, web!, pool!]), { 'api.conf.tpl': 'x\n' });
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d')).code).toBe(0);
    const before = pids(s, 'frozen');
    const good = readFileSync(s.file, 'utf8');

    edit(s.file, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    edit(s.file, `port: ${web}, depends_on`, `port: ${web}, depend_on`);
    const invalid = await run('up', '-d');
    expect(invalid.code, invalid.all).toBe(2);
    expect(invalid.stderr).toMatch(/devnet\.yaml:\d+:\d+: .*unknown key "depend_on"/);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
    expect(pids(s, 'frozen')).toEqual(before);

    writeFileSync(s.file, good);
    edit(s.file, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    edit(s.file, `port: ${web}`, `port: ${busy}`);
    await using _held = await holdPort(busy!);
    const refused = await run('up', '-d');
    expect(refused.code, refused.all).toBe(3);
    expect(refused.stderr).toContain(`port ${busy} (web) is held by pid ${process.pid}`);
    expect(refused.stderr).toContain('nothing was changed');
    expect(pids(s, 'frozen')).toEqual(before);
    expect(stateOf(s, 'frozen').services.web!.ports.default).toBe(web);
  }, 60_000);

  it('up --watch applies a valid edit of the stack file and ignores an invalid one', async () => {
    const [db, api, web, pool] = await freePorts(4);
    await using s = tmpStack(fourTier('watched', [db!, api!, web!, pool!]), { 'api.conf.tpl': 'x\n' });
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d', '--watch')).code).toBe(0);
    const before = pids(s, 'watched');
    const log = join(s.stateDir, 'watched', 'supervisor.log');
    const logText = () => {
      try {
        return readFileSync(log, 'utf8');
      } catch {
        return '';
      }
    };

    edit(s.file, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    await waitFor(() => pids(s, 'watched').api !== before.api && stateOf(s, 'watched').services.api!.state === 'ready', 15_000, 'api recreated');
    expect(logText()).toContain('recreate api: env LOG_LEVEL changed');
    const mid = pids(s, 'watched');
    expect([mid.db, mid.web, mid['pool-hub']]).toEqual([before.db, before.web, before['pool-hub']]);

    edit(s.file, 'LOG_LEVEL: debug', 'LOG_LEVEL: [oops');
    await waitFor(() => logText().includes('not applied'), 15_000, 'the invalid edit reported');
    expect(logText()).toMatch(/not applied: .*devnet\.yaml:\d+:\d+/);
    expect(pids(s, 'watched')).toEqual(mid);
    expect((await run('status')).stderr).toMatch(/devnet\.yaml is invalid now .*acting on stack watched as it was started/);
  }, 60_000);
});

describe('devnet scale', () => {
  it('grows and shrinks a replicated service, recreates the users of its peer list, frees ports; down leaves nothing', async () => {
    const [port, barn] = await freePorts(2);
    const yaml = `name: scaled
services:
  raft:
    command: ${http()}
    port: ${port}
    replicas: 3
    ready: { http: /health }
    env: { PEERS: "\${peers}" }
  barn:
    command: ${http()}
    port: ${barn}
    depends_on: [raft]
    ready: { http: /health }
    env: { RAFT: "\${services.raft.peers}", ECHO_ENV: RAFT }
`;
    await using s = tmpStack(yaml);
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect((await run('up', '-d')).code).toBe(0);
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `127.0.0.${i + 1}`);
    const answering = async (n: number) => (await Promise.all(hosts(n).map((h) => get(h, port!, '/health')))).filter((r) => r.status === 200).length;
    expect(await answering(5)).toBe(3);
    const before = pids(s, 'scaled');

    const dry = await run('scale', 'raft', '5', '--dry-run');
    expect(dry.code, dry.all).toBe(0);
    expect(dry.stdout).toContain('add raft-4');
    expect(pids(s, 'scaled')).toEqual(before);

    const up5 = await run('scale', 'raft', '5', '--json');
    expect(up5.code, up5.all).toBe(0);
    const json = JSON.parse(up5.stdout) as { changes: { action: string; service: string }[] };
    expect(json.changes.map((c) => `${c.action} ${c.service}`)).toEqual(['recreate raft-1', 'recreate raft-2', 'recreate raft-3', 'add raft-4', 'add raft-5', 'recreate barn']);
    expect(await answering(5)).toBe(5);
    const barnSees = JSON.parse((await get('127.0.0.1', barn!)).body) as { env: { RAFT: string } };
    expect(barnSees.env.RAFT.split(',')).toHaveLength(5);
    expect(stateOf(s, 'scaled').scale).toEqual({ raft: { count: 5, file: 3 } });

    // an unchanged file keeps the scaled count; ls and status count the replicas
    expect((await run('up', '-d')).stdout).toContain('nothing to do');
    expect(Object.keys(stateOf(s, 'scaled').services)).toHaveLength(6);

    const down3 = await run('scale', 'raft', '3');
    expect(down3.code, down3.all).toBe(0);
    expect(down3.stdout).toContain('remove raft-5: raft runs 3 copies now');
    expect(await answering(5)).toBe(3);
    expect((await get('127.0.0.4', port!, '/health')).status).toBe(0);
    expect(stateOf(s, 'scaled').scale).toBeUndefined();

    // an edit of replicas: in the file wins over a recorded scale
    expect((await run('scale', 'raft', '4')).code).toBe(0);
    edit(s.file, 'replicas: 3', 'replicas: 2');
    const edited = await run('up', '-d');
    expect(edited.code, edited.all).toBe(0);
    expect(await answering(5)).toBe(2);

    expect((await run('down')).code).toBe(0);
    expect(pidsOfStack('scaled')).toEqual([]);
    expect(await answering(5)).toBe(0);
  }, 90_000);

  it('refuses an unknown service with a suggestion, and says plainly when the supervisor is gone', async () => {
    const [port] = await freePorts(1);
    await using s = tmpStack(`name: noscale\nservices:\n  raft: { command: ${http()}, port: ${port}, replicas: 2, ready: { http: /health } }\n`);
    const run = (...args: string[]) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env });
    const notUp = await run('scale', 'raft', '3');
    expect(notUp.code).toBe(1);
    expect(notUp.stderr).toContain('stack noscale is not up');
    expect((await run('up', '-d')).code).toBe(0);
    const typo = await run('scale', 'rafd', '3');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "raft"');
    process.kill(stateOf(s, 'noscale').supervisor.pid, 'SIGKILL');
    const gone = await run('scale', 'raft', '3');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/has no supervisor: the devnet that ran it \(pid \d+\) is gone/);
    expect((await run('down')).code).toBe(0);
    expect(pidsOfStack('noscale')).toEqual([]);
  }, 60_000);
});
