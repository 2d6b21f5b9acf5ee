// One request of a probe, over http or https. An https probe does not verify the service's
// certificate, as Kubernetes' HTTPS probes do not: a devnet's services mostly serve a
// self-signed or a local CA's certificate, and the probe asks whether it answers, not who it is.
// node:https (and TLS) is loaded only by a stack that probes over it.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

let https: typeof Https | undefined;

export function probeRequest(url: string, options: RequestOptions, answered: (res: IncomingMessage) => void): ClientRequest {
  if (!url.startsWith('https:')) return httpRequest(url, options, answered);
  https ??= createRequire(import.meta.url)('node:https') as typeof Https;
  return https.request(url, { ...options, rejectUnauthorized: false }, answered);
}
