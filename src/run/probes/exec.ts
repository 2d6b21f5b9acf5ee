// An exec probe: a command run in the service's cwd and env, passing on exit 0 (as compose
// healthchecks and process-compose exec probes). Its own process group, so a probe that
// outlives its time is killed with whatever it started.
import { spawn } from 'node:child_process';
import type { ProbeResult, ProbeTarget } from './types.js';

const KEEP = 400;

export function execProbe(t: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const x = t.exec!;
  const [file, args] = x.shell ? ['/bin/sh', ['-c', x.file]] : [x.file, x.args];
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ ok: false, reason: 'aborted' });
    const child = spawn(file, args, { cwd: x.cwd, env: { ...x.env, ...x.values }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-KEEP));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let why: string | undefined;
    const kill = (reason: string) => {
      why ??= reason;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    const timer = setTimeout(() => kill(`${x.display}: no exit within ${t.timeoutMs}ms`), t.timeoutMs);
    const onAbort = () => kill('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (r: ProbeResult) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    child.once('error', (e: NodeJS.ErrnoException) => finish({ ok: false, reason: e.code === 'ENOENT' ? `${file}: command not found` : e.message }));
    child.once('close', (code, sig) => {
      if (why) return finish({ ok: false, reason: why });
      if (code === 0) return finish({ ok: true });
      const last = tail.trim().split('\n').pop()?.trim();
      finish({ ok: false, reason: `${x.display} exited with ${sig ? `signal ${sig}` : `code ${code}`}${last ? `: ${last}` : ''}`, answered: true });
    });
  });
}
