// Stand-in for the demo's Vite dev servers where Vite is not installed (it is a dev
// dependency of devnet, not a runtime one): serves the app folder as it is and proxies
// the same paths Vite's config does, to the same env-given targets.
// Usage: node static-proxy.mjs --port P --host H [--root DIR] [--proxy /rpc=URL ...]  (root: the cwd)
import { createReadStream, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, root: { type: 'string' }, proxy: { type: 'string', multiple: true, default: [] } } });
const root = resolve(values.root ?? process.cwd());
const proxies = values.proxy.map((p) => {
  const eq = p.indexOf('=');
  return { prefix: p.slice(0, eq), target: new URL(p.slice(eq + 1)) };
});
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const proxy = proxies.find((p) => url.pathname === p.prefix || url.pathname.startsWith(`${p.prefix}/`));
  if (proxy) {
    const upstream = request({ hostname: proxy.target.hostname, port: proxy.target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', (e) => res.writeHead(502).end(`proxy error: ${e.message}`));
    return void req.pipe(upstream);
  }
  // the path stays inside the app folder
  const file = join(root, normalize(url.pathname === '/' ? '/index.html' : url.pathname));
  if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return void res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}).listen(Number(values.port), values.host, () => console.log(`static stand-in for vite on http://${values.host}:${values.port}/ (vite is not installed)`));
