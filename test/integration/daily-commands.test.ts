// The daily commands on a running stack, with real processes: logs --grep, pause/resume,
// exec, config, completion.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, devnet, fixture, freePorts, holdPort, pidAlive, tmpStack, waitFor, type TmpStack } from '../helpers.js';

const node = process.execPath;
const SECRET = 'hunter2-very-secret';

async function chatty(name: string) {
  const [a, b] = await freePorts(2);
  // web prints numbered lines, the secret among them; api is a plain http service with a child
  return {
    ports: { a, b },
    s: tmpStack(
      `name: ${name}
env_file: .env
services:
  api:
    command: ["${node}", "${fixture('spawn-child.mjs')}", "${a}"]
    port: ${a}
    env: { LOG_LEVEL: debug, GREETING: "hi \${env.API_TOKEN}" }
    ready: { http: /health }
    health: { http: /health, interval: 200ms, retries: 1 }
    restart: on-failure
  web:
    command: ["${node}", "-e", "for (let i = 1; i <= 30; i++) console.log('line ' + i + (i === 7 ? ' token ' + process.env.API_TOKEN : '') + (i === 12 ? ' ERROR disk' : '')); require('http').createServer((q, s) => s.end('ok')).listen(\${port}, '127.0.0.1')"]
    port: ${b}
    depends_on: [api]
`,
      { '.env': `API_TOKEN=${SECRET}\n` },
    ),
  };
}

const run = (s: TmpStack, args: string[]) => devnet([...args.slice(0, 1), '--stack', s.file, ...args.slice(1)], { cwd: s.dir, env: s.env });
const statusOf = async (s: TmpStack) => JSON.parse((await run(s, ['status', '--json'])).stdout) as { services: { name: string; state: string; pid: number; restarts: number; lastExit?: { signal: string | null } }[] };
const procState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]![0];
const childrenOf = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((x) => Number(x.trim()))
    .filter(Boolean);

describe('devnet logs --grep', () => {
  it('keeps the matching lines, with -i, -v, --no-prefix and --until, secrets redacted; a bad pattern is exit 2', async () => {
    const { s } = await chatty('greplogs');
    await using _ = s;
    expect((await run(s, ['up', '-d'])).code).toBe(0);
    await waitFor(async () => (await run(s, ['logs', 'web'])).stdout.includes('line 30'), 10_000, 'the lines logged');
    const grep = await run(s, ['logs', 'web', '--grep', 'line \\d*5$']);
    expect(grep.code).toBe(0);
    expect(grep.stdout.trim().split('\n')).toEqual(['web | line 5', 'web | line 15', 'web | line 25']);
    expect((await run(s, ['logs', '--grep', 'error', '-i', '--no-prefix'])).stdout.trim()).toBe('line 12 ERROR disk');
    expect((await run(s, ['logs', '--grep', 'error'])).stdout.trim()).toBe('');
    const inverted = (await run(s, ['logs', 'web', '--grep', '^line', '-v'])).stdout.trim().split('\n');
    expect(inverted.every((l) => !/^web \| line/.test(l))).toBe(true);
    const secret = await run(s, ['logs', 'web', '--grep', 'token']);
    expect(secret.stdout).toContain('line 7 token ***');
    expect(secret.stdout).not.toContain(SECRET);
    expect((await run(s, ['logs', '--grep', SECRET])).stdout.trim()).toBe('');
    expect((await run(s, ['logs', 'web', '--until', '2000-01-01T00:00:00Z'])).stdout.trim()).toBe('');
    const bad = await run(s, ['logs', '--grep', '(']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--grep: .*Unterminated group/);
    expect((await run(s, ['logs', '-v'])).code).toBe(2);
  });
});

describe('devnet pause / resume', () => {
  it('freezes the whole tree, health and restart policies leave it alone, resume lets it run, down of a paused stack is graceful', async () => {
    const { s, ports } = await chatty('pausing');
    await using _ = s;
    expect((await run(s, ['up', '-d'])).code).toBe(0);
    const api = (await statusOf(s)).services.find((x) => x.name === 'api')!;
    const child = childrenOf(api.pid)[0]!;
    expect(child).toBeGreaterThan(0);
    const paused = await run(s, ['pause', 'api']);
    expect(paused.code, paused.all).toBe(0);
    expect(paused.stdout).toMatch(/paused api on stack pausing/);
    expect([procState(api.pid), procState(child)]).toEqual(['T', 'T']);
    // past several health intervals: not unhealthy, not restarted
    await new Promise((r) => setTimeout(r, 1200));
    const st = await statusOf(s);
    expect(st.services.find((x) => x.name === 'api')).toMatchObject({ state: 'paused', restarts: 0, pid: api.pid });
    expect((await run(s, ['status'])).stdout).toMatch(/web\s+ready, degraded \(api down\)/);
    // asked twice: nothing to do; a stopped one cannot be paused
    expect((await run(s, ['pause', 'api'])).stdout).toMatch(/nothing to do: api already paused/);
    const resumed = await run(s, ['resume', 'api']);
    expect(resumed.code).toBe(0);
    expect([procState(api.pid), procState(child)]).not.toContain('T');
    await waitFor(async () => (await fetch(`http://127.0.0.1:${ports.a}/health`)).ok, 5000, 'api answering again');
    expect((await statusOf(s)).services.find((x) => x.name === 'api')!.state).toBe('ready');

    expect((await run(s, ['pause', 'api'])).code).toBe(0);
    const t0 = Date.now();
    const down = await run(s, ['down', '--json']);
    expect(down.code, down.all).toBe(0);
    // SIGTERM with SIGCONT: it exits at once, not after the grace period and SIGKILL
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(JSON.stringify(JSON.parse(down.stdout))).not.toMatch(/"forced":true/);
  });

  it('refuses a service that is not ready, changing nothing (exit 2)', async () => {
    const { s } = await chatty('pausestopped');
    await using _ = s;
    expect((await run(s, ['up', '-d'])).code).toBe(0);
    expect((await run(s, ['stop', 'web'])).code).toBe(0);
    const r = await run(s, ['pause', 'web', 'api']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/web is stopped: only a ready service can be paused; nothing was paused/);
    expect((await statusOf(s)).services.find((x) => x.name === 'api')!.state).toBe('ready');
  });
});

