// The indicators' facts of each published item version (item_version_facts)
// on every database in ONETRIP_DBS: written in the transaction that
// publishes the version, before any indicator request; written by
// `onetrip indicators facts` for versions loaded straight into the database
// (a province importing its catalogue), once; by the job indicator_facts
// when a server starts; and, as a fallback, by the first indicator request
// that finds published versions without them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { startServer, dbKinds, binPath, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

async function sql(srv, q) {
	if (srv.dbUrl.startsWith('sqlite:')) {
		const r = await new Promise((resolve, reject) => {
			execFile('sqlite3', ['-batch', '-noheader', '-cmd', '.timeout 10000', srv.dbUrl.slice(7), q], { encoding: 'utf8' },
				(err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
		});
		return r.replace(/\n$/, '');
	}
	return psql(srv.dbUrl, q);
}

function factsCommand(dbUrl) {
	const env = { ...process.env };
	delete env.ONETRIP_DB;
	const r = spawnSync(binPath(), ['indicators', 'facts', '--db', dbUrl],
		{ encoding: 'utf8', env, timeout: 120000 });
	if (r.error) throw r.error;
	assert.equal(r.status, 0, r.stderr);
	const m = r.stdout.match(/已为 (\d+) 个事项版本写入指标要素，用时 [\d.]+ 秒/);
	assert.ok(m, r.stdout);
	return Number(m[1]);
}

const ITEM_COLS = 'basic_code, handle_code, name, type, status, stationed, online, full_online, ' +
	'online_level, case_kind, visits, statutory_days, promised_days, window_authorised, ' +
	'rongque, commitment, in_scope, created_at, updated_at';

for (const db of dbKinds()) {
	describe(`indicator facts at publication and at import (${db})`, () => {
		let srv, hall, scjg, base, baseId;

		// published versions without a facts row
		const missing = async () => Number(await sql(srv,
			'SELECT COUNT(*) FROM item_versions v WHERE v.published_at IS NOT NULL AND NOT EXISTS ' +
			'(SELECT 1 FROM item_version_facts f WHERE f.version_id = v.id)'));
		const itemsTotal = async () => {
			const r = await hall.get('/api/indicators');
			assert.equal(r.status, 200, r.text);
			return r.json.overall.items_total;
		};
		// An item and its version 1, published, written with SQL as a bulk
		// import would (copies of the base item under a new 实施编码).
		let imported = 0;
		async function importItem() {
			imported++;
			const impl = `${base.impl_code.slice(0, 18)}9${String(imported).padStart(11, '0')}`;
			await sql(srv, `INSERT INTO items (dept_id, impl_code, ${ITEM_COLS}) SELECT dept_id, ` +
				`'${impl}', ${ITEM_COLS} FROM items WHERE id = ${baseId}`);
			const item = Number(await sql(srv, `SELECT id FROM items WHERE impl_code = '${impl}'`));
			await sql(srv, 'INSERT INTO item_versions (item_id, version_no, status, elements, created_at, ' +
				`published_at) SELECT ${item}, 1, 'published', elements, created_at, published_at ` +
				`FROM item_versions WHERE id = (SELECT current_version_id FROM items WHERE id = ${baseId})`);
			const vid = Number(await sql(srv, `SELECT id FROM item_versions WHERE item_id = ${item}`));
			await sql(srv, `UPDATE items SET current_version_id = ${vid} WHERE id = ${item}`);
			return { item, vid };
		}
		const factsOf = async (vid) => sql(srv, 'SELECT item_id || \'|\' || published_at || \'|\' || ' +
			`visits || '|' || promised_days FROM item_version_facts WHERE version_id = ${vid}`);

		before(async () => {
			// No jobs: what writes the facts here is the test's own step.
			srv = await startServer({ db, args: ['--no-jobs'] });
			hall = new Client(srv.url);
			scjg = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			await scjg.login(DEMO.scjg_admin, DEMO.password);
			const g = await hall.get('/api/guide/items?q=000101001001');
			baseId = g.json.items[0].id;
			base = (await scjg.get(`/api/items/${baseId}`)).json.published.elements;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('the demo catalogue, loaded through the service, has every version\'s facts', async () => {
			// Before any indicator request could have written them.
			assert.ok(Number(await sql(srv, 'SELECT COUNT(*) FROM item_version_facts')) > 50);
			assert.equal(await missing(), 0);
		});

		test('a version published through the API has its facts at once, and counts', async () => {
			const total = await itemsTotal();
			const credit = base.impl_code.slice(0, 18);
			const elements = { ...base, basic_code: '000101001961', impl_code: `${credit}4000101001961`,
				name: '个体工商户设立登记（要素测试）', visits: 0, case_kind: 2, statutory_days: 10,
				promised_days: 3 };
			let r = await scjg.post('/api/items', { elements });
			assert.equal(r.status, 201, r.text);
			const id = r.json.item.id;
			assert.equal((await scjg.post(`/api/items/${id}/submit`)).status, 200);
			r = await hall.post(`/api/items/${id}/publish`);
			assert.equal(r.status, 200, r.text);
			const v = r.json.published;
			// No indicator request in between: publication wrote them.
			const at = await sql(srv, `SELECT published_at FROM item_versions WHERE id = ${v.id}`);
			assert.equal(await factsOf(v.id), `${id}|${at}|0|3`);
			assert.equal(await missing(), 0);
			assert.equal(await itemsTotal(), total + 1);

			// A second version gets its own row; the first keeps its own.
			r = await scjg.put(`/api/items/${id}/draft`, { elements: { ...v.elements, promised_days: 2 },
				change_note: '承诺时限缩短' });
			assert.equal(r.status, 200, r.text);
			assert.equal((await scjg.post(`/api/items/${id}/submit`)).status, 200);
			r = await hall.post(`/api/items/${id}/publish`);
			assert.equal(r.status, 200, r.text);
			assert.match(await factsOf(r.json.published.id), new RegExp(`^${id}\\|\\d+\\|0\\|2$`));
			assert.equal(await factsOf(v.id), `${id}|${at}|0|3`);
			assert.equal(await itemsTotal(), total + 1);
		});

		test('the command writes the facts of versions imported straight into the tables, once', async () => {
			const total = await itemsTotal();
			const a = await importItem();
			const b = await importItem();
			assert.equal(await missing(), 2);
			assert.equal(await factsOf(a.vid), '');
			assert.equal(factsCommand(srv.dbUrl), 2);
			assert.equal(await missing(), 0);
			const at = await sql(srv, `SELECT published_at FROM item_versions WHERE id = ${b.vid}`);
			assert.equal(await factsOf(b.vid), `${b.item}|${at}|${base.visits}|${base.promised_days}`);
			// Idempotent: nothing left to write, nothing changed.
			assert.equal(factsCommand(srv.dbUrl), 0);
			assert.equal(await factsOf(b.vid), `${b.item}|${at}|${base.visits}|${base.promised_days}`);
			assert.equal(await itemsTotal(), total + 2);
			assert.doesNotMatch(srv.logTail(200), /wrote the facts of/);
		});

		test('without the command, the first indicator request writes the missing facts', async () => {
			const total = await itemsTotal();
			const c = await importItem();
			assert.equal(await missing(), 1);
			assert.equal(await itemsTotal(), total + 1);
			assert.equal(await missing(), 0);
			assert.notEqual(await factsOf(c.vid), '');
			assert.match(srv.logTail(200), /wrote the facts of 1 published versions/);
		});

		test('a server starting with jobs writes and loads them before any request', async () => {
			const d = await importItem();
			assert.equal(await missing(), 1);
			const other = await startServer({ db, share: srv });
			try {
				const deadline = Date.now() + 30000;
				while (!/indicators: facts of \d+ versions loaded/.test(other.logTail(400)) && Date.now() < deadline)
					await new Promise((r) => setTimeout(r, 100));
				assert.match(other.logTail(400), /indicators: facts of \d+ versions loaded in \d+ ms/);
				assert.equal(await missing(), 0);
				assert.notEqual(await factsOf(d.vid), '');
				assert.doesNotMatch(other.logTail(400), /GET \/api\/indicators/);
			} finally {
				assert.equal(await other.stop(), 0);
			}
		});
	});
}
