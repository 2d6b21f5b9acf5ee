// Vite is a dev dependency: where it is not installed, the demo's web apps fall back to a
// static server with the same proxies. Run here through devnet's own fallback path.
import { describe, expect, it } from 'vitest';
import { ROOT, devnet, fixture, freePorts, tmpStack } from '../helpers.js';

const node = process.execPath;

describe('the demo web apps without vite', () => {
  it('are served by the stand-in, with /rpc proxied to the node', async () => {
    const [web, rpc] = await freePorts(2);
    await using s = tmpStack(`name: standin
root: ${ROOT}
services:
  node: { command: "${node} ${fixture('http.mjs')} \${port}", port: ${rpc}, ready: { http: /health } }
  web:
    cwd: demo/apps/explorer-web
    command: vite-is-not-installed --port \${port}
    fallback: "${node} ../../services/static-proxy.mjs --port \${port} --host \${host} --proxy /rpc=http://127.0.0.1:\${services.node.port}"
    port: ${web}
    depends_on: [node]
    ready: { http: / }
`);
    const up = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(up.code, up.all).toBe(0);
    const page = await (await fetch(`http://127.0.0.1:${web}/`)).text();
    expect(page).toContain('AITBC Explorer');
    expect((await fetch(`http://127.0.0.1:${web}/main.js`)).headers.get('content-type')).toBe('text/javascript');
    const proxied = await fetch(`http://127.0.0.1:${web}/rpc/head`);
    expect(proxied.status).toBe(200);
    expect(((await proxied.json()) as { pid: number }).pid).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${web}/../../package.json`)).status).toBe(404);
  });
});
