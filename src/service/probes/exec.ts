// An exec probe: a command run in the service's cwd and env, passing on exit 0 (as compose
// healthchecks and process-compose exec probes). Its result is its exit, not the end of its
// output: a probe that leaves a background child (`setsid sleep 100 &`) holding its pipes is
// done when it exits. Its own process group, killed at exit with whatever it left there; a
// leftover that left the group (setsid) is found by the probe's own marker and killed too.
import { describeExit } from '../../platform/exit.js';
import { spawn } from 'node:child_process';
import { MARKER } from '../../platform/marker.js';
import { platform } from '../../platform/index.js';
import { identityOf } from '../../platform/identity.js';
import { processesMarked } from '../../platform/proc-scan.js';
import { tryKill } from '../stop.js';
import type { ProbeResult, ProbeTarget } from './types.js';

const KEEP = 400;
/** After the probe's exit, how long before its leftovers are looked for (a double fork takes a moment). */
const LEFTOVER_MS = 50;
let probes = 0;

export function execProbe(t: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const x = t.exec!;
  const [file, args] = x.shell ? ['/bin/sh', ['-c', x.file]] : [x.file, x.args];
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ ok: false, reason: 'aborted' });
    const id = `${process.pid}.${++probes}`;
    const child = spawn(file, args, { cwd: x.cwd, env: { ...x.env, ...x.values, [MARKER.probe]: id }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // only processes started after it can be its leftovers (a /proc read; a ps run elsewhere is not worth it per probe)
    const startTime = child.pid !== undefined && platform().name === 'linux' ? (identityOf(child.pid)?.startTime ?? 0) : 0;
    let tail = '';
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-KEEP));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let why: string | undefined;
    const kill = (reason: string) => {
      why ??= reason;
      tryKill(-child.pid!, 'SIGKILL');
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
    let closed = false;
    child.once('close', () => (closed = true));
    child.once('exit', (code, sig) => {
      // what it left in its group goes with it; what escaped the group is swept if its pipes stay open
      tryKill(-child.pid!, 'SIGKILL');
      // what left the group (setsid) and still holds the pipes is found by the probe's marker and
      // killed (a process-table read, only then: probes run often). One that let go of the pipes
      // too (> /dev/null) carries the service's run marker, and goes with the service at down.
      setTimeout(() => {
        if (closed) return;
        child.stdout!.destroy();
        child.stderr!.destroy();
        sweepLeftovers(id, startTime);
      }, LEFTOVER_MS).unref();
      // the output read so far is what it said (a leftover may hold the pipe: do not wait for it)
      setImmediate(() => {
        if (why) return finish({ ok: false, reason: why });
        if (code === 0) return finish({ ok: true });
        const last = tail.trim().split('\n').pop()?.trim();
        finish({ ok: false, reason: `${x.display} ${describeExit({ code, signal: sig })}${last ? `: ${last}` : ''}`, answered: true });
      });
    });
  });
}

/** SIGKILLs the processes an exec probe left behind outside its group: they carry its marker. */
function sweepLeftovers(id: string, notBefore: number): void {
  try {
    for (const p of processesMarked((m) => m.probe === id, undefined, notBefore)) tryKill(p.pid, 'SIGKILL');
  } catch {
    // the process table could not be read: the leftover runs on until down sweeps the run's marker
  }
}
