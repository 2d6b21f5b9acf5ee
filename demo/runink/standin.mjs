// Stand-in for a Runink program that is not installed here: it listens on the service's port,
// answers a health check and serves Prometheus metrics, so the stack's order, readiness and
// ports can be exercised end to end. Usage: node standin.mjs --name NAME --port PORT [--host H]
import { createServer } from 'node:http';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const name = arg('name', 'runink');
const port = Number(arg('port'));
const host = arg('host', '127.0.0.1');
const started = Date.now();
let requests = 0;

const server = createServer((req, res) => {
  requests++;
  if (req.url === '/health' || req.url === '/healthz') return res.end(JSON.stringify({ status: 'ok', service: name, standIn: true }));
  if (req.url === '/metrics') {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    return res.end(
      `# HELP runink_up stand-in for ${name} is up\n# TYPE runink_up gauge\nrunink_up{service="${name}"} 1\n` +
        `# HELP runink_requests_total requests served\n# TYPE runink_requests_total counter\nrunink_requests_total{service="${name}"} ${requests}\n` +
        `# HELP runink_uptime_seconds seconds since start\n# TYPE runink_uptime_seconds gauge\nrunink_uptime_seconds{service="${name}"} ${((Date.now() - started) / 1000).toFixed(0)}\n`,
    );
  }
  res.statusCode = 404;
  res.end();
});
server.listen(port, host, () => console.log(`${name} stand-in listening on ${host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
