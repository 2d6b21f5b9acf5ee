// Stand-in for a Runink program that is not installed here: it listens on the service's port,
// answers a health check and serves Prometheus metrics, so the stack's order, readiness and
// ports can be exercised end to end.
// Usage: node standin.mjs --name NAME --port PORT [--host H] [--peers h:p,...] [--cluster h:p,...]
// With --peers (a Raft member: its other members), it checks them over TCP every 200ms and
// reports the membership on /health, which answers 200 only while a majority of the cluster
// (itself included) is reachable, as a Raft node can only serve with a quorum. With --cluster
// (a client of a Raft cluster, such as a barn: every member), /health needs a majority of it.
import { createServer } from 'node:http';
import { connect } from 'node:net';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const name = arg('name', 'runink');
const port = Number(arg('port'));
const host = arg('host', '127.0.0.1');
const member = process.argv.includes('--peers');
const peers = (arg(member ? 'peers' : 'cluster', '') ?? '').split(',').filter(Boolean);
const started = Date.now();
let requests = 0;
const reachable = new Map(peers.map((p) => [p, false]));

function check(peer) {
  const i = peer.lastIndexOf(':');
  const socket = connect({ host: peer.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(peer.slice(i + 1)) });
  const done = (ok) => {
    reachable.set(peer, ok);
    socket.destroy();
  };
  socket.setTimeout(500, () => done(false));
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
}
if (peers.length) setInterval(() => peers.forEach(check), 200).unref();

const membership = () => {
  const self = member ? 1 : 0;
  const up = [...reachable.values()].filter(Boolean).length + self;
  const size = peers.length + self;
  return { members: size, reachable: up, quorum: Math.floor(size / 2) + 1, peers: Object.fromEntries(reachable) };
};

const server = createServer((req, res) => {
  requests++;
  if (req.url === '/health' || req.url === '/healthz') {
    const m = peers.length ? membership() : undefined;
    const ok = !m || m.reachable >= m.quorum;
    res.statusCode = ok ? 200 : 503;
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ status: ok ? 'ok' : 'no quorum', service: name, standIn: true, ...(m ? { raft: m } : {}) }));
  }
  if (req.url === '/metrics') {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    const m = peers.length ? membership() : undefined;
    return res.end(
      `# HELP runink_up stand-in for ${name} is up\n# TYPE runink_up gauge\nrunink_up{service="${name}"} 1\n` +
        `# HELP runink_requests_total requests served\n# TYPE runink_requests_total counter\nrunink_requests_total{service="${name}"} ${requests}\n` +
        `# HELP runink_uptime_seconds seconds since start\n# TYPE runink_uptime_seconds gauge\nrunink_uptime_seconds{service="${name}"} ${((Date.now() - started) / 1000).toFixed(0)}\n` +
        (m ? `# HELP runink_raft_reachable members reachable, itself included\n# TYPE runink_raft_reachable gauge\nrunink_raft_reachable{service="${name}"} ${m.reachable}\n` : ''),
    );
  }
  res.statusCode = 404;
  res.end();
});
server.listen(port, host, () => console.log(`${name} stand-in listening on ${host}:${port}${peers.length ? ` with ${peers.length} peers` : ''}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
