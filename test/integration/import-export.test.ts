// devnet import from what teams have, and devnet export to real engines, checked by the real
// tools: devnet doctor and the JSON Schema for imports, docker-compose config -q and the
// Kubernetes schemas (kubernetes-models) for exports.
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { FIXTURES, ROOT, devnet, tmpStack } from '../helpers.js';

const imports = join(FIXTURES, 'import');
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'stack.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

async function importAndCheck(file: string) {
  await using s = tmpStack('name: unused\nservices: {}\n');
  const out = join(s.dir, 'imported.yaml');
  const r = await devnet(['import', file, '-o', out], { cwd: s.dir, env: s.env });
  expect(r.code, r.all).toBe(0);
  const text = readFileSync(out, 'utf8');
  const stack = parse(text) as { name: string; services: Record<string, Record<string, unknown>> };
  expect(validate(stack), JSON.stringify(validate.errors)).toBe(true);
  const doctor = await devnet(['doctor', '--json', '--stack', out], { cwd: s.dir, env: s.env });
  const report = JSON.parse(doctor.stdout) as { checks: { id: string; level: string; message: string }[] };
  expect(report.checks.find((c) => c.id === 'stack.valid')?.level).toBe('ok');
  return { text, stack, stderr: r.stderr, checks: report.checks };
}

describe('devnet import', () => {
  it('both seed port tables become valid stacks with their ports, notes, ranges and groups; commands are TODOs doctor flags', async () => {
    const runink = await importAndCheck(join(FIXTURES, 'seeds', 'runink-port-table.md'));
    expect(runink.stack.name).toBe('runink-cluster-service-port-table');
    expect(runink.stack.services.apiserver).toMatchObject({ port: 8443, protocol: 'gRPC/TLS', notes: 'Entry point for CLI/API requests', group: expect.any(String) });
    expect(runink.text).toMatch(/ranges:\n {2}- name: slice-ephemeral-services\n {4}ports: 30000-32767/);
    expect(runink.text).toMatch(/groups:\n/);
    expect(runink.checks.some((c) => c.id === 'service.todo' && c.level === 'error')).toBe(true);
    const aitbc = await importAndCheck(join(FIXTURES, 'seeds', 'aitbc-port-plan.md'));
    expect(aitbc.stack.services['pool-hub-api']).toMatchObject({ port: 8100, status: 'planned' });
    expect(Object.values(aitbc.stack.services).map((x) => x.port)).toContain(8080);
  });

  it('a compose file: images as docker run, ports, env with service addresses, conditions, healthchecks, profiles, restart', async () => {
    const { stack, text, stderr } = await importAndCheck(join(imports, 'docker-compose.yml'));
    const { api, db, migrate, worker } = stack.services;
    expect(db!.command).toEqual(['docker', 'run', '--rm', '--name', 'import-db', '-p', '127.0.0.1:${port}:5432', '-e', 'POSTGRES_PASSWORD', 'postgres:16']);
    expect(db!.ready).toMatchObject({ exec: ['docker', 'exec', 'import-db', 'sh', '-c', 'pg_isready -U postgres'], owned: false });
    expect(db!.health).toMatchObject({ interval: '5s', timeout: '3s', retries: 5 });
    expect(api).toMatchObject({ port: 3000, ready: { http: '/health', owned: false }, restart: 'on-failure', max_restarts: 3, profiles: ['app'] });
    expect((api!.env as Record<string, string>).DATABASE_URL).toBe('postgres://postgres@${services.db.host}:${services.db.port}/app');
    expect(api!.depends_on).toEqual({ db: { condition: 'ready' }, migrate: { condition: 'completed' } });
    expect(migrate!.ready).toEqual({ exit: true });
    expect(worker!.command).toBe('TODO worker');
    for (const note of ['db: volumes: is not carried over', 'worker: build: is not carried over']) {
      expect(text).toContain(`#   - ${note}`);
      expect(stderr).toContain(`note: ${note}`);
    }
  });

  it('a Procfile gives $PORT processes ports as foreman does', async () => {
    const { stack } = await importAndCheck(join(imports, 'Procfile'));
    expect(stack.services.web).toMatchObject({ command: 'node server.js --port ${port}', shell: true, port: 5000, env: { PORT: '${port}' } });
    expect(stack.services.worker!.port).toBeUndefined();
    // every process type gets foreman's PORT, 100 apart; one that does not use it keeps it in its env
    expect(stack.services.worker!.env).toEqual({ PORT: '5100' });
    expect(stack.services.clock!.env).toEqual({ PORT: '5200' });
  });

  it('a Procfile line with a fixed port puts it in the plan', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n', { Procfile: 'web: rails server -p 3000\napi: PORT=4000 node api.js\nworker: sidekiq\n' });
    const out = join(s.dir, 'p.yaml');
    const r = await devnet(['import', 'Procfile', '-o', out], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    const stack = parse(readFileSync(out, 'utf8')) as { services: Record<string, { port?: number; env?: Record<string, string> }> };
    expect(stack.services.web!.port).toBe(3000);
    expect(stack.services.api!.port).toBe(4000);
    expect(stack.services.worker).toMatchObject({ env: { PORT: '5200' } });
    expect(r.stderr).toMatch(/web: listens on 3000 \(fixed in its command\): in the plan/);
  });

  it('a process-compose file: conditions, readiness and liveness probes, availability', async () => {
    const { stack } = await importAndCheck(join(imports, 'process-compose.yaml'));
    expect(stack.services.api).toMatchObject({
      cwd: './api',
      port: 8081,
      env: { PORT: '8081' },
      depends_on: { db: { condition: 'ready' } },
      ready: { http: '/health' },
      health: { http: '/live', interval: '5s', retries: 3 },
      restart: 'on-failure',
      max_restarts: 5,
      backoff: '2s',
    });
    expect(stack.services.db!.ready).toMatchObject({ exec: 'pg_isready', shell: true });
  });
});

