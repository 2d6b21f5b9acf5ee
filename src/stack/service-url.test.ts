import { describe, expect, it } from 'vitest';
import { loadStackText } from './load.js';
import { urlOf } from './service-url.js';

const urlFor = async (service: string) => {
  const { stack } = await loadStackText(`name: t\nservices:\n  a:\n    command: ["node", "s.js"]\n    port: 8443\n${service}`, '/nowhere/devnet.yaml', { env: {} });
  return urlOf(stack, 'a');
};

describe('the URL shown for a service', () => {
  it('is https where its probe asks its own port over TLS, at the probe path', async () => {
    expect(await urlFor('    ready: { http: "https://127.0.0.1:${port}/health" }\n')).toBe('https://127.0.0.1:8443/health');
  });

  it('is http where a probe path answered over plain HTTP, whatever the port plan says', async () => {
    expect(await urlFor('    protocol: HTTPS\n    ready: { http: /health }\n')).toBe('http://127.0.0.1:8443/health');
  });

  it('follows the port plan where no probe says: HTTPS', async () => {
    expect(await urlFor('    protocol: HTTPS\n')).toBe('https://127.0.0.1:8443/');
    expect(await urlFor('    protocol: HTTP\n')).toBe('http://127.0.0.1:8443/');
  });

  it('is none for a port that does not look like HTTP', async () => {
    expect(await urlFor('    protocol: gRPC/TLS\n')).toBeUndefined();
  });
});
