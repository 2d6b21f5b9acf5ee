// What every probe takes and returns, whether it checks readiness or health.
import type { ProbeCommand } from '../../stack/launch-spec.js';
import type { MetricCondition } from '../../stack/metric-condition.js';

export type PolledKind = 'http' | 'tcp' | 'exec' | 'metric';

/** answered: the service responded, just not well (HTTP 404, exec exit 1): each try costs it a log line */
export type ProbeResult = { ok: true } | { ok: false; reason: string; answered?: boolean };

export interface ExecTarget extends ProbeCommand {
  cwd: string;
  env: Record<string, string>;
}

export interface ProbeTarget {
  kind: PolledKind;
  host: string;
  port?: number;
  url?: string;
  exec?: ExecTarget;
  /** metric: the condition on what `url` serves */
  metric?: MetricCondition;
  /** the listener must belong to the process tree of pid/pgid (readiness; health trusts what ready proved) */
  owned: boolean;
  pid: number;
  pgid: number;
  /** how long one try may take */
  timeoutMs: number;
}

export type Probe = (t: ProbeTarget, signal: AbortSignal) => Promise<ProbeResult>;