describe('devnet export', () => {
  it('compose: the demo passes docker-compose config -q, with ports bound as the stack binds them', async (ctx) => {
    if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) return ctx.skip();
    for (const name of ['demo', 'runink', 'aitbc']) {
      await using s = tmpStack('name: unused\nservices: {}\n');
      const out = join(s.dir, 'compose.yaml');
      const r = await devnet(['export', 'compose', '--stack', name, '-o', out], { cwd: s.dir, env: s.env });
      expect(r.code, r.all).toBe(0);
      const check = spawnSync('docker-compose', ['-f', out, 'config', '-q'], { encoding: 'utf8' });
      expect(check.status, `${name}: ${check.stderr}`).toBe(0);
      if (name !== 'demo') continue;
      const doc = parse(readFileSync(out, 'utf8')) as { services: Record<string, { ports?: string[]; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown; command: string[] }> };
      expect(doc.services['blockchain-node']!.ports).toEqual(['127.0.0.1:8080:8080']);
      expect(doc.services['blockchain-follower-2']!.ports).toEqual(['127.0.0.3:8080:8080']);
      expect(doc.services['wallet-daemon']!.depends_on).toEqual({ 'blockchain-node': { condition: 'service_healthy' }, 'coordinator-api': { condition: 'service_healthy' } });
      expect(doc.services['blockchain-node']!.healthcheck).toBeDefined();
      // inside its container a service binds every interface and reaches the others by name
      expect(doc.services['blockchain-node']!.command).toContain('0.0.0.0');
      expect(doc.services['blockchain-follower-1']!.command).toContain('http://blockchain-node:8080');
    }
  });

  it('k8s: the demo passes the Kubernetes schemas and carries 8080 with a readinessProbe', async () => {
    const apps = await import('kubernetes-models/apps/v1');
    const core = await import('kubernetes-models/v1');
    const batch = await import('kubernetes-models/batch/v1');
    for (const name of ['demo', 'runink']) {
      const r = await devnet(['export', 'k8s', '--stack', name]);
      expect(r.code, r.all).toBe(0);
      const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });
      for (const d of docs) {
        const Model = { Deployment: apps.Deployment, StatefulSet: apps.StatefulSet, Service: core.Service, Job: batch.Job }[d.kind]!;
        expect(Model, d.kind).toBeDefined();
        expect(() => new Model(d as never).validate(), `${name}: ${d.kind} ${d.metadata.name}`).not.toThrow();
      }
      if (name === 'runink') {
        expect(docs.find((d) => d.kind === 'StatefulSet' && d.metadata.name === 'finance-raft')?.spec.replicas).toBe(5);
        continue;
      }
      const node = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'blockchain-node')!;
      const container = (node.spec as { template: { spec: { containers: { ports: { containerPort: number }[]; readinessProbe: { httpGet: { path: string; port: number } } }[] } } }).template.spec.containers[0]!;
      expect(container.ports[0]!.containerPort).toBe(8080);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 8080 });
      expect(docs.find((d) => d.kind === 'Service' && d.metadata.name === 'blockchain-node')).toBeDefined();
    }
  });

  it('says which engines there are', async () => {
    const r = await devnet(['export', 'swarm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/compose, k8s/);
  });

  it('quotes every string a YAML 1.1 reader would take for a boolean or a number, so compose and kubectl read it back', async (ctx) => {
    await using s = tmpStack(`name: flags
services:
  web:
    command: ["node", "-e", "0", "yes", "on", "off", "y", "NO", "0o17", "1_000", "12:30"]
    env: { FLAG: "yes", OTHER: "on", LAST: "NO", OCT: "0o17" }
    image: node:20
`);
    const out = join(s.dir, 'compose.yaml');
    expect((await devnet(['export', 'compose', '--stack', s.file, '-o', out], { cwd: s.dir, env: s.env })).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    for (const v of ['yes', 'on', 'off', 'y', 'NO', '0o17', '1_000', '12:30']) expect(text).toContain(`"${v}"`);
    const k8s = await devnet(['export', 'k8s', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(parse(k8s.stdout.split('---')[0]!, { version: '1.1' }).spec.template.spec.containers[0].env).toContainEqual({ name: 'FLAG', value: 'yes' });
    if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0) return ctx.skip();
    const check = spawnSync('docker-compose', ['-f', out, 'config', '-q'], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });

  it('refuses services whose names would collide in compose and Kubernetes', async () => {
    await using s = tmpStack(`name: clash\nservices:\n  web_app: { command: "true" }\n  web-app: { command: "true" }\n  Web.App: { command: "true" }\n`);
    for (const engine of ['compose', 'k8s']) {
      const r = await devnet(['export', engine, '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('services web_app, web-app, Web.App would all be named web-app');
      expect(r.stdout).toBe('');
    }
  });

  it('writes a secret inside a value or a command as a reference, never as text', async () => {
    await using s = tmpStack(
      `name: secretive
env_file: .env
services:
  api:
    image: node:20
    command: ["node", "server.js", "--token", "\${env.API_TOKEN}"]
    env: { DATABASE_URL: "postgres://app:\${env.DB_PASSWORD}@db:5432/app", DB_PASSWORD: "\${env.DB_PASSWORD}", PRICE: "5$" }
`,
      { '.env': 'API_TOKEN=tok-very-secret-123\nDB_PASSWORD=hunter2-but-longer\n' },
    );
    const o = { cwd: s.dir, env: s.env };
    const compose = await devnet(['export', 'compose', '--stack', s.file], o);
    expect(compose.code, compose.all).toBe(0);
    expect(compose.stdout).not.toContain('tok-very-secret-123');
    expect(compose.stdout).not.toContain('hunter2-but-longer');
    const c = parse(compose.stdout) as { services: { api: { command: string[]; environment: Record<string, string> } } };
    expect(c.services.api.command).toContain('${API_TOKEN:?set API_TOKEN}');
    expect(c.services.api.environment.DATABASE_URL).toBe('postgres://app:${DB_PASSWORD:?set DB_PASSWORD}@db:5432/app');
    expect(c.services.api.environment.PRICE).toBe('5$$');
    const k8s = await devnet(['export', 'k8s', '--stack', s.file], o);
    expect(k8s.code, k8s.all).toBe(0);
    expect(k8s.stdout).not.toContain('tok-very-secret-123');
    expect(k8s.stdout).not.toContain('hunter2-but-longer');
    const dep = parseAllDocuments(k8s.stdout).map((d) => d.toJSON()).find((d) => d.kind === 'Deployment') as { spec: { template: { spec: { containers: { command: string[]; env: { name: string; value?: string; valueFrom?: unknown }[] }[] } } } };
    const ctr = dep.spec.template.spec.containers[0]!;
    expect(ctr.command).toContain('$(API_TOKEN)');
    expect(ctr.env.find((e) => e.name === 'DB_PASSWORD')?.valueFrom).toEqual({ secretKeyRef: { name: 'secretive-secrets', key: 'DB_PASSWORD' } });
    expect(ctr.env.find((e) => e.name === 'DATABASE_URL')?.value).toBe('postgres://app:$(DB_PASSWORD)@db:5432/app');
    expect(ctr.env.findIndex((e) => e.name === 'API_TOKEN')).toBeLessThan(ctr.env.findIndex((e) => e.name === 'DATABASE_URL'));
  });
});

describe('devnet import of malformed files', () => {
  const cases: [string, string, RegExp][] = [
    ['ports as a string', 'services:\n  web:\n    image: nginx\n    ports: "80:80"\n', /bad\.yml:4:12: services\.web\.ports: expected a list, got the string "80:80"/],
    ['a YAML tag', 'services:\n  web:\n    image: nginx\n    ports: !!set {8080: null}\n', /bad\.yml:4:\d+: services\.web\.ports: expected a list, got a Set/],
    ['a service that is a string', 'services:\n  web: "str"\n', /bad\.yml:2:8: services\.web: expected a mapping/],
    ['a broken YAML', 'services:\n  web: [\n', /bad\.yml:\d+:\d+: /],
  ];
  for (const [what, text, message] of cases)
    it(`gives one line with file:line:col and exit 2 for ${what}`, async () => {
      await using s = tmpStack('name: unused\nservices: {}\n', { 'bad.yml': text });
      const r = await devnet(['import', 'bad.yml', '--from', 'compose'], { cwd: s.dir, env: s.env });
      expect(r.code, r.all).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('internal error');
    });

  it('keeps a healthcheck URL it cannot parse as the command it was', async () => {
    await using s = tmpStack('name: unused\nservices: {}\n', { 'hc.yml': 'services:\n  web:\n    command: ["node", "s.js"]\n    ports: ["8080:8080"]\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://[::1"]\n' });
    const r = await devnet(['import', 'hc.yml', '--from', 'compose'], { cwd: s.dir, env: s.env });
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toContain('http://[::1');
  });
});

describe('never overwrite', () => {
  it('import -o and export -o refuse an existing file (exit 2, naming it) unless --force, and never the file being read', async () => {
    await using s = tmpStack('name: guarded\nservices:\n  web: { command: "node -e 0", port: 47311 }\n', { Procfile: 'web: node server.js\n', 'devnet.local.yaml': 'hand: edited\n', '.env': 'A=1\n' });
    const hand = join(s.dir, 'devnet.local.yaml');
    const run = (args: string[]) => devnet(args, { cwd: s.dir, env: s.env });
    const refused = await run(['import', 'Procfile', '-o', hand]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/devnet\.local\.yaml exists; nothing was written[\s\S]*--force replaces it/);
    expect(readFileSync(hand, 'utf8')).toBe('hand: edited\n');
    const forced = await run(['import', 'Procfile', '-o', hand, '--force']);
    expect(forced.code, forced.all).toBe(0);
    expect(readFileSync(hand, 'utf8')).toMatch(/services:/);
    // the file being imported, by its name or by a link to it: not even with --force
    const self = await run(['import', 'Procfile', '-o', 'Procfile', '--force']);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/Procfile is the file being read; devnet never writes the imported stack over it \(not even with --force\)/);
    expect(readFileSync(join(s.dir, 'Procfile'), 'utf8')).toBe('web: node server.js\n');
    symlinkSync(join(s.dir, 'Procfile'), join(s.dir, 'link.yaml'));
    expect((await run(['import', 'Procfile', '-o', 'link.yaml', '--force'])).code).toBe(2);

    // export: the stack file it reads, its env file, an existing file
    const stackSelf = await run(['export', 'compose', '--stack', s.file, '-o', s.file, '--force']);
    expect(stackSelf.code).toBe(2);
    expect(stackSelf.stderr).toMatch(/is the file being read; devnet never writes an export over it/);
    expect(readFileSync(s.file, 'utf8')).toMatch(/^name: guarded/);
    writeFileSync(join(s.dir, 'compose.yaml'), 'mine\n');
    expect((await run(['export', 'compose', '--stack', s.file, '-o', 'compose.yaml'])).code).toBe(2);
    expect(readFileSync(join(s.dir, 'compose.yaml'), 'utf8')).toBe('mine\n');
    expect((await run(['export', 'compose', '--stack', s.file, '-o', 'compose.yaml', '--force'])).code).toBe(0);
    expect(readFileSync(join(s.dir, 'compose.yaml'), 'utf8')).toMatch(/^# devnet export compose/);
    expect((await run(['export', 'k8s', '--stack', s.file, '-o', 'fresh.yaml'])).code).toBe(0);
  });
});
