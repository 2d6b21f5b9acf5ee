// Demo follower node: syncs the hub's blocks over its RPC every 300ms and serves the same
// read RPC (/rpc/head, /rpc/blocks) from its own copy; it reports its height to the hub,
// which lists its followers on /rpc/followers (shown by the explorer).
// Usage: node blockchain-follower.mjs --port P --host H --hub URL --name NAME [--url URL]
// --url: what it announces to the hub (default http://H:P); the stack passes ${address}, which
// stays reachable where H is 0.0.0.0 (an exported compose file binds every interface)
import { arg, getJson, metrics, serve } from './http.mjs';

const port = Number(arg('port', 8080));
const host = arg('host', '127.0.0.2');
const hub = arg('hub', 'http://127.0.0.1:8080');
const name = arg('name', 'follower');
const url = arg('url', `http://${host}:${port}`);
const blocks = [];
let lastSync = 0;
// the hub's head as last seen: the follower's lag is measured against it
let hubHeight = -1;

async function sync() {
  try {
    const list = await getJson(`${hub}/rpc/blocks?limit=100`); // newest first
    hubHeight = list[0]?.height ?? hubHeight;
    const mine = blocks.at(-1);
    // a hub that started over (a restart: height 0 again, another chain) is followed from its new
    // genesis: its head is below ours, or its block at our height is not ours
    const same = mine && list.find((b) => b.height === mine.height);
    if (mine && (hubHeight < mine.height || (same && same.hash !== mine.hash))) blocks.length = 0;
    const since = blocks.at(-1)?.height ?? -1;
    const fresh = list.filter((b) => b.height > since).reverse();
    blocks.push(...fresh);
    if (blocks.length > 1000) blocks.splice(0, blocks.length - 1000);
    lastSync = Date.now();
    await fetch(`${hub}/rpc/followers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, url, height: blocks.at(-1)?.height ?? -1 }),
      signal: AbortSignal.timeout(1000),
    });
  } catch {
    // the hub is away (restarting): keep what we have, try again
  }
}
await sync();
setInterval(sync, 300);

serve(name, port, host, {
  // ready once it holds the hub's chain
  'GET /health': () => ({ status: blocks.length ? 'ok' : 'syncing', height: blocks.at(-1)?.height ?? -1, lag: hubHeight - (blocks.at(-1)?.height ?? -1), hub, lastSync: new Date(lastSync).toISOString() }),
  'GET /rpc/head': () => blocks.at(-1) ?? null,
  'GET /rpc/blocks': ({ url }) => blocks.slice(-Number(url.searchParams.get('limit') ?? 10)).reverse(),
  'GET /metrics': () => metrics([['aitbc_follower_height', 'height of the synced chain', blocks.at(-1)?.height ?? -1, { follower: name }]]),
});
