// devnet test with real processes: every kind of check and action against a running stack,
// what a failing line saw, JUnit read back by a real XML parser, --up cleaning up after a
// failure and after SIGINT, a bad file refused before anything starts, offsets.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, devnetProcess, fixture, freePortsAt, holdPort, pidsOfStack, tmpStack, waitFor, type TmpStack } from '../helpers.js';

const node = process.execPath;

// a chain of sorts: a height that grows, a metric, a log line a block
const CHAIN = `const h=require('http');let height=0;setInterval(()=>{height++;console.log('block '+height+' sealed')},100);h.createServer((q,s)=>{if(q.url==='/metrics'){s.setHeader('content-type','text/plain');return s.end('# TYPE jobs_total counter\\njobs_total{queue="a"} '+height*2+'\\njobs_total{queue="b"} 0\\n')}s.setHeader('content-type','application/json');s.end(JSON.stringify({status:'ok',height,peers:['p1','p2']}))}).listen(+process.env.PORT,'127.0.0.1')`;

async function stack(name: string) {
  // chain at base, api at base+1, the two peers at base+2 and base+3
  const base = await freePortsAt([0, 1, 2, 3, 100, 101, 102, 103]);
  return tmpStack(`name: ${name}
services:
  chain:
    command: ["${node}", "-e", ${JSON.stringify(CHAIN)}]
    port: ${base}
    env: { PORT: "\${port}" }
    ready: { http: / }
    metrics: /metrics
    restart: on-failure
  api:
    command: ["${node}", "${fixture('http.mjs')}", "\${port}"]
    port: ${base + 1}
    depends_on: [chain]
    ready: { http: /health }
  peer:
    command: ["${node}", "${fixture('http.mjs')}", "\${port}"]
    port: ${base + 2}
    replicas: 2
    spread: ports
    ready: { http: /health }
  planned:
    port: ${base + 50}
    status: planned
`);
}

const run = (s: TmpStack, args: string[], o: { timeout?: number } = {}) => devnet([...args, '--stack', s.file], { cwd: s.dir, env: s.env, ...o });
const pidOf = async (s: TmpStack, name: string) => (JSON.parse((await run(s, ['status', '--json'])).stdout).services as { name: string; pid: number }[]).find((x) => x.name === name)!.pid;

