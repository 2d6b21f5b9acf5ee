// The default stack, end to end: the AITBC topology from demo/ comes up (shifted with
// --port-offset so it never collides), its pages answer over HTTP, a real browser sees the
// chain grow through the Vite proxy, and down leaves nothing behind.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devnet, freeDemoOffset as freeOffset, pidAlive, waitFor } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the demo stack', () => {
  const state = mkdtempSync(join(tmpdir(), 'devnet-demo-'));
  const env = { DEVNET_STATE_DIR: state, VITE_CACHE_DIR: join(state, 'vite-cache') };
  let offset = 0;
  let args: string[] = [];
  let pids: number[] = [];
  const url = (port: number, path = '/') => `http://127.0.0.1:${port + offset}${path}`;

  beforeAll(async () => {
    offset = await freeOffset();
    args = ['--port-offset', String(offset)];
    const up = await devnet(['up', '-d', ...args], { env });
    expect(up.code, up.all).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`explorer-web +${url(4173).replace(/[.]/g, '\\.')}`));
    pids = (JSON.parse((await devnet(['status', '--json', ...args], { env })).stdout) as { services: { pid: number }[] }).services.map((s) => s.pid);
  }, 90_000);

  afterAll(async () => {
    await devnet(['down', ...args], { env });
    rmSync(state, { recursive: true, force: true });
  }, 60_000);

  it('runs two followers on the RPC port at their own loopback addresses, synced from the hub', async () => {
    let followers: { name: string; url: string; height: number; lag: number }[] = [];
    const until = Date.now() + 10_000;
    while (followers.length < 2 && Date.now() < until) {
      followers = (await (await fetch(url(8080, '/rpc/followers'))).json()) as typeof followers;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(followers.map((f) => [f.name, f.url]).sort()).toEqual([
      ['follower-1', `http://127.0.0.2:${8080 + offset}`],
      ['follower-2', `http://127.0.0.3:${8080 + offset}`],
    ]);
    for (const f of followers) expect(f.lag).toBeLessThanOrEqual(2);
    // the URL status links for each follower answers (its / is a 404)
    const st = JSON.parse((await devnet(['status', '--json', ...args], { env })).stdout) as { services: { name: string; url?: string }[] };
    for (const name of ['blockchain-follower-1', 'blockchain-follower-2']) {
      const link = st.services.find((x) => x.name === name)!.url!;
      expect((await fetch(link)).status, link).toBe(200);
    }
    const head = (await (await fetch(`http://127.0.0.3:${8080 + offset}/rpc/head`)).json()) as { height: number };
    expect(head.height).toBeGreaterThanOrEqual(0);
  });

  it('serves the node, the coordinators and the wallet on their shifted ports', async () => {
    const head = (await (await fetch(url(8080, '/rpc/head'))).json()) as { height: number };
    expect(head.height).toBeGreaterThanOrEqual(0);
    expect(await (await fetch(url(8090, '/metrics'))).text()).toContain('coordinator_chain_height');
    expect(await (await fetch(url(8011, '/v1/offers'))).json()).toHaveLength(3);
    const rpc = await fetch(url(8071, '/rpc'), { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: ['aitbc1demo'] }) });
    expect(await rpc.json()).toEqual({ jsonrpc: '2.0', id: 1, result: 1000 });
  });

  it('serves both Vite apps, proxying to the interpolated ports', async () => {
    expect(await (await fetch(url(4173))).text()).toContain('AITBC Explorer');
    expect(await (await fetch(url(5173))).text()).toContain('AITBC Marketplace');
    const viaProxy = (await (await fetch(url(4173, '/rpc/head'))).json()) as { height: number };
    expect(viaProxy.height).toBeGreaterThanOrEqual(0);
    expect(await (await fetch(url(5173, '/v1/offers'))).json()).toHaveLength(3);
  });

  it('shows a chain height that grows, and the followers, in a real browser', async (ctx) => {
    if (!existsSync(CHROMIUM)) return ctx.skip();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url(4173));
      const height = async () => Number(await page.locator('#height').textContent());
      await waitFor(async () => Number.isInteger(await height()), 15_000, 'the height on the page');
      const first = await height();
      await waitFor(async () => (await height()) > first, 15_000, 'the height to grow');
      expect(await page.locator('#blocks tr').count()).toBeGreaterThan(0);
      // the hub's followers, each at its own address
      await waitFor(async () => (await page.locator('#followers tr').count()) === 2 && (await page.locator('#followers').textContent())!.includes('follower-2'), 15_000, 'two followers on the page');
      expect(await page.locator('#followers').textContent()).toContain(`127.0.0.3:${8080 + offset}`);
    } finally {
      await browser.close();
    }
  }, 45_000);

  it('stops every process and frees every port', async () => {
    const down = await devnet(['down', ...args], { env });
    expect(down.code, down.all).toBe(0);
    expect(down.stdout).toContain('all ports free');
    expect(pids.filter(pidAlive)).toEqual([]);
  });
});
