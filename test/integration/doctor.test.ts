// devnet doctor end to end: the built CLI on temporary stacks, real port holders.
import { describe, expect, it } from 'vitest';
import { devnet, fixture, freePorts, holdPort, tmpStack } from '../helpers.js';

const node = process.execPath;

describe('devnet doctor', () => {
  it('passes a healthy stack with exit 0', async () => {
    const [a, b] = await freePorts(2);
    await using s = tmpStack(`name: ok\nservices:\n  a: { command: "${node} a.js", port: ${a} }\n  b: { command: "${node} b.js", port: ${b}, depends_on: [a] }\n`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).toContain(`ok    port ${a} (a) is free`);
    expect(r.stdout).toMatch(/^0 errors, \d+ warnings?, \d+ checks ok$/m);
    expect(r.code).toBe(0);
  });

  it('exits 3 for a busy port and names the holder in --json', async () => {
    const [a] = await freePorts(1);
    await using _h = await holdPort(a!);
    await using s = tmpStack(`name: busy\nservices:\n  a: { command: "${node} a.js", port: ${a} }\n`);
    const r = await devnet(['doctor', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, stack: 'busy' });
    const busy = report.checks.find((c: { id: string }) => c.id === 'port.busy');
    expect(busy).toMatchObject({ level: 'error', service: 'a', port: a, owner: { pid: process.pid } });
    expect(busy.suggestions.length).toBeGreaterThan(0);
  });

  it('reports a missing program and cwd with exit 1, and the setup hint', async () => {
    await using s = tmpStack(`name: prog\nservices:\n  a: { command: no-such-program-xyz, setup: "pip install xyz" }\n  b: { command: "${node} b.js", cwd: missing/dir }\n`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('service a: program no-such-program-xyz not found on PATH');
    expect(r.stdout).toContain('to get it: pip install xyz');
    expect(r.stdout).toMatch(/service b: working directory .*missing\/dir does not exist/);
  });

  it('reports a system it cannot read (POSIX backend, no lsof) as one error among its findings, exit 1', async () => {
    // a PATH with node and nothing else: what a Mac without lsof on PATH would give the backend
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: nolsof\nservices:\n  a: { command: "${node} a.js", port: ${a} }\n`, { 'bin/.keep': '' });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(node, `${s.dir}/bin/node`);
    const r = await devnet(['doctor', '--json', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_PLATFORM: 'posix', PATH: `${s.dir}/bin` } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const checks: { id: string; level: string; message: string }[] = JSON.parse(r.stdout).checks;
    expect(checks.find((c) => c.id === 'stack.valid')?.level).toBe('ok');
    expect(checks.find((c) => c.id === 'platform.backend')).toMatchObject({ level: 'error', message: expect.stringMatching(/^devnet reads (listening ports with lsof|processes with ps), which is not installed here; install it .*; ports and running stacks were not checked$/) });
    expect(checks.some((c) => c.id.startsWith('port.'))).toBe(false);
  });

  for (const [what, script, message] of [
    ['prints garbage', '#!/bin/sh\necho "garbage out"\n', /lsof printed a line that is not one of its -F fields/],
    ['ignores SIGTERM and never answers', "#!/bin/sh\ntrap '' TERM\nexec sleep 100\n", /did not answer within 10s/],
  ] as const)
    it(`reports an lsof that ${what} as an error naming it, within its deadline (POSIX backend)`, async () => {
      const [a] = await freePorts(1);
      await using s = tmpStack(`name: badlsof\nservices:\n  a: { command: "${node} a.js", port: ${a} }\n`, { 'bin/lsof': script });
      const { chmodSync } = await import('node:fs');
      chmodSync(`${s.dir}/bin/lsof`, 0o755);
      const t0 = Date.now();
      const r = await devnet(['doctor', '--json', '--stack', s.file], { cwd: s.dir, env: { ...s.env, DEVNET_PLATFORM: 'posix', PATH: `${s.dir}/bin:${process.env.PATH}` }, timeout: 30_000 });
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(r.code).toBe(1);
      const checks: { id: string; level: string; message: string }[] = JSON.parse(r.stdout).checks;
      expect(checks.find((c) => c.id === 'platform.backend')).toMatchObject({ level: 'error', message: expect.stringMatching(message) });
    });

  it('finds programs in node_modules/.bin first, as npm scripts do', async () => {
    await using s = tmpStack(`name: bin\nservices:\n  a: { command: my-tool --x }\n`, { 'node_modules/.bin/my-tool': '#!/bin/sh\n' });
    const { chmodSync } = await import('node:fs');
    chmodSync(`${s.dir}/node_modules/.bin/my-tool`, 0o755);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).toContain('service a: my-tool found (node_modules/.bin/my-tool)');
  });

  it('fails warnings only under --strict, and warns about a port another stack claims', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: one\nservices:\n  web: { command: "vite --port \${port}", port: ${a} }\n`, { 'stacks/other.yaml': `name: other\nservices:\n  api: { command: x, port: ${a} }\n` }, 'stacks/one.yaml');
    const plain = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(plain.stdout).toContain(`warn  port ${a} (web) is also claimed by stack other (service api, other.yaml)`);
    expect(plain.stdout).toContain('runs vite without --strictPort');
    const strict = await devnet(['doctor', '--strict', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(strict.code).toBe(1);
  });

  it('accepts ports held by the stack itself while it is up', async () => {
    const [a] = await freePorts(1);
    await using s = tmpStack(`name: running\nservices:\n  a: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${a} }\n`);
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).toContain(`ok    port ${a} (a) is held by this stack's running service a`);
    expect(r.stdout).toMatch(/ok {4}the stack is up \(devnet pid \d+, 1 service running\)/);
    expect(r.code).toBe(0);
  });

  it('prints invalid stacks as JSON with exit 2 under --json', async () => {
    await using s = tmpStack('name: x\nservices:\n  a: { comand: x }\n');
    const r = await devnet(['doctor', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0]).toMatchObject({ id: 'stack.invalid', level: 'error' });
  });
});

describe('doctor on shell lines', () => {
  it('does not look up shell builtins as programs, and still finds a missing plain program', async () => {
    await using s = tmpStack(`name: sh
services:
  a: { shell: true, command: "cd . && exec sleep 1" }
  b: { shell: true, command: "export X=1; while true; do sleep 1; done" }
  c: { shell: true, command: "no-such-program-here --flag" }
`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stdout).not.toMatch(/program (cd|export|while) not found/);
    expect(r.stdout).toContain('service c: program no-such-program-here not found on PATH');
  });
});

describe('doctor on damaged state', () => {
  it('reports a corrupt or newer state file as a finding, not a crash', async () => {
    await using s = tmpStack(`name: damaged\nservices:\n  a: { command: "sleep 1" }\n`);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(s.stateDir, 'damaged'), { recursive: true, mode: 0o700 });
    for (const [text, message] of [
      ['{ not json', 'is not valid JSON'],
      ['{"version": 99}', 'has version 99; this devnet reads version 1'],
    ]) {
      writeFileSync(join(s.stateDir, 'damaged', 'state.json'), text!);
      const r = await devnet(['doctor', '--stack', s.file, '--json'], { cwd: s.dir, env: s.env });
      expect(r.code, r.all).toBe(1);
      const check = (JSON.parse(r.stdout) as { checks: { id: string; level: string; message: string }[] }).checks.find((c) => c.id === 'state.damaged');
      expect(check?.level).toBe('error');
      expect(check?.message).toContain(message);
    }
  });
});

