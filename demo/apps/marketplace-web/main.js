const $ = (id) => document.getElementById(id);

async function refresh() {
  const [head, offers] = await Promise.all([fetch('/rpc/head').then((r) => r.json()), fetch('/v1/offers').then((r) => r.json())]);
  $('height').textContent = head.height;
  $('offers').innerHTML = offers.map((o) => `<li>${o.gpu} from ${o.provider}: ${o.pricePerHour} AIT/h</li>`).join('');
}
refresh().catch(() => {});
setInterval(() => refresh().catch(() => {}), 2000);
