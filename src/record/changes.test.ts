import { describe, expect, it } from 'vitest';
import type { Service, Stack } from '../stack/model.js';
import type { ServicePlan, StackPlan } from '../stack/service-plan.js';
import type { ServiceRecord, ServiceState } from '../state/store.js';
import { changeLine, diffRun, reasonsOf } from './changes.js';

const svc = (name: string, extra: Partial<Service> = {}): Service => ({ name, status: 'active', command: 'x', restartWith: [], ...extra }) as Service;
const rec = (name: string, state: ServiceState, parts: Record<string, string>, extra: Partial<ServiceRecord> = {}): ServiceRecord =>
  ({ name, state, plan: JSON.stringify(parts), parts, ports: {}, dependsOn: [], logFile: '', stopTimeoutMs: 0, ...extra }) as ServiceRecord;
const plan = (parts: Record<string, string>): ServicePlan => ({ parts, hash: JSON.stringify(parts) }) as ServicePlan;

describe('diffRun', () => {
  const stack = { services: { db: svc('db'), api: svc('api'), web: svc('web', { restartWith: ['api'] }), idx: svc('idx') } } as unknown as Stack;
  const same = { command: 'c' };

  it('recreates what changed and what follows it, adds, removes, starts what is asked and not running; the rest is untouched', () => {
    const running = {
      db: rec('db', 'ready', same),
      api: rec('api', 'ready', { ...same, 'env.LOG_LEVEL': 'a' }),
      web: rec('web', 'ready', same),
      gone: rec('gone', 'ready', same),
    };
    const next: StackPlan = { files: [], services: { db: plan(same), api: plan({ ...same, 'env.LOG_LEVEL': 'b' }), web: plan(same), idx: plan(same) } };
    expect(diffRun(running, stack, next, ['db', 'api', 'web', 'idx']).map(changeLine)).toEqual([
      'remove gone: no longer in the stack',
      'recreate api: env LOG_LEVEL changed',
      'add idx',
      'recreate web: follows api (depends_on restart: true)',
    ]);
  });

  it('a stopped service is started when asked, else only its plan is updated; a finished task is not run again', () => {
    const running = { db: rec('db', 'stopped', same), api: rec('api', 'stopped', same), web: rec('web', 'completed', same) };
    const next: StackPlan = { files: [], services: { db: plan({ command: 'd' }), api: plan(same), web: plan(same) } };
    expect(diffRun(running, stack, next, ['api', 'web']).map(changeLine)).toEqual(['update db: command changed', 'start api: not running']);
  });
});

describe('reasonsOf', () => {
  it('names ports with their numbers, env by key, and says what only follows from another change', () => {
    const a = { 'port.default': '8071', '~command': 'x', command: '1', 'env.PEERS': 'p', '~env.PEERS': 'r' };
    expect(reasonsOf({ parts: a }, { parts: { ...a, 'port.default': '8072', command: '2' } })).toEqual(['port 8071 -> 8072']);
    expect(reasonsOf({ parts: a }, { parts: { ...a, 'env.PEERS': 'q' } })).toEqual(['env PEERS changed (a value it references changed)']);
    expect(reasonsOf({ parts: a }, { parts: { ...a, 'port.rpc': '9000', 'env.NEW': 'v' } })).toEqual(['port rpc 9000 added', 'env NEW added']);
    expect(reasonsOf({}, { parts: a })).toEqual(['its plan changed']);
  });
});
