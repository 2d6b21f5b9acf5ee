// The few lines every demo service shares: a JSON router, Prometheus text, a clean SIGTERM.
import { createServer } from 'node:http';

export function serve(name, port, host, routes) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = routes[`${req.method} ${url.pathname}`] ?? Object.entries(routes).find(([k]) => k.endsWith('*') && `${req.method} ${url.pathname}`.startsWith(k.slice(0, -1)))?.[1];
    try {
      const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : undefined;
      const out = route ? await route({ url, body, req }) : reply(404, { error: `no route ${req.method} ${url.pathname}` });
      if (out instanceof Text) {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return res.end(out.text);
      }
      const r = out instanceof Reply ? out : reply(200, out);
      res.writeHead(r.status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(r.json));
    } catch (e) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(e.message ?? e) }));
    }
  });
  server.listen(port, host, () => console.log(`${name} listening on http://${host}:${port}`));
  const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

class Reply {
  constructor(status, json) {
    Object.assign(this, { status, json });
  }
}
class Text {
  constructor(text) {
    this.text = text;
  }
}
export const reply = (status, json) => new Reply(status, json);

export function metrics(samples) {
  return new Text(samples.map(([name, help, value, labels]) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}${labels ? `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''} ${value}`).join('\n') + '\n');
}

export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

export async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.json();
}
