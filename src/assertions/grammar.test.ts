import { describe, expect, it } from 'vitest';
import { matchServices, parseDuration, parseJsonPath, parseTestFile } from './grammar.js';
import { compare } from './run-steps.js';

const SERVICES = ['blockchain-node', 'blockchain-follower-1', 'blockchain-follower-2', 'wallet-daemon', 'finance-raft-1', 'finance-raft-2', 'finance-raft-3'];
const parse = (text: string) => parseTestFile(text, 'demo.test', SERVICES);

describe('the test file grammar', () => {
  it('reads every form, with comments and blank lines', () => {
    const { steps, problems } = parse(`
# a comment
blockchain-node: is up                      # ready, its ports answer
wallet-daemon: is down
blockchain-node: http GET /rpc/head status 200 within 10s
blockchain-node: http GET /rpc/head json .height >= 5 within 30s
blockchain-follower-*: http GET /health json .lag <= 2 within 20s
blockchain-node: http GET /rpc/followers json [0].name contains "follower"
blockchain-node: http POST /rpc/transactions status >= 200
blockchain-node: http GET /health body contains "ok # not a comment"
blockchain-node: http GET /
blockchain-node: metric coordinator_jobs_total{queue="a",x="b"} > 0 within 20s
blockchain-node: log matches /block \\d+ # sealed/i within 10s
finance-raft-1: exec "test -d \${data}" exits 0
blockchain-node: restart
finance-raft-3: kill SIGKILL
finance-raft-3: kill
finance-raft-[1-2]: stop
finance-raft: start
finance-raft-3: pause
finance-raft-3: resume
sleep 2s
wallet-daemon: http GET /x json .ok == true
wallet-daemon: http GET /x json .v != null
`);
    expect(problems).toEqual([]);
    expect(steps.map((s) => s.kind)).toEqual([...Array(12).fill('assert'), ...Array(7).fill('action'), 'sleep', 'assert', 'assert']);
    expect(steps[0]).toMatchObject({ line: 3, services: 'blockchain-node', check: { kind: 'up' } });
    expect(steps[2]).toMatchObject({ check: { kind: 'http', method: 'GET', path: '/rpc/head', status: { op: '==', value: 200 } }, withinMs: 10_000 });
    expect(steps[3]).toMatchObject({ check: { json: { path: '.height', op: '>=', value: 5 } }, withinMs: 30_000 });
    expect(steps[5]).toMatchObject({ check: { json: { path: '[0].name', op: 'contains', value: 'follower' } } });
    expect(steps[7]).toMatchObject({ check: { body: 'ok # not a comment' } });
    expect(steps[8]).toMatchObject({ check: { status: { op: '<', value: 300 } } });
    expect(steps[9]).toMatchObject({ check: { kind: 'metric', name: 'coordinator_jobs_total', labels: { queue: 'a', x: 'b' }, op: '>', value: 0 } });
    const log = steps[10]!;
    expect(log.kind === 'assert' && log.check.kind === 'log' && log.check.regex.source).toBe('block \\d+ # sealed');
    expect(steps[11]).toMatchObject({ check: { kind: 'exec', command: 'test -d ${data}', exits: 0 } });
    expect(steps[13]).toMatchObject({ action: 'kill', signal: 'SIGKILL' });
    expect(steps[14]).toMatchObject({ action: 'kill', signal: 'SIGKILL' });
    expect(steps[19]).toMatchObject({ kind: 'sleep', ms: 2000 });
    expect(steps[20]).toMatchObject({ check: { json: { value: true } } });
  });

  it('says what is wrong with each bad line, at its line and column, with a did-you-mean', () => {
    const { steps, problems } = parse(
      [
        'blockchain-nod: is up',
        'blockchain-node: is upp',
        'blockchain-node: htp GET /',
        'blockchain-node: http GTE /',
        'blockchain-node: http GET health',
        'blockchain-node: http GET /x json height > 1',
        'blockchain-node: http GET /x json .a >',
        'blockchain-node: http GET /x status 200 wihtin 5s',
        'blockchain-node: http GET /x status 200 within 5',
        'blockchain-node: log matches /(/',
        'blockchain-node: kill SIGKIL',
        'nothing here',
        'sleep soon',
        'nosuch-*: is up',
        'blockchain-node: exec "unterminated exits 0',
        'blockchain-node: is up',
      ].join('\n'),
    );
    expect(steps).toHaveLength(1);
    const at = problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(at[0]).toMatch(/^1:1 no service is named `blockchain-nod` \(did you mean "blockchain-node"\?\)/);
    expect(at[1]).toMatch(/^2:21 expected `up` or `down`, got `upp` \(did you mean "up"\?\)/);
    expect(at[2]).toMatch(/^3:18 expected a check .* got `htp` \(did you mean "http"\?\)/);
    expect(at[3]).toMatch(/^4:23 expected an HTTP method .* got `GTE`/);
    expect(at[4]).toMatch(/^5:27 expected a path starting with \//);
    expect(at[5]).toMatch(/^6:35 expected a JSON path starting with \./);
    expect(at[6]).toMatch(/^7:\d+ expected a value/);
    expect(at[7]).toMatch(/^8:41 expected `within`, got `wihtin`/);
    expect(at[8]).toMatch(/^9:48 expected a duration \(500ms, 10s, 2m\), got `5`/);
    expect(at[9]).toMatch(/^10:30 not a regular expression/);
    expect(at[10]).toMatch(/^11:23 expected a signal .* got `SIGKIL` \(did you mean "SIGKILL"\?\)/);
    expect(at[11]).toMatch(/^12:1 expected SERVICE: then a check/);
    expect(at[12]).toMatch(/^13:7 expected a duration/);
    expect(at[13]).toMatch(/^14:1 no service matches `nosuch-\*`/);
    expect(at[14]).toMatch(/^15:23 unterminated double quote/);
    expect(problems.every((p) => p.file === 'demo.test')).toBe(true);
  });

  it('globs over replicas; a replicated service by its name stands for its copies', () => {
    expect(matchServices('blockchain-follower-*', SERVICES)).toEqual(['blockchain-follower-1', 'blockchain-follower-2']);
    expect(matchServices('finance-raft-[2-3]', SERVICES)).toEqual(['finance-raft-2', 'finance-raft-3']);
    expect(matchServices('finance-raft-?', SERVICES)).toHaveLength(3);
    expect(matchServices('finance-raft', SERVICES)).toEqual(['finance-raft-1', 'finance-raft-2', 'finance-raft-3']);
    expect(matchServices('wallet-daemon', SERVICES)).toEqual(['wallet-daemon']);
    expect(matchServices('finance-raft-[', SERVICES)).toEqual([]);
  });

  it('reads durations, JSON paths, and compares as the operators say', () => {
    expect([parseDuration('500ms'), parseDuration('1.5s'), parseDuration('2m'), parseDuration('5')]).toEqual([500, 1500, 120_000, undefined]);
    expect(parseJsonPath('.a.b[0]["odd key"]')).toEqual(['a', 'b', 0, 'odd key']);
    expect(() => parseJsonPath('.a..b')).toThrow(/not a JSON path/);
    expect(compare(5, '>=', 5)).toBe(true);
    expect(compare('5', '>', 4)).toBe(false);
    expect(compare('no quorum', '==', 'no quorum')).toBe(true);
    expect(compare(['a', 'b'], 'contains', 'b')).toBe(true);
    expect(compare(null, '!=', null)).toBe(false);
    expect(compare({ a: 1 }, '==', 1)).toBe(false);
  });
});
