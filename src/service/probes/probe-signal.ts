/** A signal for one try: aborted by the outer signal or after ms; the listener is removed after. */
export async function withProbeSignal<T>(outer: AbortSignal, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const local = new AbortController();
  const abort = () => local.abort();
  const timer = setTimeout(abort, ms);
  outer.addEventListener('abort', abort, { once: true });
  try {
    return await fn(local.signal);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', abort);
  }
}
