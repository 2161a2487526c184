// The hall over HTTP: departments and their stationing, windows and the
// items they accept, staff at windows and staff change requests, on every
// database in ONETRIP_DBS.
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
	describe(`hall (${db})`, () => {
		let srv, anon, hall, scjg, zj, clerk;

		before(async () => {
			srv = await startServer({ db });
			anon = new Client(srv.url);
			hall = new Client(srv.url);
			scjg = new Client(srv.url);
			zj = new Client(srv.url);
			clerk = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			await scjg.login(DEMO.scjg_admin, DEMO.password);
			await zj.login(DEMO.zj_admin, DEMO.password);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		async function userId(login) {
			const r = await hall.get(`/api/users?q=${login}`);
			return r.json.items.find((u) => u.login === login).id;
		}

		test('departments: public list with stationing, kept by the hall admin', async () => {
			let r = await anon.get('/api/departments');
			assert.equal(r.status, 200);
			const list = r.json.items;
			const scjgDept = list.find((d) => d.name === '县市场监管局');
			assert.equal(scjgDept.stationing_mode, 'full');
			assert.ok(scjgDept.responsible_person.length > 0);
			assert.ok(scjgDept.lead_office.length > 0);
			assert.ok(list.some((d) => d.stationing_mode === 'delegated'));
			const none = list.find((d) => d.stationing_mode === 'none');
			assert.match(none.not_stationed_reason, CHINESE);
			assert.ok(list.some((d) => d.kind === 'utility'));

			r = await anon.get(`/api/departments/${scjgDept.id}`);
			assert.equal(r.json.name, '县市场监管局');
			assert.equal((await anon.get('/api/departments/99999')).status, 404);

			assertError(await anon.put(`/api/departments/${scjgDept.id}`, { lead_office: 'x' }), 401);
			assertError(await scjg.put(`/api/departments/${scjgDept.id}`, { lead_office: 'x' }), 403);
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { credit_code: '11610929016120006A' }), 422, 'credit_code');
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { stationing_mode: 'none', not_stationed_reason: '' }), 422, 'not_stationed_reason');
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { stationing_mode: 'half' }), 422, 'stationing_mode');
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { kind: 'company' }), 422, 'kind');
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { responsible_person: 5 }), 400, 'responsible_person');
			// The responsible person is a staff account of the department (明确责任人员), not a typed name.
			assertError(await hall.put(`/api/departments/${scjgDept.id}`, { responsible_person: '李四' }), 422, 'responsible_person');
			const users = await hall.get(`/api/users?kind=staff&q=${DEMO.scjg_admin}`);
			const scjgAdmin = users.json.items.find((u) => u.login === DEMO.scjg_admin).id;
			r = await hall.put(`/api/departments/${scjgDept.id}`, { responsible_user_id: scjgAdmin, lead_office: '登记注册股', contact_phone: '0915-7812001' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.responsible_person, '周海涛');
			assert.equal(r.json.responsible_user_id, scjgAdmin);
			assert.equal(r.json.lead_office, '登记注册股');
			assert.equal(r.json.credit_code, scjgDept.credit_code);
		});

		test('windows: kinds, items they accept, only for staff', async () => {
			assertError(await anon.get('/api/windows'), 401);
			let r = await clerk.get('/api/windows');
			assert.equal(r.status, 200);
			const wins = r.json.items;
			for (const k of ['comprehensive', 'dedicated', 'cannot_do', 'assist']) assert.ok(wins.some((w) => w.kind === k), k);
			const w1 = wins.find((w) => w.name === '综合窗口1');
			assert.ok(w1.item_count > 0);
			const sj = wins.find((w) => w.name === '市场监管专窗');

			assertError(await scjg.post('/api/windows', { number: 'D01', name: '测试窗口', kind: 'consult' }), 403);
			assertError(await hall.post('/api/windows', { number: 'D01', name: '测试专窗', kind: 'dedicated' }), 422, 'dept_id');
			assertError(await hall.post('/api/windows', { number: 'D01', name: '测试窗口', kind: 'vip' }), 422, 'kind');
			assertError(await hall.post('/api/windows', { number: 'A01', name: '重复', kind: 'consult' }), 409, 'number');
			assertError(await hall.post('/api/windows', { name: '无编号', kind: 'consult' }), 422, 'number');
			r = await hall.post('/api/windows', { number: 'D01', name: '住建专窗二', kind: 'dedicated', zone: 'D区', dept_id: sj.dept_id });
			assert.equal(r.status, 201, r.text);
			const d01 = r.json;
			r = await hall.put(`/api/windows/${d01.id}`, { name: '市场监管专窗二' });
			assert.equal(r.json.name, '市场监管专窗二');
			assert.equal(r.json.zone, 'D区');

			const sjItems = (await hall.get(`/api/windows/${sj.id}/items`)).json.items;
			const other = (await hall.get(`/api/windows/${w1.id}/items`)).json.items.find((i) => i.dept_id !== sj.dept_id);
			assertError(await hall.put(`/api/windows/${d01.id}/items`, { item_ids: [other.id] }), 422, 'item_ids');
			assertError(await hall.put(`/api/windows/${d01.id}/items`, { item_ids: [999999] }), 422, 'item_ids');
			assertError(await hall.put(`/api/windows/${d01.id}/items`, { item_ids: 'all' }), 400, 'item_ids');
			assertError(await scjg.put(`/api/windows/${d01.id}/items`, { item_ids: [sjItems[0].id] }), 403);
			r = await hall.put(`/api/windows/${d01.id}/items`, { item_ids: [sjItems[0].id, sjItems[1].id] });
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.items.map((i) => i.id).sort((a, b) => a - b), [sjItems[0].id, sjItems[1].id].sort((a, b) => a - b));
			// The guide shows the new window for the item.
			r = await anon.get(`/api/guide/items/${sjItems[0].id}`);
			assert.ok(r.json.windows.some((w) => w.id === d01.id));
			assert.equal((await hall.get('/api/windows/99999/items')).status, 404);
		});

		test('staff stay at their windows until a change request is approved', async () => {
			const wins = (await hall.get('/api/windows')).json.items;
			const sj = wins.find((w) => w.name === '市场监管专窗');
			const w2 = wins.find((w) => w.name === '综合窗口2');
			const clerkId = await userId(DEMO.scjg_clerk);
			const w01 = await userId(DEMO.window01);
			let r = await clerk.get(`/api/windows/${sj.id}/staff`);
			assert.ok(r.json.items.some((s) => s.user_id === clerkId));

			// Already seated: a direct re-assignment is refused.
			assertError(await hall.post('/api/staff-assignments', { user_id: clerkId, window_id: w2.id }), 409);
			assertError(await scjg.post('/api/staff-assignments', { user_id: clerkId, window_id: w2.id }), 403);

			assertError(await scjg.post('/api/staff-changes', { kind: 'move', user_id: clerkId, to_window_id: w2.id }), 422, 'reason');
			assertError(await scjg.post('/api/staff-changes', { kind: 'fly', user_id: clerkId, reason: 'x' }), 400, 'kind');
			assertError(await zj.post('/api/staff-changes', { kind: 'move', user_id: clerkId, to_window_id: w2.id, reason: '调整' }), 403);
			assertError(await scjg.post('/api/staff-changes', { kind: 'remove', user_id: w01, reason: '调整' }), 403);
			r = await scjg.post('/api/staff-changes', { kind: 'move', user_id: clerkId, to_window_id: w2.id, reason: '综合窗口业务量大，临时支援' });
			assert.equal(r.status, 201, r.text);
			const cid = r.json.id;
			assert.equal(r.json.status, 'pending');
			assertError(await scjg.post('/api/staff-changes', { kind: 'remove', user_id: clerkId, reason: '再次' }), 409);
			// The assignment stands while pending.
			r = await hall.get(`/api/windows/${sj.id}/staff`);
			assert.ok(r.json.items.some((s) => s.user_id === clerkId));
			r = await zj.get('/api/staff-changes?status=pending');
			assert.equal(r.json.items.length, 0, 'other departments do not see it');
			r = await scjg.get('/api/staff-changes?status=pending');
			assert.ok(r.json.items.some((c) => c.id === cid));
			assertError(await scjg.post(`/api/staff-changes/${cid}/approve`, {}), 403);
			assertError(await hall.post(`/api/staff-changes/${cid}/reject`, {}), 422, 'reason');

			r = await hall.post(`/api/staff-changes/${cid}/approve`, {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'approved');
			assertError(await hall.post(`/api/staff-changes/${cid}/approve`, {}), 409);
			r = await hall.get(`/api/windows/${w2.id}/staff`);
			assert.ok(r.json.items.some((s) => s.user_id === clerkId));
			r = await hall.get(`/api/windows/${sj.id}/staff`);
			assert.ok(!r.json.items.some((s) => s.user_id === clerkId));
			r = await hall.get(`/api/staff-assignments/history?user_id=${clerkId}`);
			assert.equal(r.json.items.length, 2);
			assert.equal(r.json.items[0].active, 1);
			assert.equal(r.json.items[1].active, 0);

			// Removal, rejected then approved; afterwards a first assignment works again.
			r = await scjg.post('/api/staff-changes', { kind: 'remove', user_id: clerkId, reason: '借调' });
			r = await hall.post(`/api/staff-changes/${r.json.id}/reject`, { reason: '窗口人员须保持稳定' });
			assert.equal(r.json.status, 'rejected');
			r = await hall.get(`/api/windows/${w2.id}/staff`);
			assert.ok(r.json.items.some((s) => s.user_id === clerkId));
			r = await scjg.post('/api/staff-changes', { kind: 'remove', user_id: clerkId, reason: '借调' });
			assert.equal((await hall.post(`/api/staff-changes/${r.json.id}/approve`, {})).status, 200);
			r = await hall.post('/api/staff-assignments', { user_id: clerkId, window_id: sj.id });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.items.length, 3); // demo seat, moved seat, new seat (removal closes only)
			assertError(await hall.get('/api/staff-assignments/history'), 400, 'user_id');
			assertError(await hall.get('/api/staff-changes?status=odd'), 400, 'status');
		});
	});
}
