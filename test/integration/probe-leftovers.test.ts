// An exec probe that leaves a background child holding its pipes: its result is its exit,
// the leftover is killed, and the health checks after it go on.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack, waitFor } from '../helpers.js';

const node = process.execPath;

/** Live processes carrying an exec probe's marker. */
function probeLeftovers(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'Z') return [];
      const env = readFileSync(`/proc/${d}/environ`, 'latin1').split('\0');
      return env.some((e) => e.startsWith('DEVNET_PROBE_ID=')) && env.includes('DEVNET_STACK_ID=leftover') ? [Number(d)] : [];
    } catch {
      return [];
    }
  });
}

describe('an exec probe that leaves a background child', () => {
  it('is ready at its exit 0, its leftover killed, and health checks keep running (a frozen service turns unhealthy)', async () => {
    await using s = tmpStack(`name: leftover
services:
  a:
    command: ["${node}", "-e", "console.log('started'); setInterval(() => {}, 1000)"]
    ready: { exec: "setsid sleep 101 & exit 0", shell: true, timeout: 5s }
    health: { exec: "setsid sleep 102 & kill -0 $(cat pid) && test \\"$(ps -o stat= -p $(cat pid) | cut -c1)\\" != T", shell: true, interval: 200ms, timeout: 1s, retries: 1 }
    cwd: .
`);
    const o = { cwd: s.dir, env: s.env };
    const up = await devnet(['up', '-d', '--stack', s.file], { ...o, timeout: 20_000 });
    expect(up.code, up.all).toBe(0);
    const st = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { pid: number; state: string }[] };
    const pid = st.services[0]!.pid;
    (await import('node:fs')).writeFileSync(join(s.dir, 'pid'), String(pid));
    // the health probes leave children too, a new one each 200ms; each is swept soon after its probe exits
    const seen = probeLeftovers();
    await waitFor(() => seen.every((p) => !probeLeftovers().includes(p)), 5000, 'the probe leftovers to be killed');
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(async () => {
        const now = JSON.parse((await devnet(['status', '--json', '--stack', s.file], o)).stdout) as { services: { state: string }[] };
        return now.services[0]!.state === 'unhealthy';
      }, 10_000, 'the frozen service to be unhealthy');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await devnet(['down', '--stack', s.file], o)).code).toBe(0);
    await waitFor(() => probeLeftovers().length === 0, 5000, 'no probe leftover after down');
  });
});
