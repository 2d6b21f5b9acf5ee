// Demo mock coordinator: synthetic coordinator and miner telemetry on /metrics, following the chain head.
import { arg, getJson, metrics, serve } from './http.mjs';

const port = Number(arg('port', 8090));
// the node's URL: --rpc, else the env the demo (NODE_RPC_URL) or the AITBC stack (AITBC_CHAIN_RPC) sets
const node = arg('rpc', process.env.NODE_RPC_URL ?? process.env.AITBC_CHAIN_RPC ?? 'http://127.0.0.1:8080');
let head = { height: 0 };
setInterval(async () => {
  head = await getJson(`${node}/rpc/head`).catch(() => head);
}, 1000).unref();

const miners = ['miner-a', 'miner-b', 'miner-c'];
serve('mock-coordinator', port, arg('host', '127.0.0.1'), {
  'GET /health': () => ({ status: 'ok', following: node, height: head.height }),
  'GET /metrics': () =>
    metrics([
      ['coordinator_chain_height', 'chain head seen by the coordinator', head.height],
      ['coordinator_jobs_queued', 'jobs waiting for a miner', (head.height * 7) % 23],
      ...miners.map((m, i) => ['miner_hashrate', 'synthetic hash rate', 1000 + ((head.height * (i + 3)) % 250), { miner: m }]),
    ]),
});
