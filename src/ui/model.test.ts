import { describe, expect, it } from 'vitest';
import type { ServiceRecord, StackState } from '../state/store.js';
import { initialState, onKey, runningDependents, screenOf, searchRegex, tableRows, type UiLine, type UiState } from './model.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const rec = (name: string, over: Partial<ServiceRecord> = {}): ServiceRecord => ({
  name,
  state: 'ready',
  pid: 100 + name.length,
  pgid: 100 + name.length,
  startTime: 1,
  ports: { http: 8000 + name.length },
  logFile: `/tmp/${name}.log`,
  startedAt: '2026-12-02T09:59:00Z',
  stopTimeoutMs: 10_000,
  dependsOn: [],
  ...over,
});

function stackState(services: ServiceRecord[]): StackState {
  return {
    version: 1,
    stack: 'demo',
    stackId: 'demo',
    stackFile: '/x/devnet.yaml',
    runId: 'r1',
    supervisor: { pid: 42, startTime: 1 },
    startedAt: '2026-12-02T09:58:00Z',
    services: Object.fromEntries(services.map((s) => [s.name, s])),
  } as StackState;
}

const base = (services: ServiceRecord[], over: Partial<UiState> = {}): UiState => ({
  ...initialState({ stackId: 'demo', stackFile: 'devnet.yaml', foreground: false, now: NOW }),
  record: stackState(services),
  ...over,
});

const lines = (texts: string[]): UiLine[] => texts.map((text, i) => ({ seq: i + 1, service: 'api', at: `2026-12-02T09:59:${String(i).padStart(2, '0')}Z`, text }));
const press = (s: UiState, input: string, key = {}, l: UiLine[] = []) => onKey(s, input, key, l, 10);

describe('devnet ui: keys', () => {
  const three = [rec('db'), rec('api', { dependsOn: ['db'] }), rec('web', { dependsOn: ['api'] })];

  it('selects the first service in start order, then moves with arrows and j/k, never past either end', () => {
    let s = base(three);
    expect(screenOf(s, [], 100, 30).lines.find((l) => l.selected)?.text).toMatch(/^db /);
    s = press(s, 'j').state;
    s = press(s, '', { downArrow: true }).state;
    s = press(s, 'j').state;
    expect(s.selected).toBe('web');
    s = press(s, 'k').state;
    expect(s.selected).toBe('api');
    s = press(s, '', { upArrow: true }).state;
    s = press(s, '', { upArrow: true }).state;
    expect(s.selected).toBe('db');
  });

  it('r, s and p ask for the request on the selected service; p resumes a paused one', () => {
    const s = base(three, { selected: 'api' });
    expect(press(s, 'r').effect).toMatchObject({ kind: 'request', request: { op: 'restart', services: ['api'] } });
    expect(press(s, 's').effect).toMatchObject({ kind: 'request', request: { op: 'start', services: ['api'] } });
    expect(press(s, 'p').effect).toMatchObject({ kind: 'request', request: { op: 'pause', services: ['api'] } });
    const paused = base([rec('db'), rec('api', { state: 'paused' })], { selected: 'api' });
    expect(press(paused, 'p').effect).toMatchObject({ kind: 'request', request: { op: 'resume' } });
  });

  it('x asks first when running services depend on it, and w stops them too; Esc does nothing', () => {
    const s = base(three, { selected: 'db' });
    expect(runningDependents(s, 'db').sort()).toEqual(['api', 'web']);
    const asked = press(s, 'x');
    expect(asked.effect.kind).toBe('none');
    expect(asked.state.prompt?.text).toMatch(/db is needed by running api, web/);
    expect(press(asked.state, 'w').effect).toMatchObject({ kind: 'request', request: { op: 'stop', services: ['db'], withDependents: true } });
    const cancelled = press(asked.state, '', { escape: true });
    expect(cancelled.effect.kind).toBe('none');
    expect(cancelled.state.prompt).toBeUndefined();
    // nothing depends on web: it stops at once
    expect(press(base(three, { selected: 'web' }), 'x').effect).toMatchObject({ kind: 'request', request: { op: 'stop', services: ['web'] } });
  });

  it('D brings the stack down only after y; q leaves', () => {
    const s = base(three);
    const asked = press(s, 'D');
    expect(asked.effect.kind).toBe('none');
    expect(press(asked.state, 'y').effect).toMatchObject({ kind: 'request', request: { op: 'down' } });
    expect(press(asked.state, 'n').effect.kind).toBe('none');
    expect(press(s, 'q').effect.kind).toBe('quit');
    expect(press(s, 'c', { ctrl: true }).effect.kind).toBe('quit');
  });

  it('steering keys are off when the supervisor is gone, and say why', () => {
    const s = base(three, { supervisor: 'gone' });
    const r = press(s, 'r');
    expect(r.effect.kind).toBe('none');
    expect(r.state.message?.text).toMatch(/supervisor \(pid 42\) is gone: steering is off/);
    expect(screenOf(s, [], 100, 30).lines[0]!.text).toMatch(/supervisor GONE \(was 42\)/);
  });

  it('/ searches the pane: smart case, n newer, N older, Esc clears; a bad regex says so', () => {
    const l = lines(['block 1 sealed', 'peer joined', 'Block 2 sealed', 'block 3 sealed', 'bye']);
    let s = base(three);
    s = press(s, '/').state;
    for (const ch of 'block') s = press(s, ch, {}, l).state;
    s = press(s, '', { return: true }, l).state;
    // from the newest: block 3, then older
    expect(s.search?.at).toBe(4);
    expect(s.message?.text).toMatch(/3 matching lines/);
    s = press(s, 'N', {}, l).state;
    expect(s.search?.at).toBe(3);
    s = press(s, 'N', {}, l).state;
    expect(s.search?.at).toBe(1);
    s = press(s, 'n', {}, l).state;
    expect(s.search?.at).toBe(3);
    const shown = screenOf(s, l, 100, 30).lines.find((x) => x.text.startsWith('Block 2'));
    expect(shown?.marks).toEqual([[0, 5]]);
    expect((searchRegex('Block') as RegExp).flags).not.toContain('i');
    expect((searchRegex('block') as RegExp).flags).toContain('i');
    s = press(s, '', { escape: true }).state;
    expect(s.search).toBeUndefined();
    let bad = press(base(three), '/').state;
    bad = press(bad, '(', {}, l).state;
    expect(press(bad, '', { return: true }, l).state.message?.text).toMatch(/not a regular expression/);
  });

  it('Enter toggles the pane between the service and all services; f holds it', () => {
    const s = base(three);
    const all = press(s, '', { return: true }).state;
    expect(all.logMode).toBe('all');
    expect(screenOf(all, [], 100, 30).lines.some((l) => l.text.includes('logs of all services'))).toBe(true);
    expect(press(all, 'l').state.logMode).toBe('one');
    expect(press(s, 'f').state.follow).toBe(false);
  });
});

