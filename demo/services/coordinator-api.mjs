// Demo coordinator API: jobs and marketplace offers, stamped with the chain head.
import { arg, getJson, reply, serve } from './http.mjs';

const port = Number(arg('port', 8011));
// the node's URL: --rpc, else the env the demo (NODE_RPC_URL) or the AITBC stack (AITBC_CHAIN_RPC) sets
const node = arg('rpc', process.env.NODE_RPC_URL ?? process.env.AITBC_CHAIN_RPC ?? 'http://127.0.0.1:8080');
const jobs = [];
const offers = [
  { id: 'offer-1', provider: 'miner-a', gpu: 'A100', pricePerHour: 2.1 },
  { id: 'offer-2', provider: 'miner-b', gpu: 'RTX 4090', pricePerHour: 0.7 },
  { id: 'offer-3', provider: 'miner-c', gpu: 'H100', pricePerHour: 3.4 },
];

serve('coordinator-api', port, arg('host', '127.0.0.1'), {
  'GET /health': async () => ({ status: 'ok', chain: (await getJson(`${node}/health`).catch(() => ({ status: 'down' }))).status }),
  'GET /v1/offers': () => offers,
  'GET /v1/jobs': () => jobs.slice(-20),
  'POST /v1/jobs': async ({ body }) => {
    const headBlock = await getJson(`${node}/rpc/head`);
    const job = { id: `job-${jobs.length + 1}`, offer: body.offer ?? offers[0].id, submittedAt: headBlock.height, state: 'queued' };
    jobs.push(job);
    return reply(201, job);
  },
});
