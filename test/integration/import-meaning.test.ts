// Import keeps the meaning of real files: YAML merge keys merge, compose interpolation becomes
// devnet's (or its default, said), commands split as a shell quotes them, images and container
// names are kept and go back out through export; process-compose's shell variables stay the
// shell's, its vars: templates are filled. What cannot be carried is said, and an import that
// does not give a valid stack says every problem and exits 2.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIXTURES, devnet, tmpStack } from '../helpers.js';

const fixture = (f: string) => join(FIXTURES, 'import', f);

describe('import keeps the meaning', () => {
  it('compose: merge keys, interpolation, shell words, image, container name, UDP and container-only ports', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const out = join(s.dir, 'devnet.yaml.new');
    // SECRET is required by the file (${SECRET:?...}): unset, the stack is not valid, and says so
    const unset = await devnet(['import', fixture('compose-meaning.yml'), '-o', out], { cwd: s.dir, env: { ...s.env, SECRET: '' } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/error: devnet\.yaml\.new:\d+:\d+: services\.geth\.env\.SECRET: \$\{env\.SECRET:\?the secret must be set\}: the secret must be set/);
    expect(unset.stderr).toMatch(/is not valid as it is: 1 problem above to fix by hand in devnet\.yaml\.new/);
    expect(unset.stderr).not.toMatch(/services from/);

    const r = await devnet(['import', fixture('compose-meaning.yml'), '-o', out, '--force'], { cwd: s.dir, env: { ...s.env, SECRET: 's3cret-value' } });
    expect(r.code, r.all).toBe(0);
    const stack = parse(readFileSync(out, 'utf8')) as { services: Record<string, Record<string, unknown>> };
    const geth = stack.services.geth!;
    // <<: *defaults merged: restart (its default), env
    expect(geth.restart).toBe('unless-stopped');
    expect(geth.env).toEqual({ LOG_LEVEL: '${env.LOG_LEVEL:-info}', CHAIN_ID: '${env.CHAIN_ID:-32382}', 'discovery.type': 'single-node', SECRET: '${env.SECRET:?the secret must be set}', LITERAL: 'costs $5' });
    expect(geth.image).toBe('ethereum/client-go:v1.14.0');
    const argv = geth.command as string[];
    expect(argv.slice(0, 5)).toEqual(['docker', 'run', '--rm', '--name', 'el-geth']);
    // sh -c "..." is three words; $$HOME is a literal $HOME for the shell in the container
    expect(argv.slice(-3)).toEqual(['sh', '-c', 'geth --http --http.port ${env.GETH_PORT:-8545} --datadir $HOME/data']);
    expect(geth.ports).toEqual({ p8545: 8545, p6060: 6060 });
    expect(r.stderr).toMatch(/geth: ports: \$\{GETH_PORT:-8545\}:8545 read as "8545:8545"/);
    // UDP (peer discovery): planned and preflighted, published as UDP by its docker run
    expect(geth.udp_ports).toEqual({ u30303: 30303 });
    expect(argv.join(' ')).toContain('-p 127.0.0.1:${udp_ports.u30303}:30303/udp');
    expect(r.stderr).toMatch(/geth: port 6060 is published by compose on a random host port; devnet plans it on 6060/);
    expect(r.stderr).not.toMatch(/x-defaults/);
    expect(stack.services.web!.depends_on).toEqual({ geth: { condition: 'ready' } });
    const doctor = await devnet(['doctor', '--json', '--stack', out], { cwd: s.dir, env: { ...s.env, SECRET: 's3cret-value' } });
    expect((JSON.parse(doctor.stdout) as { checks: { id: string; level: string }[] }).checks.find((c) => c.id === 'stack.valid')?.level).toBe('ok');

    // and back out: compose -> devnet -> compose keeps the image, the ports, the condition, the healthcheck
    if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) return;
    const back = join(s.dir, 'compose.back.yaml');
    expect((await devnet(['export', 'compose', '--stack', out, '-o', back], { cwd: s.dir, env: { ...s.env, SECRET: 's3cret-value' } })).code).toBe(0);
    const config = (f: string) => {
      const c = spawnSync('docker-compose', ['-f', f, 'config'], { encoding: 'utf8', env: { ...process.env, SECRET: 's3cret-value' } });
      expect(c.status, c.stderr).toBe(0);
      return parse(c.stdout) as { services: Record<string, { image?: string; ports?: unknown[]; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; command?: string[] }> };
    };
    const a = config(fixture('compose-meaning.yml'));
    const b = config(back);
    expect(b.services.geth!.image).toBe(a.services.geth!.image);
    expect(b.services.geth!.command).toEqual(['sh', '-c', 'geth --http --http.port 8545 --datadir $$HOME/data']);
    expect(b.services.geth!.healthcheck!.test).toEqual(a.services.geth!.healthcheck!.test);
    expect(b.services.web!.depends_on).toEqual(a.services.web!.depends_on);
    const published = (x: typeof a) => JSON.stringify(x.services.geth!.ports).match(/\b(8545|6060)\b/g)?.sort();
    expect(published(b)).toEqual(expect.arrayContaining(['6060', '8545']));
    expect(JSON.stringify(b.services.geth!.ports)).toMatch(/30303.*udp/);
  });

  it("process-compose: the shell's ${...} stay the shell's, vars: fill {{.X}}, probes keep their timing, top-level env, what is lost is said", async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const out = join(s.dir, 'pc.yaml');
    const r = await devnet(['import', fixture('process-compose-meaning.yaml'), '-o', out], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    const stack = parse(readFileSync(out, 'utf8')) as { env: Record<string, string>; services: Record<string, Record<string, unknown>> };
    expect(stack.env).toEqual({ GLOBAL_LEVEL: 'debug' });
    expect(stack.services.db!.command).toBe('postgres -p $${PGPORT:-5432}');
    expect(stack.services.db!.ready).toMatchObject({ exec: 'pg_isready -p $${PGPORT:-5432}', shell: true, interval: '1s', timeout: '42s' });
    expect(stack.services.migrate!.command).toBe('python3 migrate.py; code=$?; echo done $${code}');
    expect(stack.services.api!.command).toBe('python3 -m http.server 8000');
    // shutdown: the stop command (a shell line, as its commands), the signal by name, the grace
    expect(stack.services.db).toMatchObject({ stop_command: 'pg_ctl stop -m fast', stop_signal: 'SIGINT', stop_timeout: '10s' });
    expect(r.stderr).toMatch(/migrate: availability\.restart: exit_on_failure stops all of process-compose/);
    expect(r.stderr).toMatch(/api: depends_on migrate: process_completed \(any exit\) becomes completed/);
    // the shell sees ${code} itself: devnet passes $${ on as ${
    const cfg = await devnet(['config', 'migrate', '--json', '--stack', out], { cwd: s.dir, env: s.env });
    expect(JSON.parse(cfg.stdout).services.migrate.command).toContain('echo done ${code}');
  });

  it('port tables: any port column, bindings, health paths and statuses carried; a port given twice is a finding with both lines; "p2p" is no port', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const out = join(s.dir, 'ports.yaml');
    const r = await devnet(['import', fixture('ports-meaning.md'), '-o', out], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    const stack = parse(readFileSync(out, 'utf8')) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(stack.services)).toEqual(['rpc-node', 'pool-hub', 'miner', 'grafana']);
    expect(stack.services['rpc-node']).toMatchObject({ port: 8545, host: '0.0.0.0', exposure: 'public', ready: { http: '/health' } });
    expect(stack.services['pool-hub']).toMatchObject({ port: 8107, status: 'planned', ready: { http: '/ready' } });
    expect(stack.services.miner).toMatchObject({ port: 8107, status: 'deprecated', host: '127.0.0.2' });
    expect(stack.services.grafana).toMatchObject({ port: 3000 });
    expect(r.stderr).toMatch(/finding: port 8107 is given twice in the document: "Pool hub" \(line 6\) and "Miner" \(line 7\)/);
    expect(r.stderr).toMatch(/line 8: "Gossip" has no port; left out/);
    expect(r.stderr).toMatch(/line 12: "RPC node" is listed again \(port 8545\); one service/);
  });

  it('compose: a healthcheck URL with an interpolated port is no crash: it stays a command', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const out = join(s.dir, 'h.yaml');
    const r = await devnet(['import', fixture('compose-interpolated-health.yml'), '-o', out], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    expect(r.all).not.toMatch(/internal error/);
    const stack = parse(readFileSync(out, 'utf8')) as { services: Record<string, { ready?: { exec?: string[] } }> };
    expect(stack.services.images!.ready!.exec!.join(' ')).toContain('http://localhost:${env.IMAGE_PROVIDER_PORT:-}/status');
    expect((await devnet(['export', 'compose', '--stack', out], { cwd: s.dir, env: s.env })).code).toBe(0);
  });

  it('compose: include: adds the other file\'s services (one that is depended on included), extends: merges as compose does', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const out = join(s.dir, 'inc.yaml');
    const r = await devnet(['import', fixture('compose-files/compose.yaml'), '-o', out], { cwd: s.dir, env: s.env });
    // base and api (which extends it) both publish 3000, as they would in compose: said, with positions
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/port 3000 is claimed by both service "base" and service "api"/);
    const stack = parse(readFileSync(out, 'utf8')) as { services: Record<string, { env?: Record<string, string>; image?: string; depends_on?: unknown; command?: string[] }> };
    expect(Object.keys(stack.services).sort()).toEqual(['api', 'base', 'db', 'worker']);
    expect(stack.services.api!.env).toEqual({ NODE_ENV: 'production', LOG: 'debug' });
    expect(stack.services.api!.command!.slice(-2)).toEqual(['node', 'api.js']);
    expect(stack.services.worker).toMatchObject({ image: 'node:20', env: { QUEUE: 'default' }, depends_on: ['db'] });
    expect(stack.services.db!.image).toBe('postgres:16');
    expect(r.stderr).toMatch(/include: db\/compose\.yaml: 1 service \(db\)/);
    expect(r.stderr).toMatch(/worker: extends job from common\.yaml: merged as compose merges it/);
  });

  it('real files keep their meaning: dependency conditions, readiness and health, env, ports', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n');
    const real = (f: string) => join(FIXTURES, 'import', 'real', f);
    const out = join(s.dir, 'flask.yaml');
    const r = await devnet(['import', real('compose/nginx-flask-mysql.yaml'), '-o', out], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    const flask = parse(readFileSync(out, 'utf8')) as { services: Record<string, Record<string, unknown>> };
    // db: its healthcheck runs in its container, $$ a literal $ for the container's shell; its timing kept
    expect(flask.services.db!.health).toEqual({ exec: ['docker', 'exec', 'nginx-flask-mysql-db', 'sh', '-c', 'mysqladmin ping -h 127.0.0.1 --password="$(cat /run/secrets/db-password)" --silent'], interval: '3s', retries: 5, start_period: '30s' });
    expect(flask.services.db!.restart).toBe('always');
    expect(flask.services.db!.env).toEqual({ MYSQL_DATABASE: 'example', MYSQL_ROOT_PASSWORD_FILE: '/run/secrets/db-password' });
    // service_healthy is ready; a plain list is started
    expect(flask.services.backend!.depends_on).toEqual({ db: { condition: 'ready' } });
    expect(flask.services.proxy!.depends_on).toEqual(['backend']);
    expect([flask.services.backend!.port, flask.services.proxy!.port]).toEqual([8000, 80]);

    const pc = join(s.dir, 'rhombus.yaml');
    expect((await devnet(['import', real('process-compose/fixtures_process-compose-chain-rhombus.yaml'), '-o', pc], { cwd: s.dir, env: s.env })).code).toBe(0);
    const rh = parse(readFileSync(pc, 'utf8')) as { env: Record<string, string>; services: Record<string, { depends_on?: Record<string, { condition: string }>; ready?: unknown; restart?: string; backoff?: string }> };
    expect(rh.env).toEqual({ ABC: '222' });
    expect(rh.services.process5!.depends_on).toEqual({ process6: { condition: 'completed' }, process7: { condition: 'completed' } });
    // what others wait to complete is a one-shot task, ready when it exits 0
    for (const n of ['process2', 'process3', 'process8']) expect(rh.services[n]!.ready, n).toEqual({ exit: true });
    expect(rh.services.process3).toMatchObject({ restart: 'on-failure', backoff: '2s' });
  });
});
