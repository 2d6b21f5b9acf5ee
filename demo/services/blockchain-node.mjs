// Demo blockchain RPC node (the hub): a block every second; /health, /rpc/head, /rpc/blocks,
// /metrics, and /rpc/followers, where follower nodes report the height they synced.
import { createHash } from 'node:crypto';
import { arg, metrics, reply, serve } from './http.mjs';

const port = Number(arg('port', 8080));
const interval = Number(arg('block-ms', 1000));
const blocks = [];
const txPool = [];
const started = Date.now();
const followers = new Map();

function makeBlock() {
  const parent = blocks.at(-1);
  const height = parent ? parent.height + 1 : 0;
  const txs = txPool.splice(0, 100);
  const hash = createHash('sha256').update(`${parent?.hash ?? 'genesis'}:${height}:${JSON.stringify(txs)}`).digest('hex');
  blocks.push({ height, hash, parent: parent?.hash ?? null, time: new Date().toISOString(), txs: txs.length, proposer: `validator-${height % 3}` });
  if (blocks.length > 1000) blocks.shift();
}
makeBlock();
setInterval(makeBlock, interval);

serve('blockchain-node', port, arg('host', '127.0.0.1'), {
  'GET /health': () => ({ status: 'ok', height: blocks.at(-1).height }),
  'GET /rpc/head': () => blocks.at(-1),
  'GET /rpc/blocks': ({ url }) => blocks.slice(-Number(url.searchParams.get('limit') ?? 10)).reverse(),
  'GET /rpc/followers': () => [...followers.values()].map((f) => ({ ...f, lag: blocks.at(-1).height - f.height })),
  'POST /rpc/followers': ({ body }) => {
    followers.set(body.name, { name: String(body.name), url: String(body.url), height: Number(body.height), seen: new Date().toISOString() });
    return reply(202, { ok: true });
  },
  'POST /rpc/transactions': ({ body }) => {
    txPool.push(body);
    return reply(202, { accepted: true, pending: txPool.length });
  },
  'GET /metrics': () =>
    metrics([
      ['aitbc_chain_height', 'height of the chain head', blocks.at(-1).height],
      ['aitbc_tx_pool_size', 'pending transactions', txPool.length],
      ['aitbc_uptime_seconds', 'seconds since start', ((Date.now() - started) / 1000).toFixed(0)],
    ]),
});
