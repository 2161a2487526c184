// Bundle lives over HTTP (driven by bench/bundles.sh): each client logs in
// as the demo enterprise, applies for 开办餐饮店 (tobacco: no, so 4 children
// in 4 departments) with its materials uploaded once per client, the
// window accepts, the 4 departments approve their children in parallel,
// the window delivers. Prints {lives, secs, lives_per_s, p50_ms, p99_ms}.
//   node bench/bundles.mjs URL CLIENTS SECS
import { Client } from '../tests/lib/server.mjs';

const [url, clientsArg, secsArg] = process.argv.slice(2);
const CLIENTS = Number(clientsArg || 4);
const SECS = Number(secsArg || 10);
const PW = 'Baihe@2024';
const STAFF = { A: 'scjg_sp', B: 'cg_sp', C: 'xf_sp', D: 'zj_sp' };

async function login(who) {
  const c = new Client(url);
  await c.login(who, PW);
  return c;
}
function ok(r, s = 200) {
  if (r.status !== s) throw new Error(`${r.status} ${r.text}`);
  return r.json;
}

async function approve(c, id) {
  let cs = ok(await c.get(`/api/cases/${id}`));
  if (cs.state === 'review') cs = ok(await c.post(`/api/cases/${id}/actions/pass`, { version: cs.version, reason: '审查通过' }));
  ok(await c.post(`/api/cases/${id}/actions/approve`, { version: cs.version, reason: '准予' }));
}

async function client(deadline, times) {
  const ent = await login('91610929MA0BHE001T');
  const win = await login('window01');
  const staff = {};
  for (const [k, who] of Object.entries(STAFF)) staff[k] = await login(who);
  const g = ok(await ent.get('/api/guide/bundles/1'));
  const mats = [];
  for (const m of g.materials) {
    if (m.necessity === 'optional' || !m.items.some((k) => k !== 'E')) continue;
    const body = new TextEncoder().encode(`%PDF-1.4\n% ${m.index} ${Math.random()}\n%%EOF\n`);
    const r = await ent.post(`/api/uploads?name=m${m.index}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    mats.push({ index: m.index, sha256: ok(r, 201).sha256 });
  }
  const form = { shop_name: '压测小馆', address: '白河县城关镇', legal_rep: '王五' };
  while (Date.now() < deadline) {
    const t0 = performance.now();
    let b = ok(await ent.post('/api/bundles/1/apply', { answers: { tobacco: false }, form, materials: mats }), 201);
    b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
    await Promise.all(b.children.filter((ch) => ch.case).map((ch) => approve(staff[ch.key], ch.case.id)));
    b = ok(await win.get(`/api/bundle-cases/${b.id}`));
    if (b.state !== 'completed') throw new Error('bundle not completed: ' + b.state);
    b = ok(await win.post(`/api/bundle-cases/${b.id}/deliver`, { method: 'window', version: b.version }));
    if (b.state !== 'delivered') throw new Error('not delivered');
    times.push(performance.now() - t0);
  }
}

const times = [];
const start = Date.now();
await Promise.all(Array.from({ length: CLIENTS }, () => client(start + SECS * 1000, times)));
const secs = (Date.now() - start) / 1000;
times.sort((a, b) => a - b);
const q = (p) => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : 0);
console.log(JSON.stringify({ lives: times.length, secs: Number(secs.toFixed(1)),
  lives_per_s: Number((times.length / secs).toFixed(2)), p50_ms: Math.round(q(0.5)), p99_ms: Math.round(q(0.99)) }));
