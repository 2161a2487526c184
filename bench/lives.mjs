// Complete case lives over HTTP (keep-alive), as fast as CLIENTS concurrent
// clients can drive them, for SECONDS (or until LIVES lives are done).
//   node bench/lives.mjs URL FLOW CLIENTS SECONDS [LIVES]
// FLOW "window": a 即办件 the comprehensive window may decide
//   (建设项目环境影响登记表备案): apply (applicant, online) -> accept ->
//   approve -> deliver (window01).
// FLOW "instant": the same 即办件 closed by the clerk in one request (accept
//   with approve and deliver_method): apply -> accept+approve+deliver.
// FLOW "dept": a department item (建筑工程施工许可证核发): apply -> accept ->
//   forward -> pass -> approve -> deliver (zj_sp, by post).
// The materials are uploaded once per applicant and reused by sha256.
// Prints one JSON line: lives, seconds, lives/s, requests/s, errors and
// p50/p99 latency per step.
import http from 'node:http';

const [url, flow = 'window', clientsArg = '16', secondsArg = '10', livesArg = '0'] = process.argv.slice(2);
const CLIENTS = Number(clientsArg);
const SECONDS = Number(secondsArg);
const MAX_LIVES = Number(livesArg);
const PW = 'Baihe@2024';
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 + 4 });

function request(method, path, token, body, ctype = 'application/json') {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? null :
			(body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body)));
		const headers = {};
		if (token) headers.Authorization = `Bearer ${token}`;
		if (data) { headers['Content-Type'] = ctype; headers['Content-Length'] = data.length; }
		const req = http.request({ host: u.hostname, port: u.port, path, method, headers, agent }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString();
				let json = null;
				try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
				resolve({ status: res.statusCode, json, text });
			});
		});
		req.on('error', reject);
		if (data) req.write(data);
		req.end();
	});
}

async function login(l) {
	const r = await request('POST', '/api/auth/login', null, { login: l, password: PW, client: 'api' });
	if (r.status !== 200) throw new Error(`login ${l}: ${r.status} ${r.text}`);
	return r.json.token;
}

async function findItem(token, name) {
	const r = await request('GET', `/api/guide/items?q=${encodeURIComponent(name)}&limit=50`, token);
	const it = r.json && r.json.items.find((i) => i.name === name);
	if (!it) throw new Error(`item ${name}: ${r.text}`);
	const g = await request('GET', `/api/guide/items/${it.id}`, token);
	const el = g.json.elements || g.json.item || g.json;
	return { id: it.id, materials: el.materials.length };
}

async function uploads(token, n, tag) {
	const out = [];
	for (let i = 0; i < n; i++) {
		const body = Buffer.from(`%PDF-1.4\n% bench ${tag} ${i} ${Math.random()}\n%%EOF\n`);
		const r = await request('POST', `/api/uploads?name=m${i}.pdf`, token, body, 'application/pdf');
		if (r.status !== 201) throw new Error(`upload: ${r.status} ${r.text}`);
		out.push({ index: i, sha256: r.json.sha256 });
	}
	return out;
}

const FLOWS = {
	window: { item: '建设项目环境影响登记表备案', staff: 'window01',
		steps: [['accept', (cs) => [`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }]],
			['approve', (cs) => [`/api/cases/${cs.id}/actions/approve`, { reason: '准予备案', version: cs.version }]],
			['deliver', (cs) => [`/api/cases/${cs.id}/deliver`, { method: 'download', version: cs.version }]]] },
	instant: { item: '建设项目环境影响登记表备案', staff: 'window01',
		steps: [['accept+approve+deliver', (cs) => [`/api/cases/${cs.id}/accept`,
			{ mode: 'normal', approve: true, deliver_method: 'download', version: cs.version }]]] },
	dept: { item: '建筑工程施工许可证核发', staff: 'zj_sp',
		steps: [['accept', (cs) => [`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }]],
			['forward', (cs) => [`/api/cases/${cs.id}/actions/forward`, { version: cs.version }]],
			['pass', (cs) => [`/api/cases/${cs.id}/actions/pass`, { reason: '材料齐全，符合条件', version: cs.version }]],
			['approve', (cs) => [`/api/cases/${cs.id}/actions/approve`, { reason: '准予许可', version: cs.version }]],
			['deliver', (cs) => [`/api/cases/${cs.id}/deliver`, { method: 'post', tracking_no: 'SF1234567890', version: cs.version }]]] },
};

const f = FLOWS[flow];
if (!f) { console.error(`unknown flow ${flow}`); process.exit(2); }
const applicants = ['61092919900315001X', '610929198511080025'];
const appTokens = await Promise.all(applicants.map(login));
const staffToken = await login(f.staff);
const item = await findItem(appTokens[0], f.item);
const mats = [];
for (let i = 0; i < appTokens.length; i++) mats.push(await uploads(appTokens[i], item.materials, i));

const lat = { apply: [] };
for (const [name] of f.steps) lat[name] = [];
let lives = 0, requests = 0, errors = 0, started = 0, firstError = null;
let stop = false;
const t0 = performance.now();
if (SECONDS > 0) setTimeout(() => { stop = true; }, SECONDS * 1000).unref();

async function timed(name, method, path, token, body, want) {
	const t = performance.now();
	const r = await request(method, path, token, body);
	lat[name].push(performance.now() - t);
	requests++;
	if (r.status !== want) {
		errors++;
		if (!firstError) firstError = `${name}: ${r.status} ${r.text.slice(0, 300)}`;
		return null;
	}
	return r.json;
}

async function client(k) {
	const a = k % appTokens.length;
	while (!stop && (MAX_LIVES === 0 || started < MAX_LIVES)) {
		started++;
		let cs = await timed('apply', 'POST', '/api/cases', appTokens[a],
			{ item_id: item.id, form: { note: `bench ${k}` }, materials: mats[a] }, 201);
		for (const [name, fn] of f.steps) {
			if (!cs) break;
			const [path, body] = fn(cs);
			cs = await timed(name, 'POST', path, staffToken, body, 200);
		}
		if (cs && cs.state === 'done') lives++;
		else if (cs) { errors++; firstError ??= `life ended in state ${cs.state}`; }
	}
}

await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
const secs = (performance.now() - t0) / 1000;
function pct(v, p) {
	if (v.length === 0) return null;
	const s = [...v].sort((x, y) => x - y);
	return Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2));
}
const steps = {};
for (const [k, v] of Object.entries(lat)) steps[k] = { p50_ms: pct(v, 0.5), p99_ms: pct(v, 0.99) };
console.log(JSON.stringify({
	flow, item: f.item, clients: CLIENTS, lives, seconds: Number(secs.toFixed(2)),
	lives_per_s: Number((lives / secs).toFixed(1)), requests_per_s: Number((requests / secs).toFixed(0)),
	errors, first_error: firstError, steps,
}));
agent.destroy();
