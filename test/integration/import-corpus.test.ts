// The corpus: real files from public repositories (test/fixtures/import/real/SOURCES.md), each
// through import, doctor, export compose (read back by docker-compose config -q) and export
// k8s (the Kubernetes schemas). Every file gives a valid stack, or exit 2 with the reason in
// `error:` lines; none an internal error; every export of a valid stack is valid for its engine.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FIXTURES, devnet, tmpStack } from '../helpers.js';

const REAL = join(FIXTURES, 'import', 'real');
const KINDS = ['compose', 'process-compose', 'procfile', 'markdown'] as const;
const files = KINDS.flatMap((k) => readdirSync(join(REAL, k)).map((f) => ({ kind: k, file: join(REAL, k, f), name: `${k}/${f}` })));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

interface Row {
  name: string;
  imported: 'valid' | 'reason';
  composeOk?: boolean;
  k8sOk?: boolean;
}

describe('the import corpus', () => {
  it(`imports ${files.length} real files: a valid stack or a stated reason from each, every export valid`, { timeout: 240_000 }, async () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
    const apps = await import('kubernetes-models/apps/v1');
    const core = await import('kubernetes-models/v1');
    const batch = await import('kubernetes-models/batch/v1');
    const models: Record<string, { new (d: never): { validate(): void } }> = { Deployment: apps.Deployment, StatefulSet: apps.StatefulSet, Service: core.Service, Job: batch.Job };
    await using s = tmpStack('name: unused\nservices: {}\n');
    const rows: Row[] = [];
    const one = async (f: (typeof files)[number], i: number): Promise<Row> => {
      const out = join(s.dir, `stack-${i}.yaml`);
      const r = await devnet(['import', f.file, '--from', f.kind, '-o', out], { cwd: s.dir, env: s.env });
      expect(r.all, f.name).not.toMatch(/internal error|TypeError|at .*\.cjs:\d+/);
      if (r.code !== 0) {
        expect(r.code, `${f.name}: ${r.all}`).toBe(2);
        expect(r.stderr, f.name).toMatch(/^error: .+/m);
        return { name: f.name, imported: 'reason' };
      }
      const doctor = await devnet(['doctor', '--json', '--stack', out], { cwd: s.dir, env: s.env });
      const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; level: string; message: string }[] }).checks;
      expect(checks.find((c) => c.id === 'stack.valid')?.level, `${f.name}: ${JSON.stringify(checks.filter((c) => c.level === 'error'))}`).toBe('ok');
      const row: Row = { name: f.name, imported: 'valid' };
      const compose = join(s.dir, `compose-${i}.yaml`);
      const ec = await devnet(['export', 'compose', '--stack', out, '-o', compose], { cwd: s.dir, env: s.env });
      expect(ec.code, `${f.name}: ${ec.all}`).toBe(0);
      if (hasCompose) {
        // secrets are exported as required variables (${NAME:?set NAME}): set, as a user would before up
        const secrets = Object.fromEntries([...readFileSync(compose, 'utf8').matchAll(/\$\{([A-Za-z_]\w*):\?/g)].map((m) => [m[1]!, 'set-for-the-test']));
        const check = spawnSync('docker-compose', ['-f', compose, 'config', '-q'], { encoding: 'utf8', env: { ...process.env, ...secrets } });
        expect(check.status, `${f.name}: ${check.stderr}`).toBe(0);
        row.composeOk = true;
      }
      const ek = await devnet(['export', 'k8s', '--stack', out], { cwd: s.dir, env: s.env });
      expect(ek.code, `${f.name}: ${ek.all}`).toBe(0);
      for (const d of parseAllDocuments(ek.stdout).map((x) => x.toJSON() as { kind: string; metadata: { name: string } })) {
        const Model = models[d.kind];
        expect(Model, `${f.name}: ${d.kind}`).toBeDefined();
        expect(() => new Model!(d as never).validate(), `${f.name}: ${d.kind} ${d.metadata.name}`).not.toThrow();
      }
      row.k8sOk = true;
      return row;
    };
    // four at a time: each is a few CLI runs
    for (let i = 0; i < files.length; i += 4) rows.push(...(await Promise.all(files.slice(i, i + 4).map((f, j) => one(f, i + j)))));
    const valid = rows.filter((r) => r.imported === 'valid');
    // docs/import-export.md reports these counts: keep it in step when the corpus grows
    for (const k of KINDS) {
      const of = rows.filter((r) => r.name.startsWith(`${k}/`));
      expect(of.filter((r) => r.imported === 'valid').every((r) => r.k8sOk && (r.composeOk || !hasCompose)), k).toBe(true);
    }
    // the files that are invalid for their own tool too: a dependency cycle, one port for three
    expect(rows.filter((r) => r.imported === 'reason').length).toBeLessThanOrEqual(3);
    expect(valid.length).toBeGreaterThanOrEqual(files.length - 3);
  });
});
