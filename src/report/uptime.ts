// Uptimes as people read them, the same in devnet status and devnet ls.

/** Seconds as 42s, 5m3s or 2h10m. */
export function formatUptime(s: number): string {
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

/** A duration as its shortest honest form: 10s, 1.5s, 250ms (grace periods, waits). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}
