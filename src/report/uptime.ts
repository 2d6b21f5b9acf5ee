// Uptimes as people read them, the same in devnet status and devnet ls.

/** Seconds as 42s, 5m3s or 2h10m. */
export function formatUptime(s: number): string {
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
