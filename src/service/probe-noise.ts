// Lines a service wrote about devnet's own readiness probes ("GET /health 404"): a failure
// report shows the service's last lines, and a page of probe requests would bury its error.

/** undefined when there is no HTTP probe to recognise. */
export function probeNoise(readyUrl: string | undefined): ((line: string) => boolean) | undefined {
  if (!readyUrl) return undefined;
  let path: string;
  try {
    path = new URL(readyUrl).pathname;
  } catch {
    return undefined;
  }
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const request = new RegExp(`\\b(GET|HEAD) ${escaped}(?=[\\s"?]|$)`);
  return (line) => line.includes('devnet-probe') || request.test(line);
}
