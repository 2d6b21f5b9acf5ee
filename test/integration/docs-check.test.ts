// ports --check against documents as teams write them: the seeds' layouts and a foreign one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT, devnet, freePorts, tmpStack } from '../helpers.js';

const seed = (name: string) => join(FIXTURES, 'seeds', name);

describe('ports --check on any layout', () => {
  it('the Runink seed checks clean against stacks/runink.yaml; one port changed names that row and line', async () => {
    const clean = await devnet(['ports', '--stack', 'runink', '--check', seed('runink-port-table.md')]);
    expect(clean.code, clean.all).toBe(0);
    expect(clean.stdout).toMatch(/agrees with stack runink: 13 of 13 document rows matched/);
    await using s = tmpStack('name: unused\nservices: {}\n', { 'RUNINK.md': readFileSync(seed('runink-port-table.md'), 'utf8').replace('`8701`', '`8711`') });
    const drift = await devnet(['ports', '--stack', 'runink', '--check', join(s.dir, 'RUNINK.md')], { cwd: s.dir });
    expect(drift.code).toBe(1);
    const line = readFileSync(join(s.dir, 'RUNINK.md'), 'utf8').split('\n').findIndex((l) => l.includes('8711')) + 1;
    expect(drift.stdout).toContain(`RUNINK.md:${line}: "Analytics Barn (barn)" has port 8711 in the document, 8701 in the stack (service analytics-barn, matched by description)`);
    expect(drift.stdout).not.toMatch(/Finance Barn/);
  });

  it('a foreign two-table document checks clean, and a clash inside it is caught, with lines', async () => {
    const [api, web, db] = await freePorts(3);
    const stack = `name: shop\nservices:\n  api: { command: x, port: ${api}, description: Orders API }\n  web: { command: x, port: ${web}, description: Storefront }\n  postgres: { command: x, port: ${db} }\n`;
    const doc = (dbPort: number) => `# Shop

## Public

| Service | Port | Health Endpoint | Binding | Notes |
|---|---|---|---|---|
| **Storefront** | \`${web}\` | \`/\` | 0.0.0.0 | Vite |
| Orders API (\`api\`) | **${api}** | \`/health\` | 127.0.0.1 | REST |

## Internal

| Service | Port | Health Endpoint | Binding | Notes |
|---|---|---|---|---|
| Postgres database | ${dbPort} | - | 127.0.0.1 | data |
| ~~Legacy queue~~ | ~~${api}~~ | - | - | ~~removed~~ |
`;
    await using s = tmpStack(stack, { 'DOCS.md': doc(db!) });
    const ok = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'DOCS.md')], { cwd: s.dir, env: s.env });
    expect(ok.code, ok.all).toBe(0);
    expect(ok.stdout).toContain("agrees with stack shop: 3 of 4 document rows matched to stack shop (1 by description, 2 by key)");
    writeFileSync(join(s.dir, 'DOCS.md'), doc(web!));
    const clash = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'DOCS.md')], { cwd: s.dir, env: s.env });
    expect(clash.code).toBe(1);
    expect(clash.stdout).toContain(`DOCS.md:7: port ${web} is given to both "Storefront" (line 7) and "Postgres database" (line 14) in the document`);
    expect(clash.stdout).toContain(`DOCS.md:14: "Postgres database" has port ${web} in the document, ${db} in the stack (service postgres, matched by key)`);
  });

  it('reports rows the stack lacks and services the documents lack; several files count together; no table is exit 2', async () => {
    await using s = tmpStack('name: two\nservices:\n  a: { command: x, port: 7001 }\n  b: { command: x, port: 7002 }\n', {
      'A.md': '| Name | Ports |\n|---|---|\n| a | 7001 |\n| ghost | 7009 |\n',
      'B.md': '| Component | Port |\n|---|---|\n| b | 7002 |\n',
      'NONE.md': '# nothing\n\n| Range | Usage |\n|---|---|\n| 1-2 | x |\n',
    });
    const one = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'A.md')], { cwd: s.dir, env: s.env });
    expect(one.code).toBe(1);
    expect(one.stdout).toContain('A.md:4: "ghost" (port 7009) is in the document but not in the stack');
    expect(one.stdout).toContain('service b (b, port 7002) is in the stack but in no document');
    const both = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'A.md'), join(s.dir, 'B.md')], { cwd: s.dir, env: s.env });
    expect(both.stdout).not.toContain('in no document');
    const none = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'NONE.md')], { cwd: s.dir, env: s.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/NONE\.md: no port table found/);
  });
});

describe('ports --check against the wrong stack', () => {
  it('says which stack matches the document better', async () => {
    const r = await devnet(['ports', '--stack', 'runink', '--check', join(ROOT, 'test', 'fixtures', 'seeds', 'aitbc-port-plan.md')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hint: stack aitbc matches 10 of 10 rows: devnet ports --stack \S*aitbc\.yaml --check/);
  });
});

describe('ports --check on a large document', () => {
  it('reads 20,000 rows and reports a port given twice, matching by index rather than every pair', async () => {
    await using s = tmpStack('name: big\nservices:\n  svc-7: { command: "true", port: 20007 }\n', {
      'BIG.md': `| Service | Port |\n|---|---|\n${Array.from({ length: 20_000 }, (_, i) => `| svc-${i} | ${20_000 + i} |`).join('\n')}\n| other | 20005 |\n`,
    });
    const r = await devnet(['ports', '--stack', s.file, '--check', join(s.dir, 'BIG.md')], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 of 20001 document rows matched to stack big (1 by description)');
    expect(r.stdout).toMatch(/BIG\.md:8: port 20005 is given to both "svc-5" \(line 8\) and "other" \(line 20003\)/);
  });
});
