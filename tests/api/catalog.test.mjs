// Catalogue management over HTTP: drafts, review, publication, versions and
// differences, withdrawals, permissions, bad elements, CSV/XLSX export and
// CSV import, on every database in ONETRIP_DBS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`catalog (${db})`, () => {
		let srv, anon, hall, scjg, zj, clerk, person;
		let base; // published elements of 个体工商户设立登记
		let baseId;

		before(async () => {
			srv = await startServer({ db });
			anon = new Client(srv.url);
			hall = new Client(srv.url);
			scjg = new Client(srv.url);
			zj = new Client(srv.url);
			clerk = new Client(srv.url);
			person = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			await scjg.login(DEMO.scjg_admin, DEMO.password);
			await zj.login(DEMO.zj_admin, DEMO.password);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
			await person.login(DEMO.person, DEMO.password);
			const g = await anon.get('/api/guide/items?q=000101001001');
			baseId = g.json.items[0].id;
			const r = await scjg.get(`/api/items/${baseId}`);
			assert.equal(r.status, 200, r.text);
			base = r.json.published.elements;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		function newElements(basic, name) {
			const credit = base.impl_code.slice(0, 18);
			return { ...base, basic_code: basic, impl_code: `${credit}4${basic}`, name };
		}

		async function guideFinds(name) {
			const r = await anon.get(`/api/guide/items?q=${encodeURIComponent(name)}`);
			assert.equal(r.status, 200);
			return r.json.items.filter((i) => i.name === name);
		}

		test('draft, return, resubmit, publish; drafts stay hidden', async () => {
			const name = '个体工商户设立登记（测试一）';
			let r = await scjg.post('/api/items', { elements: newElements('000101001901', name) });
			assert.equal(r.status, 201, r.text);
			const id = r.json.item.id;
			assert.equal(r.json.item.status, 'draft');
			assert.equal(r.json.draft.version_no, 1);
			assert.equal(r.json.draft.status, 'draft');

			// Nobody outside sees the draft.
			assert.deepEqual(await guideFinds(name), []);
			assert.equal((await anon.get(`/api/guide/items/${id}`)).status, 404);
			assertError(await anon.get(`/api/items/${id}`), 401);
			assertError(await person.get(`/api/items/${id}`), 403);
			assertError(await person.get('/api/items'), 403);
			assert.equal((await zj.get(`/api/items/${id}`)).status, 404);
			assert.equal((await clerk.get(`/api/items/${id}`)).status, 404);
			r = await clerk.get(`/api/items?q=${encodeURIComponent(name)}`);
			assert.equal(r.json.items.length, 0);
			r = await scjg.get(`/api/items?q=${encodeURIComponent(name)}`);
			assert.equal(r.json.items.length, 1);
			assert.equal(r.json.items[0].open_status, 'draft');

			// Another department's admin cannot edit it.
			assertError(await zj.put(`/api/items/${id}/draft`, { elements: newElements('000101001901', name) }), 403);
			assertError(await zj.post(`/api/items/${id}/submit`), 403);
			// Only the hall admin publishes.
			assertError(await scjg.post(`/api/items/${id}/publish`), 403);
			assertError(await hall.post(`/api/items/${id}/publish`), 409);

			r = await scjg.post(`/api/items/${id}/submit`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.draft.status, 'submitted');
			assertError(await scjg.put(`/api/items/${id}/draft`, { elements: newElements('000101001901', name) }), 409);
			r = await hall.get('/api/reviews');
			assert.ok(r.json.items.some((v) => v.item_id === id && v.version_no === 1));
			assertError(await scjg.get('/api/reviews'), 403);

			assertError(await hall.post(`/api/items/${id}/return`, {}), 422, 'reason');
			r = await hall.post(`/api/items/${id}/return`, { reason: '受理条件表述不完整' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.draft.status, 'returned');
			assert.equal(r.json.draft.review_reason, '受理条件表述不完整');

			r = await scjg.put(`/api/items/${id}/draft`, {
				elements: { ...newElements('000101001901', name), conditions: '申请人具有完全民事行为能力，材料齐全。' },
				change_note: '补充受理条件',
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.draft.version_no, 1);
			assert.equal((await scjg.post(`/api/items/${id}/submit`)).status, 200);
			r = await hall.post(`/api/items/${id}/publish`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.item.status, 'published');
			assert.equal(r.json.published.version_no, 1);
			assert.equal(r.json.draft, null);

			// Published: the guide shows it at once (no restart).
			const found = await guideFinds(name);
			assert.equal(found.length, 1);
			r = await anon.get(`/api/guide/items/${id}`);
			assert.equal(r.json.elements.conditions, '申请人具有完全民事行为能力，材料齐全。');
		});

		test('the review queue pages with a real cursor: every submission once, oldest first', async () => {
			const ids = [];
			for (let i = 0; i < 3; i++) {
				const name = `分页审核测试事项${i}`;
				let r = await scjg.post('/api/items', { elements: newElements(`00010100195${i}`, name) });
				assert.equal(r.status, 201, r.text);
				ids.push(r.json.item.id);
				r = await scjg.post(`/api/items/${r.json.item.id}/submit`);
				assert.equal(r.status, 200, r.text);
			}
			const seen = [];
			let cursor = '';
			let pages = 0;
			for (;;) {
				const r = await hall.get(`/api/reviews?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
				assert.equal(r.status, 200, r.text);
				assert.ok(r.json.items.length <= 2);
				seen.push(...r.json.items);
				pages++;
				if (r.json.next_cursor === null) break;
				cursor = r.json.next_cursor;
				assert.ok(pages < 100);
			}
			assert.ok(pages >= 2, 'three submissions in pages of two take two pages');
			const versionIds = seen.map((v) => v.version_id);
			assert.equal(new Set(versionIds).size, versionIds.length, 'no submission twice');
			for (const id of ids) assert.ok(seen.some((v) => v.item_id === id), `item ${id} listed`);
			for (let i = 1; i < seen.length; i++) {
				const a = seen[i - 1], b = seen[i];
				assert.ok(a.submitted_at < b.submitted_at || (a.submitted_at === b.submitted_at && a.version_id < b.version_id));
			}
			assertError(await hall.get('/api/reviews?cursor=abc'), 400, 'cursor');
			assertError(await hall.get("/api/reviews?cursor=1'~2"), 400, 'cursor');
		});

		test('versions are numbered, immutable, and compared field by field', async () => {
			const name = '个体工商户设立登记（测试二）';
			let r = await scjg.post('/api/items', { elements: newElements('000101001902', name) });
			const id = r.json.item.id;
			await scjg.post(`/api/items/${id}/submit`);
			r = await hall.post(`/api/items/${id}/publish`);
			const v1 = r.json.published;

			r = await scjg.put(`/api/items/${id}/draft`, {
				elements: { ...v1.elements, statutory_days: 5, promised_days: 2, case_kind: 2 },
				change_note: '调整时限',
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.draft.version_no, 2);
			// The guide still shows version 1 while version 2 is a draft.
			r = await anon.get(`/api/guide/items/${id}`);
			assert.equal(r.json.version_no, 1);
			assert.equal(r.json.elements.promised_days, v1.elements.promised_days);
			await scjg.post(`/api/items/${id}/submit`);
			// 即办件 -> 承诺件 of 2 days lengthens the promised limit: a
			// restricting change the hall approves on the request queue.
			r = await hall.post(`/api/items/${id}/publish`);
			assert.equal(r.status, 202, r.text);
			assert.equal(r.json.request.kind, 'item_restriction');
			assert.equal(r.json.item.published.version_no, 1);
			assert.equal((await hall.post(`/api/requests/${r.json.request.id}/approve`, {})).status, 200);
			r = await scjg.get(`/api/items/${id}`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.published.version_no, 2);
			assert.equal(r.json.item.current_version_id, r.json.published.id);
			assert.notEqual(r.json.published.id, v1.id);

			r = await scjg.get(`/api/items/${id}/versions`);
			assert.deepEqual(r.json.items.map((v) => [v.version_no, v.status]), [[2, 'published'], [1, 'superseded']]);
			r = await scjg.get(`/api/items/${id}/versions/1`);
			assert.deepEqual(r.json.elements, v1.elements);
			assert.equal(r.json.id, v1.id);
			assert.equal((await scjg.get(`/api/items/${id}/versions/9`)).status, 404);

			r = await scjg.get(`/api/items/${id}/diff?from=1&to=2`);
			assert.equal(r.status, 200, r.text);
			const pd = r.json.changes.find((c) => c.field === 'promised_days');
			assert.equal(pd.label, '承诺办结时限');
			assert.equal(pd.old, v1.elements.promised_days);
			assert.equal(pd.new, 2);
			assertError(await scjg.get(`/api/items/${id}/diff?from=1`), 400, 'to');
			// Public guide readers never get staff version data.
			assertError(await anon.get(`/api/items/${id}/versions`), 401);
		});

		test('bad elements: 422 with the field in Chinese, nothing stored', async () => {
			const name = '错误事项（测试）';
			const good = newElements('000101001903', name);
			const bad = [
				[{ impl_code: '123' }, 'impl_code'],
				[{ basic_code: 'abc' }, 'basic_code'],
				[{ impl_code: '91610929MA0BHG00194000101001903' }, 'impl_code'], // another body's credit code
				[{ statutory_days: 5, promised_days: 8, case_kind: 2 }, 'promised_days'],
				[{ online_level: 4, visits: 1, visit_reason: '核验原件' }, 'visits'],
				[{ fee_charged: true, fee_basis: '', fee_items: [{ name: '工本费', standard: '10元', reducible: false, reduce_basis: '' }] }, 'fee_basis'],
				[{ dept: '县不存在局' }, 'dept'],
			];
			for (const [change, field] of bad) {
				const r = await scjg.post('/api/items', { elements: { ...good, ...change } });
				assertError(r, 422, field);
			}
			assertError(await scjg.post('/api/items', { elements: 'x' }), 400, 'elements');
			assertError(await scjg.post('/api/items', { elements: { ...good, level: 'four' } }), 400);
			// Another department's item.
			assertError(await zj.post('/api/items', { elements: good }), 403);
			assertError(await clerk.post('/api/items', { elements: good }), 403);
			// Duplicate code.
			assertError(await scjg.post('/api/items', { elements: newElements('000101001001', '重复') }), 409, 'impl_code');
			const r = await hall.get(`/api/items?q=${encodeURIComponent(name)}`);
			assert.equal(r.json.items.length, 0);
			// A partial draft may be saved, but not submitted.
			const p = await scjg.post('/api/items', { partial: true, elements: { ...good, consult_phone: '' } });
			assert.equal(p.status, 201, p.text);
			assertError(await scjg.post(`/api/items/${p.json.item.id}/submit`), 422, 'consult_phone');
		});

		test('withdrawal from the hall and from online handling needs the hall admin', async () => {
			const wins = await hall.get('/api/windows');
			const win = wins.json.items.find((w) => w.name === '市场监管专窗');
			let r = await hall.get(`/api/windows/${win.id}/items`);
			assert.ok(r.json.items.some((i) => i.id === baseId));

			assertError(await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'hall' }), 422, 'reason');
			assertError(await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'moon', reason: 'x' }), 400, 'scope');
			assertError(await zj.post(`/api/items/${baseId}/withdrawals`, { scope: 'hall', reason: '调整' }), 403);
			r = await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'hall', reason: '该事项改由乡镇便民服务中心办理' });
			assert.equal(r.status, 201, r.text);
			const wid = r.json.id;
			assert.equal(r.json.status, 'pending');
			assertError(await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'hall', reason: '再次' }), 409);
			// Until approved, nothing changes.
			r = await anon.get(`/api/guide/items/${baseId}`);
			assert.equal(r.json.elements.stationed, true);
			assertError(await scjg.post(`/api/withdrawals/${wid}/approve`), 403);
			r = await scjg.get('/api/withdrawals?status=pending');
			assert.ok(r.json.items.some((w) => w.id === wid));
			assert.equal((await zj.get('/api/withdrawals?status=pending')).json.items.length, 0);

			r = await hall.post(`/api/withdrawals/${wid}/approve`, {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'approved');
			assertError(await hall.post(`/api/withdrawals/${wid}/approve`, {}), 409);
			r = await anon.get(`/api/guide/items/${baseId}`);
			assert.equal(r.json.elements.stationed, false);
			assert.equal(r.json.version_no, 2);
			assert.deepEqual(r.json.windows, []);
			r = await hall.get(`/api/windows/${win.id}/items`);
			assert.ok(!r.json.items.some((i) => i.id === baseId));
			r = await scjg.get(`/api/items/${baseId}/diff?from=1&to=2`);
			assert.ok(r.json.changes.some((c) => c.field === 'stationed'));

			// Online: rejected (reason required), then approved.
			r = await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'online', reason: '系统对接暂停' });
			assert.equal(r.status, 201, r.text);
			assertError(await hall.post(`/api/withdrawals/${r.json.id}/reject`, {}), 422, 'reason');
			r = await hall.post(`/api/withdrawals/${r.json.id}/reject`, { reason: '不符合撤回条件' });
			assert.equal(r.json.status, 'rejected');
			r = await scjg.post(`/api/items/${baseId}/withdrawals`, { scope: 'online', reason: '系统对接暂停' });
			r = await hall.post(`/api/withdrawals/${r.json.id}/approve`, {});
			assert.equal(r.status, 200, r.text);
			r = await anon.get(`/api/guide/items/${baseId}`);
			assert.equal(r.json.elements.online_level, 1);
			assert.equal(r.json.item.online, false);
			assert.ok(r.json.elements.visits >= 1);
		});

		test('export CSV and XLSX; CSV import reports every bad row and imports nothing', async () => {
			let r = await clerk.get('/api/catalog/export?format=csv');
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type'), /text\/csv/);
			const text = r.text.replace(/^\uFEFF/, '');
			const [header, ...lines] = text.split('\r\n').filter(Boolean);
			assert.ok(header.startsWith('basic_code,impl_code,handle_code,type,name,dept'));
			assert.ok(lines.length >= 190);
			assert.ok(text.includes('个体工商户变更登记'));
			const x = await fetch(`${srv.url}/api/catalog/export?format=xlsx`, { headers: { Authorization: `Bearer ${clerk.token}` } });
			assert.equal(x.status, 200);
			const bytes = new Uint8Array(await x.arrayBuffer());
			assert.equal(String.fromCharCode(bytes[0], bytes[1]), 'PK');
			assertError(await clerk.get('/api/catalog/export?format=pdf'), 400, 'format');
			assertError(await anon.get('/api/catalog/export'), 401);

			// A row of the export, re-imported with a new code and name.
			const row = lines.find((l) => l.startsWith('000101001002,'));
			assert.ok(row);
			const credit = base.impl_code.slice(0, 18);
			const good = row.replace(`000101001002,${credit}4000101001002`, `000101001904,${credit}4000101001904`)
				.replace('个体工商户变更登记', '个体工商户变更登记（导入）');
			const badCode = good.replace(`${credit}4000101001904`, '12345');
			const badDays = good.replace(`000101001904,${credit}4000101001904`, `000101001905,${credit}4000101001905`)
				.replace(/,\d+,\d+,,1,/, ',2,5,,2,');
			assertError(await scjg.post('/api/catalog/import', `${header}\r\n${good}\r\n`,
				{ headers: { 'Content-Type': 'text/csv' } }), 403);
			r = await hall.post('/api/catalog/import', `${header}\r\n${good}\r\n${badCode}\r\n${good}\r\n`,
				{ headers: { 'Content-Type': 'text/csv' } });
			assert.equal(r.status, 422, r.text);
			assert.match(r.json.error.message, CHINESE);
			const cols = r.json.rows.map((b) => [b.line, b.column]);
			assert.deepEqual(cols, [[3, 'impl_code'], [4, 'impl_code']], JSON.stringify(r.json.rows));
			for (const b of r.json.rows) assert.match(b.reason, CHINESE);
			r = await hall.get(`/api/items?q=${encodeURIComponent('个体工商户变更登记（导入）')}`);
			assert.equal(r.json.items.length, 0, 'nothing imported');
			if (badDays !== good) {
				r = await hall.post('/api/catalog/import', `${header}\r\n${badDays}\r\n`, { headers: { 'Content-Type': 'text/csv' } });
				assert.equal(r.status, 422, r.text);
			}

			r = await hall.post('/api/catalog/import', `${header}\r\n${good}\r\n`, { headers: { 'Content-Type': 'text/csv' } });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.imported, 1);
			r = await hall.get(`/api/items?q=${encodeURIComponent('个体工商户变更登记（导入）')}`);
			assert.equal(r.json.items.length, 1);
			const id = r.json.items[0].id;
			assert.equal(r.json.items[0].open_status, 'submitted');
			assert.deepEqual(await guideFinds('个体工商户变更登记（导入）'), []);
			r = await hall.post(`/api/items/${id}/publish`);
			assert.equal(r.status, 200, r.text);
			assert.equal((await guideFinds('个体工商户变更登记（导入）')).length, 1);
			r = await hall.post('/api/catalog/import', 'name\r\n', { headers: { 'Content-Type': 'text/csv' } });
			assert.equal(r.status, 422);
		});
	});
}
