// Demo wallet daemon: REST and JSON-RPC, with receipts checked against the chain.
import { arg, getJson, serve } from './http.mjs';

const port = Number(arg('port', 8071));
// the node's URL: --rpc, else the env the demo (NODE_RPC_URL) or the AITBC stack (AITBC_CHAIN_RPC) sets
const node = arg('rpc', process.env.NODE_RPC_URL ?? process.env.AITBC_CHAIN_RPC ?? 'http://127.0.0.1:8080');
const balances = new Map([['aitbc1demo', 1000]]);

const methods = {
  getBalance: ([address]) => balances.get(address) ?? 0,
  getHead: () => getJson(`${node}/rpc/head`),
  verifyReceipt: async ([receipt]) => ({ valid: typeof receipt?.height === 'number' && receipt.height <= (await getJson(`${node}/rpc/head`)).height }),
};

serve('wallet-daemon', port, arg('host', '127.0.0.1'), {
  'GET /health': () => ({ status: 'ok' }),
  'GET /v1/balance/*': ({ url }) => ({ address: url.pathname.split('/').pop(), balance: balances.get(url.pathname.split('/').pop()) ?? 0 }),
  'POST /rpc': async ({ body }) => {
    const fn = methods[body.method];
    if (!fn) return { jsonrpc: '2.0', id: body.id ?? null, error: { code: -32601, message: `method not found: ${body.method}` } };
    return { jsonrpc: '2.0', id: body.id ?? null, result: await fn(body.params ?? []) };
  },
});