/** A JUnit file as a real XML parser reads it (Python's ElementTree): its suites and cases. */
function readJunit(file: string) {
  const py = `import json,sys,xml.etree.ElementTree as E
r=E.parse(sys.argv[1]).getroot()
print(json.dumps({'tag':r.tag,'tests':r.get('tests'),'failures':r.get('failures'),'suites':[{'name':s.get('name'),'tests':s.get('tests'),'failures':s.get('failures'),'cases':[{'name':c.get('name'),'failure':(c.find('failure').text if c.find('failure') is not None else None),'message':(c.find('failure').get('message') if c.find('failure') is not None else None),'skipped':c.find('skipped') is not None} for c in s.findall('testcase')]} for s in r.findall('testsuite')]}))`;
  const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not XML a parser reads: ${r.stderr}`);
  return JSON.parse(r.stdout) as { tag: string; tests: string; failures: string; suites: { name: string; tests: string; failures: string; cases: { name: string; failure: string | null; message: string | null; skipped: boolean }[] }[] };
}

describe('readiness and health on a metric', () => {
  it('ready: { metric } waits for the condition; health: { metric } turns unhealthy when it fails; a bad condition is exit 2 at its position', async () => {
    const [port] = await freePortsAt([0]).then((p) => [p]);
    const yaml = (ready: string) => `name: metricready
services:
  chain:
    command: ["${node}", "-e", ${JSON.stringify(CHAIN)}]
    port: ${port}
    env: { PORT: "\${port}" }
    metrics: /metrics
    ready: { metric: '${ready}' }
    health: { metric: 'jobs_total{queue="b"} > 0', interval: 200ms, retries: 1 }
`;
    await using s = tmpStack(yaml('jobs_total{queue="a"} >= 10'));
    const r = await run(s, ['up', '-d']);
    expect(r.code, r.all).toBe(0);
    expect(r.all).toMatch(/wait +chain: metric jobs_total\{queue="a"\} >= 10 on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(Number(/jobs_total\{queue="a"\} (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(10);
    await waitFor(async () => (await run(s, ['status'])).stdout.includes('unhealthy'), 10_000, 'unhealthy on the metric');
    expect((await run(s, ['status'])).stdout).toMatch(/chain: health check failed 1 times in a row: jobs_total = 0 \(wants jobs_total\{queue="b"\} > 0\)/);
    expect((await run(s, ['down'])).code).toBe(0);
    writeFileSync(s.file, yaml('jobs_total >> 10'));
    const bad = await run(s, ['up', '-d']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/devnet\.yaml:\d+:\d+: services\.chain\.ready\.metric: expected a number \(at `> 10`\)/);
  });
});

describe('devnet test', () => {
  it('runs every kind of check and action against the running stack; JUnit has a case a line', async () => {
    await using s = await stack('tester');
    expect((await run(s, ['up', '-d'])).code).toBe(0);
    const apiPid = await pidOf(s, 'api');
    const file = join(s.dir, 'all.test');
    writeFileSync(
      file,
      `# every form
chain: is up
peer-*: is up
planned: is down
chain: http GET /state status 200
chain: http GET /state json .height >= 3 within 5s
chain: http GET /state json .peers[1] == "p2"
chain: http GET /state json .peers contains "p1"
chain: http GET /state json .status == "ok"
chain: http GET /state body contains "height"
chain: metric jobs_total{queue="a"} >= 4 within 5s
chain: log matches /block \\d+ sealed/ within 5s
api: exec "test \${port} = \$PORT && test -n \\"\$DEVNET_RUN_ID\\"" exits 0
api: exec "exit 3" exits 3
api: restart
api: is up
peer-2: stop
peer-2: is down
peer: start
peer-*: is up within 5s
peer-1: pause
peer-1: http GET /health status 200
`,
    );
    // pause then a check that needs it to answer: that one fails (what it saw), the rest runs
    const junit = join(s.dir, 'results.xml');
    const r = await run(s, ['test', file, '--junit', junit]);
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toMatch(/^ok {4}all\.test:2 {2}chain: is up/m);
    expect(r.stdout).toMatch(/^FAIL {2}all\.test:22 {2}peer-1: http GET \/health status 200/m);
    expect(r.stdout).toMatch(/saw: http:\/\/127\.0\.0\.1:\d+\/health: .*(timeout|aborted)/i);
    expect(r.stdout).toMatch(/^20 passed, 1 failed/m);
    expect(await pidOf(s, 'api')).not.toBe(apiPid);
    const x = readJunit(junit);
    expect(x.tag).toBe('testsuites');
    expect(x.suites[0]!.tests).toBe('21');
    expect(x.suites[0]!.failures).toBe('1');
    expect(x.suites[0]!.cases[0]!.name).toBe('all.test:2: chain: is up');
    const failed = x.suites[0]!.cases.find((c) => c.failure !== null)!;
    expect(failed.name).toMatch(/all\.test:22: peer-1: http GET \/health status 200/);
    expect(failed.failure).toMatch(/^saw: /);
    expect((await run(s, ['resume', 'peer-1'])).code).toBe(0);

    // kill: the restart policy heals it; --json says it all
    writeFileSync(file, 'chain: kill SIGKILL\nchain: is up within 10s\nchain: log matches /restart 1 in/\n');
    const chainPid = await pidOf(s, 'chain');
    const j = await run(s, ['test', file, '--json']);
    expect(j.code, j.all).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ ok: true, passed: 3, failed: 0, stack: 'tester' });
    expect(out.files[0].steps.map((x: { line: number }) => x.line)).toEqual([1, 2, 3]);
    expect(await pidOf(s, 'chain')).not.toBe(chainPid);
  });

  it('a failing assertion says what it saw and the run goes on; --bail stops; a failed action stops the run', async () => {
    await using s = await stack('failing');
    expect((await run(s, ['up', '-d'])).code).toBe(0);
    const file = join(s.dir, 'f.test');
    writeFileSync(file, 'chain: http GET /state json .height < 0\nchain: http GET /state json .nope == 1\nchain: metric jobs_total{queue="b"} > 0\nchain: log matches /never printed/ within 300ms\napi: is up\n');
    const r = await run(s, ['test', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/saw: \.height = \d+/);
    expect(r.stdout).toMatch(/saw: no \.nope in the answer/);
    expect(r.stdout).toMatch(/saw: jobs_total = 0/);
    expect(r.stdout).toMatch(/saw: last lines: "block \d+ sealed"/);
    expect(r.stdout).toMatch(/^ok {4}f\.test:5/m);
    expect(r.stdout).toMatch(/1 passed, 4 failed/);
    const bail = await run(s, ['test', file, '--bail']);
    expect(bail.stdout).toMatch(/0 passed, 1 failed, 4 not run/);
    writeFileSync(file, 'planned: restart\napi: is up\n');
    const action = await run(s, ['test', file, '--json']);
    expect(action.code).toBe(1);
    const steps = JSON.parse(action.stdout).files[0].steps;
    expect(steps[0]).toMatchObject({ ok: false });
    expect(steps[0].saw).toMatch(/not launched|planned/);
    expect(steps[1]).toMatchObject({ skipped: true });
  });

  it('a bad file is exit 2 with FILE:LINE:COL before anything runs, --up included', async () => {
    await using s = await stack('badfile');
    const file = join(s.dir, 'bad.test');
    writeFileSync(file, 'chain: is up\napi: htpp GET /\nchian: is up\n');
    const r = await run(s, ['test', file, '--up']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.test:2:6: expected a check .*got `htpp` \(did you mean "http"\?\)/);
    expect(r.stderr).toMatch(/bad\.test:3:1: no service is named `chian` \(did you mean "chain"\?\)/);
    expect(existsSync(join(s.stateDir, 'badfile', 'state.json'))).toBe(false);
    expect(pidsOfStack('badfile')).toEqual([]);
    // not up, no --up: says how
    writeFileSync(file, 'chain: is up\n');
    const notUp = await run(s, ['test', file]);
    expect(notUp.code).toBe(2);
    expect(notUp.stderr).toMatch(/stack badfile is not up[\s\S]*--up/);
  });

  it('--up brings the stack up and down, also after a failure and after SIGINT; a busy port is exit 3', async () => {
    await using s = await stack('upper');
    const file = join(s.dir, 'u.test');
    // ${port} filled for each offset: the same file serves every copy
    writeFileSync(file, 'api: exec "test ${port} = $PORT" exits 0\nchain: http GET /state json .height >= 1 within 5s\nchain: is down\n');
    const r = await run(s, ['test', file, '--up']);
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toMatch(/2 passed, 1 failed/);
    expect(r.stderr).toMatch(/stack upper is down; all ports free/);
    expect(pidsOfStack('upper')).toEqual([]);
    const shifted = await run(s, ['test', file, '--up', '--port-offset', '100']);
    expect(shifted.stdout).toMatch(/2 passed, 1 failed/);
    expect(pidsOfStack('upper', true)).toEqual([]);

    writeFileSync(file, 'chain: is up\nsleep 60s\napi: is up\n');
    const p = devnetProcess(['test', file, '--up', '--stack', s.file], { cwd: s.dir, env: s.env });
    let seen = '';
    p.stdout!.on('data', (c: Buffer) => (seen += c.toString()));
    // interrupted in its sleep, once the first line has passed
    await waitFor(() => /^ok {4}u\.test:1/m.test(seen), 30_000, 'the first step passed');
    p.kill('SIGINT');
    const done = await p;
    expect(done.exitCode).toBe(1);
    expect(String(done.stdout)).toMatch(/interrupted: 1 passed, 0 failed, 2 not run/);
    expect(pidsOfStack('upper')).toEqual([]);

    const port = Number(/port: (\d+)/.exec(readFileSync(s.file, 'utf8'))![1]);
    await using held = await holdPort(port);
    const busy = await run(s, ['test', file, '--up']);
    expect(busy.code).toBe(3);
    void held;
  });
});
