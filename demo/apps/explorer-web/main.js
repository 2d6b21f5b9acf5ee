const $ = (id) => document.getElementById(id);

async function refresh() {
  try {
    const [head, blocks] = await Promise.all([fetch('/rpc/head').then((r) => r.json()), fetch('/rpc/blocks?limit=10').then((r) => r.json())]);
    $('height').textContent = head.height;
    $('status').textContent = '';
    $('blocks').innerHTML = blocks.map((b) => `<tr><td>${b.height}</td><td><code>${b.hash.slice(0, 16)}…</code></td><td>${b.time}</td><td>${b.proposer}</td></tr>`).join('');
  } catch {
    $('status').textContent = '(node unreachable)';
  }
}
refresh();
setInterval(refresh, 1000);
