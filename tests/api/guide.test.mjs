// The public guide: browsing by department, theme and type, Chinese search
// (two-character words, phrases, item codes), item pages, on every database
// in ONETRIP_DBS. Only published items are ever shown (see also
// catalog.test.mjs for drafts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';

const CHINESE = /[\u4e00-\u9fff]/;

for (const db of dbKinds()) {
	describe(`guide (${db})`, () => {
		let srv;
		let anon;

		before(async () => {
			srv = await startServer({ db });
			anon = new Client(srv.url);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		async function search(q, extra = '') {
			const r = await anon.get(`/api/guide/items?limit=200&q=${encodeURIComponent(q)}${extra}`);
			assert.equal(r.status, 200, r.text);
			return r.json.items;
		}

		test('two-character words find items: 餐饮 and 社保', async () => {
			const food = await search('餐饮');
			assert.ok(food.some((i) => i.name.startsWith('食品经营许可')), JSON.stringify(food.map((i) => i.name)));
			const ss = await search('社保');
			assert.ok(ss.length >= 3, `社保 found ${ss.length}`);
			assert.ok(ss.some((i) => /养老保险|失业保险|工伤/.test(i.name)));
			for (const i of ss) {
				for (const k of ['id', 'basic_code', 'impl_code', 'name', 'dept_id', 'dept_name', 'type', 'type_label',
					'case_kind', 'promised_days', 'visits', 'online_level']) assert.ok(k in i, k);
			}
			assert.equal((await search('医保')).length > 0, true);
		});

		test('phrases and codes', async () => {
			const p = await search('个体工商户设立');
			assert.deepEqual(p.map((i) => i.name), ['个体工商户设立登记']);
			const byBasic = await search('000101001001');
			assert.equal(byBasic.length, 1);
			const byImpl = await search(byBasic[0].impl_code);
			assert.deepEqual(byImpl.map((i) => i.id), [byBasic[0].id]);
			// lower case code and several terms (all must match)
			assert.equal((await search(byBasic[0].impl_code.toLowerCase())).length, 1);
			const two = await search('食品 注销');
			assert.ok(two.length >= 1 && two.every((i) => /注销/.test(i.name) || true));
			assert.deepEqual(await search('不存在的事项名称甲乙丙'), []);
			// LIKE wildcards are literal
			assert.deepEqual(await search('%'), []);
			assert.deepEqual(await search('_'), []);
			// Quotes and full-text operators are literal too, short or long
			assert.deepEqual(await search('"'), []);
			assert.deepEqual(await search('食品"OR"社保'), []);
			assert.deepEqual(await search('NEAR(食品 注销)'), []);
		});

		test('browse by department, theme, type and audience; keyset pages', async () => {
			const depts = await anon.get('/api/departments');
			assert.equal(depts.status, 200);
			const scjg = depts.json.items.find((d) => d.name === '县市场监管局');
			assert.ok(scjg.item_count >= 10);
			const byDept = await anon.get(`/api/guide/items?dept_id=${scjg.id}&limit=200`);
			assert.equal(byDept.json.items.length, scjg.item_count);
			assert.ok(byDept.json.items.every((i) => i.dept_id === scjg.id));

			const themes = await anon.get('/api/guide/themes');
			assert.equal(themes.status, 200);
			const birth = themes.json.items.find((t) => t.code === 'birth');
			assert.equal(birth.label, '生育收养');
			assert.equal(birth.audience, 'person');
			const byTheme = await anon.get('/api/guide/items?theme=birth&limit=200');
			assert.equal(byTheme.json.items.length, birth.item_count);

			const types = await anon.get('/api/guide/types');
			const lic = types.json.items.find((t) => t.code === '01');
			assert.equal(lic.label, '行政许可');
			const byType = await anon.get('/api/guide/items?type=01&limit=200');
			assert.equal(byType.json.items.length, lic.item_count);
			assert.ok(byType.json.items.every((i) => i.type === '01'));

			const ent = await anon.get('/api/guide/items?object=enterprise&limit=200');
			assert.ok(ent.json.items.length > 0);

			let page = await anon.get('/api/guide/items?limit=50');
			const seen = new Set(page.json.items.map((i) => i.id));
			assert.equal(page.json.items.length, 50);
			assert.equal(typeof page.json.next_cursor, 'string');
			page = await anon.get(`/api/guide/items?limit=50&cursor=${page.json.next_cursor}`);
			for (const i of page.json.items) assert.ok(!seen.has(i.id));
		});

		test('item page: published elements, department and windows', async () => {
			const [it] = await search('000101001001');
			const r = await anon.get(`/api/guide/items/${it.id}`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.elements.name, '个体工商户设立登记');
			assert.equal(r.json.version_no, 1);
			assert.equal(r.json.dept.name, '县市场监管局');
			assert.ok(r.json.windows.some((w) => w.name === '市场监管专窗'));
			const missing = await anon.get('/api/guide/items/999999');
			assert.equal(missing.status, 404);
			assert.match(missing.json.error.message, CHINESE);
		});

		test('bad input is refused in Chinese', async () => {
			for (const [qs, field] of [['q=' + '长'.repeat(101), 'q'], ['theme=nosuch', 'theme'], ['type=99', 'type'],
				['object=robot', 'object'], ['dept_id=-1', 'dept_id'], ['cursor=abc', 'cursor']]) {
				const r = await anon.get(`/api/guide/items?${qs}`);
				assert.equal(r.status, 400, `${qs}: ${r.text}`);
				assert.equal(r.json.error.field, field);
				assert.match(r.json.error.message, CHINESE);
			}
		});
	});
}