describe('devnet exec and config', () => {
  it("exec runs in the service's env and folder, passes its exit code, and is stopped by down", async () => {
    const { s, ports } = await chatty('execing');
    await using _ = s;
    const notUp = await run(s, ['exec', 'api', '--', 'true']);
    expect(notUp.code).toBe(2);
    expect(notUp.stderr).toMatch(/stack execing is not up[\s\S]*--no-running/);
    const offline = await run(s, ['exec', 'api', '--no-running', '--', 'sh', '-c', 'echo $PORT']);
    expect(offline.stdout.trim()).toBe(String(ports.a));

    expect((await run(s, ['up', '-d'])).code).toBe(0);
    const env = await run(s, ['exec', 'api', '--', 'sh', '-c', 'echo "$PORT $PORT_DEFAULT $LOG_LEVEL $GREETING"; pwd']);
    expect(env.code).toBe(0);
    expect(env.stdout.trim().split('\n')).toEqual([`${ports.a} ${ports.a} debug hi ${SECRET}`, s.dir]);
    // without --: the command's own flags pass through
    expect((await run(s, ['exec', 'api', 'sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await run(s, ['exec', 'api', 'no-such-program-here'])).code).toBe(127);
    expect((await run(s, ['exec', 'nope', 'true'])).code).toBe(2);

    // a command left running is the service's: down stops it
    const pidFile = join(s.dir, 'sleeper.pid');
    const bg = await run(s, ['exec', 'api', '--', 'sh', '-c', `sleep 300 >/dev/null 2>&1 & echo $! > ${pidFile}`]);
    expect(bg.code).toBe(0);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(pidAlive(sleeper)).toBe(true);
    expect((await run(s, ['down'])).code).toBe(0);
    await waitFor(() => !pidAlive(sleeper), 5000, 'the command left running gone with its service');
  });

  it('config shows the stack as it runs (a remapped port), secrets as ***, in YAML, JSON and --env lines', async () => {
    const { s, ports } = await chatty('configured');
    await using _ = s;
    const before = await run(s, ['config']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/the stack file, as devnet up would run it now/);
    await using held = await holdPort(ports.b);
    expect((await run(s, ['up', '-d', '--remap'])).code).toBe(0);
    const remapped = (await statusOf(s)).services.find((x) => x.name === 'web') as unknown as { ports: Record<string, number> };
    expect(Object.values(remapped.ports)[0]).not.toBe(ports.b);
    const yaml = await run(s, ['config']);
    expect(yaml.code, yaml.all).toBe(0);
    expect(yaml.stdout).toMatch(/the running stack \(supervisor pid \d+\)/);
    expect(yaml.stdout).toContain(`default: ${Object.values(remapped.ports)[0]}`);
    expect(yaml.all).not.toContain(SECRET);
    expect(yaml.stdout).toMatch(/GREETING: hi \*\*\*/);
    const json = JSON.parse((await run(s, ['config', 'api', '--json'])).stdout);
    expect(Object.keys(json.services)).toEqual(['api']);
    expect(json.services.api.env.API_TOKEN).toBe('***');
    expect(json.services.api.dependsOn).toEqual({});
    const lines = await run(s, ['config', '--env', 'api']);
    expect(lines.stdout).toContain('API_TOKEN=***\n');
    expect(lines.stdout).toContain(`PORT=${ports.a}\n`);
    expect(lines.all).not.toContain(SECRET);
    void held;
  });
});

describe('devnet completion', () => {
  it('writes scripts bash and zsh accept, completing commands, flags and the services of the stack named', async () => {
    const { s } = await chatty('completing');
    await using _ = s;
    const bash = await run(s, ['completion', 'bash']);
    expect(bash.code).toBe(0);
    const script = join(s.dir, 'devnet.bash');
    writeFileSync(script, bash.stdout);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    // devnet on PATH as a user has it, then the completion function asked as bash asks it
    writeFileSync(join(s.dir, 'devnet'), `#!/bin/sh\nexec '${node}' '${CLI}' "$@"\n`, { mode: 0o755 });
    const complete = (line: string) => {
      const words = line.split(' ');
      const r = spawnSync('bash', ['-c', `source '${script}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _devnet; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        cwd: s.dir,
        env: { ...process.env, ...s.env, PATH: `${s.dir}:${process.env.PATH}`, DEVNET_STACK: '' },
        encoding: 'utf8',
      });
      return r.stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(complete('devnet res')).toEqual(['restart', 'resume']);
    expect(complete('devnet logs --gr')).toEqual(['--grep']);
    expect(complete('devnet restart ')).toEqual(['api', 'web']);
    expect(complete(`devnet restart --stack ${s.file} a`)).toEqual(['api']);
    if (spawnSync('zsh', ['--version']).status === 0) {
      const zsh = join(s.dir, '_devnet');
      writeFileSync(zsh, (await run(s, ['completion', 'zsh'])).stdout);
      expect(spawnSync('zsh', ['-n', zsh]).status).toBe(0);
    }
    const fish = await run(s, ['completion', 'fish']);
    expect(fish.stdout).toMatch(/complete -c devnet -n __fish_use_subcommand -a 'ui'/);
    expect((await run(s, ['completion', 'tcsh'])).code).toBe(2);
  });
});
