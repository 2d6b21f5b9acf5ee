const $ = (id) => document.getElementById(id);

async function refresh() {
  try {
    const [head, blocks, followers] = await Promise.all([
      fetch('/rpc/head').then((r) => r.json()),
      fetch('/rpc/blocks?limit=10').then((r) => r.json()),
      fetch('/rpc/followers').then((r) => r.json()),
    ]);
    $('followers').innerHTML = followers.length
      ? followers.map((f) => `<tr><td>${f.name}</td><td><code>${f.url}</code></td><td>${f.height}</td><td>${f.lag}</td></tr>`).join('')
      : '<tr><td colspan="4">none yet</td></tr>';
    $('height').textContent = head.height;
    $('status').textContent = '';
    $('blocks').innerHTML = blocks.map((b) => `<tr><td>${b.height}</td><td><code>${b.hash.slice(0, 16)}…</code></td><td>${b.time}</td><td>${b.proposer}</td></tr>`).join('');
  } catch {
    $('status').textContent = '(node unreachable)';
  }
}
refresh();
setInterval(refresh, 1000);
