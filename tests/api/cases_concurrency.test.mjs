// Cases under concurrency, on every database in ONETRIP_DBS: parallel
// applications get distinct, gapless per-day numbers; parallel acceptances
// of one case: exactly one wins, the others get 409 and nothing is written
// twice.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const STALE = '办件已被他人处理，请刷新后重试';

async function as(url, login) {
	const c = new Client(url);
	await c.login(login, DEMO.password);
	return c;
}

async function upload(c, tag) {
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`);
	const r = await c.post('/api/uploads?name=m.pdf', body, { headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function findItem(c, name) {
	const r = await c.get(`/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
	assert.equal(r.status, 200, r.text);
	const it = r.json.items.find((i) => i.name === name);
	assert.ok(it, `item ${name}`);
	return it;
}

for (const db of dbKinds()) {
	describe(`cases concurrency (${db})`, () => {
		let srv, person, clerk, materials, item;

		before(async () => {
			srv = await startServer({ db, now: '2026-09-29T10:00:00+08:00' });
			person = await as(srv.url, DEMO.person);
			clerk = await as(srv.url, DEMO.scjg_clerk);
			item = await findItem(person, '个体工商户变更登记');
			materials = [];
			for (let i = 0; i < 3; i++) materials.push({ index: i, sha256: await upload(person, `c${i}`) });
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('50 parallel applications: 50 distinct gapless numbers', async () => {
			// Mixed with refused ones (a missing material): they take no number.
			const reqs = [];
			for (let i = 0; i < 60; i++) {
				const bad = i % 6 === 5;
				reqs.push(person.post('/api/cases', {
					item_id: item.id, materials: bad ? materials.slice(0, 2) : materials,
				}));
			}
			const res = await Promise.all(reqs);
			const okRes = res.filter((r) => r.status === 201);
			const refused = res.filter((r) => r.status !== 201);
			assert.equal(okRes.length, 50, res.filter((r) => r.status !== 201 && r.status !== 422).map((r) => r.text).join('\n'));
			assert.ok(refused.every((r) => r.status === 422), refused.map((r) => r.status).join());
			const nos = okRes.map((r) => r.json.case_no);
			assert.equal(new Set(nos).size, 50);
			const prefix = nos[0].slice(0, 39);
			assert.ok(nos.every((n) => n.slice(0, 39) === prefix && n.slice(31, 39) === '20260929'), nos.join());
			const seqs = nos.map((n) => Number(n.slice(39))).sort((a, b) => a - b);
			assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i + 1));
		});

		test('20 parallel acceptances of one case: exactly one succeeds', async () => {
			const r0 = await person.post('/api/cases', { item_id: item.id, materials });
			assert.equal(r0.status, 201, r0.text);
			const cs = r0.json;
			// Several clients, so that the requests really run side by side.
			const clerks = [clerk];
			for (let i = 0; i < 3; i++) clerks.push(await as(srv.url, DEMO.scjg_clerk));
			const res = await Promise.all(Array.from({ length: 20 }, (_, i) =>
				clerks[i % clerks.length].post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version })));
			const wins = res.filter((r) => r.status === 200);
			const lost = res.filter((r) => r.status !== 200);
			assert.equal(wins.length, 1, res.map((r) => `${r.status} ${r.text.slice(0, 80)}`).join('\n'));
			assert.ok(lost.every((r) => r.status === 409 && r.json.error.message === STALE),
				lost.map((r) => r.text).join('\n'));
			const after = await clerk.get(`/api/cases/${cs.id}`);
			assert.equal(after.json.state, 'accepted');
			assert.equal(after.json.version, cs.version + 1);
			const tl = await clerk.get(`/api/cases/${cs.id}/timeline`);
			assert.deepEqual(tl.json.items.map((e) => e.action), ['apply', 'accept'], 'accepted once');

			// Two staff acting at once on the next step: one wins.
			const other = await as(srv.url, DEMO.scjg_clerk);
			const v = after.json.version;
			const two = await Promise.all([
				clerk.post(`/api/cases/${cs.id}/actions/forward`, { version: v }),
				other.post(`/api/cases/${cs.id}/actions/terminate`, { version: v, reason: '申请人要求退办' }),
			]);
			assert.deepEqual(two.map((r) => r.status).sort(), [200, 409], two.map((r) => r.text).join('\n'));
		});
	});
}