describe('doctor on the shipped stacks', () => {
  // the ports checked here are the stacks' planned ones; no test holds them
  it.each(['demo', 'aitbc', 'runink'])('passes --strict on %s', async (name) => {
    const r = await devnet(['doctor', '--strict', '--stack', name, '--json'], { env: { XDG_STATE_HOME: '/nonexistent-devnet-state' } });
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { level: string; message: string }[] };
    expect(report.checks.filter((c) => c.level !== 'ok').map((c) => c.message)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('still reports the real 8900 clash between aitbc production and runink when that profile is selected', async () => {
    const r = await devnet(['doctor', '--stack', 'aitbc', '--profile', 'production']);
    expect(r.stdout).toContain('port 8900 (coordinator-api-production) is also claimed by stack runink (service finance-scheduler, runink.yaml)');
  });

  it('compares a shifted copy with its siblings shifted alike', async () => {
    const r = await devnet(['doctor', '--strict', '--stack', 'demo', '--port-offset', '23000']);
    expect(r.stdout).not.toContain('also claimed by stack');
  });
});

describe('doctor of a stack whose root is missing', () => {
  it('names the services without a fallback and what each needs, keeping the per-service lines', async () => {
    const [a, b, c] = await freePorts(3);
    await using st = tmpStack(
      `name: noroot\nroot: /nonexistent/noroot\nservices:\n` +
        `  api: { command: "${node} api.js", fallback: "${node} \${stack.dir}/../demo/stand-in.js", cwd: apps/api, port: ${a} }\n` +
        `  dash: { command: "dash-server-x --port \${port}", port: ${b}, setup: "install the dash server" }\n` +
        // a container needs the root only where it mounts it (cwd:)
        `  cache: { image: redis:7, engine: docker, port: ${c} }\n`,
    );
    const r = await devnet(['doctor', '--stack', st.file], { cwd: st.dir, env: { ...st.env, DOCKER_HOST: `unix://${st.dir}/none.sock` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/stack root \/nonexistent\/noroot does not exist; create it, or fix root:; dash has no fallback and cannot run without it/);
    expect(r.stdout).toMatch(/service dash: needs the stack root \(no fallback\); dash-server-x is not installed either; to get it: install the dash server/);
    expect(r.stdout).toMatch(/service api: .* so its fallback runs \(\S*node \S+\/demo\/stand-in\.js/);
    expect(r.stdout).toContain('service cache: runs redis:7 in a container');
    expect(r.stdout).not.toContain('/../');
    expect(r.stdout).toMatch(/^devnet doctor: stack noroot \(devnet\.yaml\)/);
  });

  it('the aitbc observability profile needs no checkout: its services are containers', async () => {
    const r = await devnet(['doctor', '--stack', 'aitbc', '--profile', 'observability'], { env: { AITBC_ROOT: '/nonexistent/aitbc' } });
    expect(r.stdout).toContain('stack root /nonexistent/aitbc does not exist, so every service runs its fallback (prometheus, grafana: their images)');
    expect(r.stdout).toContain('service prometheus: runs prom/prometheus:v2.53.0 in a container');
    expect(r.stdout).toMatch(/^devnet doctor: stack aitbc \(stacks\/aitbc\.yaml\)/);
  });
});
