import { describe, expect, it } from 'vitest';
import { loadStackText } from './load.js';
import { planStack } from './service-plan.js';

const stack = async (apiPort: number, level = 'info') =>
  (
    await loadStackText(
      `name: p\nservices:\n  db: { command: "db --port \${port}", port: 7000 }\n  api: { command: "api --port \${port} --db \${services.db.port}", port: ${apiPort}, env: { LOG_LEVEL: ${level} }, depends_on: [db] }\n`,
      '/tmp/p/devnet.yaml',
    )
  ).stack;

describe('the resolved plan', () => {
  it('resolves what runs once: argv, env, ports, URL, what it waits for', async () => {
    const plan = planStack(await stack(7001), ['db', 'api'], { stackId: 'p', runId: 'r1', processEnv: {} });
    const api = plan.services.api!;
    expect([api.launch.file, ...api.launch.args]).toEqual(['api', '--port', '7001', '--db', '7000']);
    expect(api.launch.env.LOG_LEVEL).toBe('info');
    expect(api.launch.env.DEVNET_RUN_ID).toBe('r1');
    expect(api.ports).toEqual({ default: 7001 });
    expect(Object.keys(api.dependsOn)).toEqual(['db']);
  });

  it('hashes the same service alike across runs and shells, and tells what an edit changes', async () => {
    const a = planStack(await stack(7001), ['db', 'api'], { stackId: 'p', runId: 'r1', processEnv: { TERM: 'xterm' } });
    const b = planStack(await stack(7001), ['db', 'api'], { stackId: 'p', runId: 'r2', processEnv: { TERM: 'screen' } });
    expect(b.services.api!.hash).toBe(a.services.api!.hash);
    const moved = planStack(await stack(7002), ['db', 'api'], { stackId: 'p', runId: 'r3', processEnv: {} });
    expect(moved.services.api!.hash).not.toBe(a.services.api!.hash);
    expect(moved.services.db!.hash).toBe(a.services.db!.hash);
    const louder = planStack(await stack(7001, 'debug'), ['db', 'api'], { stackId: 'p', runId: 'r4', processEnv: {} });
    expect(louder.services.api!.hash).not.toBe(a.services.api!.hash);
  });
});