describe('devnet ui: the screen', () => {
  it('shows each state as the supervisor knows it', () => {
    const s = base(
      [
        rec('a', { state: 'running', probe: 'http http://127.0.0.1:8001/health' }),
        rec('b', { state: 'restarting', restartAt: new Date(NOW + 3000).toISOString(), reason: 'exited with code 1' }),
        rec('c', { state: 'failed', reason: 'exited with code 2 before it was ready' }),
        rec('d', { state: 'unhealthy', reason: 'health check failed 3 times' }),
        rec('e', { state: 'paused' }),
        rec('f', { state: 'ready', dependsOn: ['c'] }),
      ],
      {},
    );
    const states = Object.fromEntries(tableRows(s).flatMap((r) => ('name' in r ? [[r.name, r.state]] : [])));
    expect(states).toEqual({
      a: 'probing http http://127.0.0.1:8001/health',
      b: 'restarting in 3s: exited with code 1',
      c: 'failed: exited with code 2 before it was ready',
      d: 'unhealthy: health check failed 3 times',
      e: 'paused',
      f: 'ready, degraded by c',
    });
  });

  it('groups the copies of a replicated service under a line of their group', () => {
    const s = base([rec('raft-1', { replicaOf: 'raft' }), rec('raft-2', { replicaOf: 'raft', state: 'stopped' }), rec('api')]);
    const rows = tableRows(s);
    expect(rows[0]).toEqual({ group: 'raft', text: 'raft: 2 replicas, 1 ready' });
    expect(rows.slice(1).map((r) => ('name' in r ? `${r.indent ? '  ' : ''}${r.name}` : '?'))).toEqual(['  raft-1', '  raft-2', 'api']);
  });

  it('fits 80x24 with 100 services: every line cut to the width, the selection in view, the pane and footer kept', () => {
    const many = Array.from({ length: 100 }, (_, i) => rec(`service-with-a-long-name-${i}`, { state: i % 7 ? 'ready' : 'failed', reason: 'exited with code 1 and a long explanation of why' }));
    const s = base(many, { selected: 'service-with-a-long-name-77' });
    const screen = screenOf(s, lines(Array.from({ length: 50 }, (_, i) => `line ${i} `.repeat(20))), 80, 23);
    expect(screen.lines).toHaveLength(23);
    for (const l of screen.lines) expect(l.text.length, l.text).toBeLessThanOrEqual(80);
    expect(screen.lines.find((l) => l.selected)?.text).toMatch(/service-with-a-long-name-77/);
    expect(screen.lines.at(-1)!.text).toMatch(/r restart/);
    expect(screen.lines.filter((l) => l.text.startsWith('line ')).length).toBeGreaterThanOrEqual(3);
  });
});
