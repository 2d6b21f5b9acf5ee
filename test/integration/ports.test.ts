// devnet ports: the plan as table, markdown and JSON, and docs drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack } from '../helpers.js';

const STACK = `name: plan
services:
  node:
    description: Blockchain RPC API
    location: "\`apps/node/\`"
    notes: RPC endpoints.
    command: node a.js
    port: 18080
  hub:
    description: Pool Hub API
    port: 18100
    status: planned
  old:
    description: Legacy API
    command: node old.js
    port: 18090
    status: deprecated
    migration: moved to 18080 /v2
ranges:
  - { name: slices, ports: 30000-30100, purpose: slice sidecars, exposure: internal }
`;

describe('devnet ports', () => {
  it('renders markdown with planned rows marked and deprecated rows struck through', async () => {
    await using s = tmpStack(STACK);
    const r = await devnet(['ports', '--format', 'markdown', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '| Port | Service | Location | Notes |',
      '| --- | --- | --- | --- |',
      '| 18080 | Blockchain RPC API | `apps/node/` | RPC endpoints. |',
      '| 18100 | Pool Hub API (planned) |  |  |',
      '| ~~18090~~ | ~~Legacy API~~ |  | Deprecated: moved to 18080 /v2 |',
      '| 30000-30100 | slices |  | slice sidecars |',
    ]);
  });

  it('shifts every port with --port-offset and prints JSON', async () => {
    await using s = tmpStack(STACK);
    const r = await devnet(['ports', '--format', 'json', '--port-offset', '10000', '--stack', s.file], { cwd: s.dir, env: s.env });
    const plan = JSON.parse(r.stdout);
    expect(plan.ports.map((p: { port: string }) => p.port)).toEqual(['28080', '28100', '28090', '40000-40100']);
  });

  it('checks a document for drift: exit 0 when equal, 1 with the difference when not', async () => {
    await using s = tmpStack(STACK);
    const md = (await devnet(['ports', '--format', 'markdown', '--stack', s.file], { cwd: s.dir, env: s.env })).stdout;
    const doc = join(s.dir, 'PORTS.md');
    writeFileSync(doc, `# Ports\n\n${md}\nMore text.\n`);
    const same = await devnet(['ports', '--check', doc, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(same.code).toBe(0);
    writeFileSync(doc, `# Ports\n\n${md.replace('| 18080 |', '| 8080 |')}`);
    const drift = await devnet(['ports', '--check', doc, '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/PORTS\.md:5: "Blockchain RPC API" has port 8080 in the document, 18080 in the stack \(service node, matched by description\)/);
  });

  it('prints an aligned table by default', async () => {
    await using s = tmpStack(STACK);
    const r = await devnet(['ports', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).toMatch(/^SERVICE\s+PORT\s+PROTOCOL\s+STATUS\s+GROUP\s+DESCRIPTION/);
    expect(r.stdout).toMatch(/old\s+18090\s+-\s+deprecated\s+-\s+deprecated: moved to 18080 \/v2/);
  });

  it('fits the table in 120 columns, services by name as in status', async () => {
    for (const stack of ['demo', 'runink', 'aitbc']) {
      const r = await devnet(['ports', '--stack', stack]);
      expect(Math.max(...r.stdout.split('\n').map((l) => l.length)), stack).toBeLessThanOrEqual(120);
    }
    expect((await devnet(['ports', '--stack', 'demo'])).stdout).toMatch(/^blockchain-node\s+8080\s/m);
  });
});

describe('ports --check on a missing file', () => {
  it('says so in one line with exit 2', async () => {
    const r = await devnet(['ports', '--stack', 'aitbc', '--check', '/nonexistent/doc.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --check: /nonexistent/doc.md: not found');
  });
});
