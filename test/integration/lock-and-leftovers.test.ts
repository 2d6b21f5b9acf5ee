// One run per stack, even when two ups race over a stale lock, when an earlier supervisor
// was SIGKILLed, or when down comes while up is still starting.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/store.js';
import { devnet, devnetProcess, fixture, freePorts, pidAlive, pidsOfStack, reapStack, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;
const sleeper = `"${node} -e 'setInterval(() => {}, 1000)'"`;

describe('the stack lock', () => {
  it('lets exactly one of two concurrent ups take over a stale lock, 40 times', { timeout: 120_000 }, async () => {
    await using s = tmpStack(`name: race\nservices:\n  a: { command: ${sleeper} }\n`);
    const lockFile = join(s.stateDir, 'race', 'lock');
    mkdirSync(join(s.stateDir, 'race'), { recursive: true, mode: 0o700 });
    try {
      for (let trial = 0; trial < 40; trial++) {
        // a lock left by a devnet that died: its pid is gone
        writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 22 + 1, startTime: 1, runId: 'dead', stackId: 'race', acquiredAt: 'then' }));
        const [a, b] = await Promise.all([0, 1].map(() => devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })));
        // the loser is refused while the winner starts, or finds it up with nothing to do
        const [won, other] = a!.code === 0 && !a!.stdout.includes('nothing to do') ? [a!, b!] : [b!, a!];
        expect(won.code, `trial ${trial}: ${a!.all}\n---\n${b!.all}`).toBe(0);
        if (other.code === 0) expect(other.stdout).toContain('stack race is up: 1 service running, nothing to do');
        else expect(other.stderr, `trial ${trial}`).toContain('stack race is already up');
        // no readiness probe: ready means spawned, and the service may still be in its exec
        // (its environment unreadable for that moment) when up -d returns
        await waitFor(() => pidsOfStack('race').length > 0, 5000, `trial ${trial}: the service to run`);
        expect(pidsOfStack('race').length, `trial ${trial}: one copy of the stack runs`).toBe(1);
        const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
        expect(down.code, down.all).toBe(0);
        expect(pidsOfStack('race'), `trial ${trial}: down stopped it`).toEqual([]);
      }
    } finally {
      reapStack('race');
    }
  });

  it('refuses a second copy over the processes of a run whose supervisor was SIGKILLed, naming them', async () => {
    await using s = tmpStack(`name: orphan\nservices:\n  a: { command: ${sleeper} }\n  b: { command: ${sleeper}, depends_on: [a] }\n`);
    try {
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
      const first = readState(join(s.stateDir, 'orphan', 'state.json'))!;
      process.kill(first.supervisor.pid, 'SIGKILL');
      await waitFor(() => !pidAlive(first.supervisor.pid), 5000, 'the supervisor to die');
      const again = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(again.code, again.all).toBe(1);
      expect(again.stderr).toContain('stack orphan still has processes of an earlier run whose devnet is gone');
      expect(again.stderr).toContain(`a (pid ${first.services.a!.pid})`);
      expect(again.stderr).toContain('devnet down');
      // nothing new started, and the record of the first run is intact
      expect(pidsOfStack('orphan').sort()).toEqual([first.services.a!.pid, first.services.b!.pid].sort());
      expect(readState(join(s.stateDir, 'orphan', 'state.json'))!.runId).toBe(first.runId);
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(pidsOfStack('orphan')).toEqual([]);
      expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    } finally {
      reapStack('orphan');
    }
  });

  it('stops a run that is still starting when down comes, instead of saying it is not up', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: early\nservices:\n  slow: { command: "${node} ${fixture('http.mjs')} \${port} --delay 1500", port: ${p}, ready: { http: /health } }\n`);
    const lockFile = join(s.stateDir, 'early', 'lock');
    try {
      const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      await waitFor(() => existsSync(lockFile), 10_000, 'up to take the lock');
      const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
      expect(down.code, down.all).toBe(0);
      expect(down.stdout).not.toContain('is not up');
      const r = await up;
      expect(r.exitCode, String(r.all)).toBe(1);
      expect(String(r.stderr)).toContain('interrupted');
      expect(pidsOfStack('early')).toEqual([]);
    } finally {
      reapStack('early');
    }
  });

  for (const delay of [0, 50, 100]) {
    it(`stops an up -d started ${delay}ms before it, before that up has loaded its stack (never "not up", never up after down)`, async () => {
      const [p] = await freePorts(1);
      await using s = tmpStack(`name: racing\nservices:\n  slow: { command: "${node} ${fixture('http.mjs')} \${port} --delay 300", port: ${p}, ready: { http: /health } }\n`);
      try {
        const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
        expect(down.code, down.all).toBe(0);
        expect(down.stdout).not.toContain('is not up');
        await up;
        // whichever way up ended, nothing of it runs after down
        expect(pidsOfStack('racing')).toEqual([]);
        const st = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
        expect((JSON.parse(st.stdout) as { services: { pid: number | null }[] }).services.every((x) => x.pid === null)).toBe(true);
      } finally {
        reapStack('racing');
      }
    });
  }
});

describe('a supervisor killed while it starts the stack', () => {
  it('leaves nothing running: up stops what it had started and says so, naming no log that does not exist', async () => {
    const [p] = await freePorts(1);
    await using s = tmpStack(`name: midstart
services:
  a: { command: ["${node}", "-e", "console.log('up'); setInterval(() => {}, 1000)"], ready: { log: up } }
  b: { command: "${node} ${fixture('http.mjs')} \${port} --delay 5000", port: ${p}, depends_on: [a], ready: { http: /health } }
`);
    try {
      const up = devnetProcess(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
      const stateFile = join(s.stateDir, 'midstart', 'state.json');
      await waitFor(() => existsSync(stateFile) && JSON.parse(readFileSync(stateFile, 'utf8')).services.b?.pid !== undefined, 10_000, 'b to be started');
      process.kill(JSON.parse(readFileSync(stateFile, 'utf8')).supervisor.pid, 'SIGKILL');
      const r = await up;
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toMatch(/exited before the stack was up \(SIGKILL\); stopped what it had started \((a, b|b, a)\)/);
      expect(String(r.stderr)).toContain('it was killed (SIGKILL) and left no log');
      expect(pidsOfStack('midstart')).toEqual([]);
    } finally {
      reapStack('midstart');
    }
  });
});
