// A service that double-forks a process out of its group, its session and its marker
// (env -i clears the environment) while its main process lives: the subreaper helper
// re-parents the escapee to the service, so down still proves it is the service's.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, pidAlive, tmpStack, waitFor } from '../helpers.js';

/** Runs a service whose escapee (started by `escapee`, a shell line) writes its pid; returns down's result and the pid. */
async function upEscapeDown(name: string, escapee: string, extra = '') {
  await using s = tmpStack(`name: ${name}
services:
  a:
    shell: true
    command: (env -i setsid sh -c '${escapee}' &); echo started; exec sleep 1000
    ready: { log: started }
${extra}`);
  const pidFile = join(s.dir, 'escaped.pid');
  let escaped = 0;
  try {
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 5000, 'the escapee to start');
    escaped = Number(readFileSync(pidFile, 'utf8'));
    expect(readFileSync(`/proc/${escaped}/environ`, 'latin1')).not.toContain('DEVNET_');
    const down = await devnet(['down', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(down.code, down.all).toBe(0);
    expect(pidAlive(escaped)).toBe(false);
  } finally {
    if (escaped && pidAlive(escaped)) process.kill(escaped, 'SIGKILL');
  }
}

describe('a double fork with a cleared environment', () => {
  it('is stopped by down, and down says so only once it is gone', () => upEscapeDown('escapee', 'echo $$ > escaped.pid; exec sleep 1000'));

  it('is killed after the grace period when it ignores SIGTERM, though its service is gone by then', () =>
    upEscapeDown('stubborn', 'trap "" TERM; echo $$ > escaped.pid; while :; do sleep 1; done', '    stop_timeout: 500ms\n'));
});
