// The hall's own rules (docs/rules.md, issue 15 points 1, 2, 3, 5) over
// HTTP on every database in ONETRIP_DBS: online applications of an item
// stationed in the hall are received only at a hall window that carries it
// (不得在大厅窗口之外受理); an item not stationed keeps the department's own
// acceptance, counted by acceptance place; a catalogue version that takes
// an item out of the hall, lowers its online level, raises its trips or
// lengthens its promised limit is a request the hall decides, not an
// ordinary publication; stationing modes and responsible people are checked
// and shown per department. Refusals: Chinese message, status, nothing
// stored changes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code, r.text);
	assert.match(r.json.error.message, CHINESE);
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

async function as(url, login) {
	const c = new Client(url);
	await c.login(login, DEMO.password);
	return c;
}

let uploadSeq = 0;
async function upload(c) {
	uploadSeq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% hr ${uploadSeq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post('/api/uploads?name=m.pdf', body, { headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function applyOnline(c, itemId) {
	const g = ok(await c.get(`/api/guide/items/${itemId}`));
	const n = (g.elements || g.item || g).materials.length;
	const materials = [];
	for (let i = 0; i < n; i++) materials.push({ index: i, sha256: await upload(c) });
	return ok(await c.post('/api/cases', { item_id: itemId, form: { note: '网上申请' }, materials }), 201);
}

const act = (c, cs, action, body = {}) => c.post(`/api/cases/${cs.id}/actions/${action}`, { version: cs.version, ...body });

for (const db of dbKinds()) {
	describe(`hall rules (${db})`, () => {
		let srv, person, zj, zjAdmin, zjc, window01, hall;
		let zjDept, zjItems;

		before(async () => {
			srv = await startServer({ db, now: NOW });
			[person, zj, zjAdmin, zjc, window01, hall] = await Promise.all([DEMO.person, DEMO.zj_sp,
				DEMO.zj_admin, DEMO.zj_clerk, DEMO.window01, DEMO.hall].map((l) => as(srv.url, l)));
			const depts = ok(await hall.get('/api/departments')).items;
			zjDept = depts.find((d) => d.name === '县住建局');
			zjItems = ok(await person.get(`/api/guide/items?dept_id=${zjDept.id}&limit=50`)).items;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('an online application of a stationed item is received only at a hall window', async () => {
			const item = zjItems.find((i) => i.name === '建筑工程施工许可证核发');
			const cs = await applyOnline(person, item.id);
			const snapshot = ok(await zjc.get(`/api/cases/${cs.id}`));

			// The back office (approver, department admin) is refused, with the rule's reason.
			for (const [who, r] of [
				['approver accept', await zj.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version })],
				['dept admin accept', await zjAdmin.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version })],
				['approver 补正', await zj.post(`/api/cases/${cs.id}/supplement-request`, {
					items: [{ index: 0, problem: '复印件不清晰' }], note: '请补正', version: cs.version })],
				['dept admin 不予受理', await zjAdmin.post(`/api/cases/${cs.id}/reject`, { reason: '不属于受理范围', version: cs.version })],
			]) {
				assertError(r, 403, 'hall_window_only');
				assert.match(r.json.error.message, /大厅窗口/, who);
			}
			assert.deepEqual(ok(await zjc.get(`/api/cases/${cs.id}`)), snapshot, 'refusals change nothing');
			assert.ok(!ok(await zj.get('/api/work/inbox?queue=accept')).items.some((x) => x.id === cs.id),
				'not in the back office\'s acceptance queue');
			assert.ok(!ok(await zj.get(`/api/cases/${cs.id}`)).available_actions.some((a) => a.code === 'accept'));
			// A window that does not carry the item cannot either.
			assertError(await window01.post(`/api/cases/${cs.id}/accept`, { version: cs.version }), 403);

			// The department's own hall window receives it.
			assert.ok(ok(await zjc.get('/api/work/inbox?queue=accept')).items.some((x) => x.id === cs.id));
			const done = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			assert.equal(done.state, 'accepted');
		});

		test('a restricting version is the hall\'s decision; an item out of the hall is received by its department', async () => {
			const item = zjItems.find((i) => i.name !== '建筑工程施工许可证核发' && i.case_kind === 2);
			assert.ok(item, 'a second promised item of 县住建局');
			const before = ok(await zjAdmin.get(`/api/items/${item.id}`));
			const el = before.published.elements;
			assert.equal(el.stationed, true);

			// The department drafts the item out of the hall and submits it.
			ok(await zjAdmin.put(`/api/items/${item.id}/draft`, { elements: { ...el, stationed: false }, change_note: '' }));
			ok(await zjAdmin.post(`/api/items/${item.id}/submit`));

			// Publication without a reason: 422 naming the change; nothing published.
			let r = await hall.post(`/api/items/${item.id}/publish`, {});
			assertError(r, 422, 'reason_required');
			assert.match(r.json.error.message, /撤出政务大厅/);
			let cur = ok(await zjAdmin.get(`/api/items/${item.id}`));
			assert.equal(cur.published.version_no, before.published.version_no);
			assert.equal(cur.draft.status, 'submitted');

			// With a reason: a request on the one queue (202), still not published.
			r = await hall.post(`/api/items/${item.id}/publish`, { reason: '该事项须现场勘验，改由部门受理' });
			const req = ok(r, 202).request;
			assert.equal(req.kind, 'item_restriction');
			assert.equal(req.status, 'pending');
			assert.match(req.payload.changes, /撤出政务大厅/);
			cur = ok(await zjAdmin.get(`/api/items/${item.id}`));
			assert.equal(cur.published.version_no, before.published.version_no);
			assert.equal(cur.published.elements.stationed, true);
			assertError(await hall.post(`/api/items/${item.id}/publish`, { reason: '再次' }), 409);
			// The department does not decide it.
			assertError(await zjAdmin.post(`/api/requests/${req.id}/approve`, {}), 403);
			assert.equal(ok(await hall.get(`/api/requests/${req.id}`)).status, 'pending');

			// The hall approves: published, out of the hall.
			ok(await hall.post(`/api/requests/${req.id}/approve`, { reason: '同意' }));
			cur = ok(await zjAdmin.get(`/api/items/${item.id}`));
			assert.equal(cur.published.version_no, before.published.version_no + 1);
			assert.equal(cur.published.elements.stationed, false);
			assert.equal(cur.draft, null);

			// Not stationed: the department receives its online applications itself.
			let cs = await applyOnline(person, item.id);
			assert.ok(ok(await zj.get('/api/work/inbox?queue=accept')).items.some((x) => x.id === cs.id));
			cs = ok(await zj.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			assert.equal(cs.state, 'accepted');
			cs = ok(await act(zj, cs, 'forward'));
			cs = ok(await act(zj, cs, 'pass', { reason: '符合条件' }));
			// 受审分离: who accepted the case does not decide it.
			assertError(await act(zj, cs, 'approve', { reason: '准予许可' }), 403, 'separation_of_duties');
		});

		test('a longer promised limit rejected by the hall goes back to the department', async () => {
			const item = zjItems.find((i) => i.name === '建筑工程施工许可证核发');
			const before = ok(await zjAdmin.get(`/api/items/${item.id}`));
			const el = before.published.elements;
			ok(await zjAdmin.put(`/api/items/${item.id}/draft`, {
				elements: { ...el, promised_days: el.promised_days + 2 },
				change_note: '人手不足，延长承诺时限',
			}));
			ok(await zjAdmin.post(`/api/items/${item.id}/submit`));
			// The draft's change note is the reason when the hall gives none.
			const req = ok(await hall.post(`/api/items/${item.id}/publish`, {}), 202).request;
			assert.equal(req.reason, '人手不足，延长承诺时限');
			assert.match(req.payload.changes, /承诺办结时限由 \d+ 个工作日延长为 \d+ 个工作日/);
			assertError(await hall.post(`/api/requests/${req.id}/reject`, {}), 422);
			ok(await hall.post(`/api/requests/${req.id}/reject`, { reason: '不得延长已公布的承诺时限' }));
			const cur = ok(await zjAdmin.get(`/api/items/${item.id}`));
			assert.equal(cur.published.version_no, before.published.version_no);
			assert.equal(cur.published.elements.promised_days, el.promised_days);
			assert.equal(cur.draft.status, 'returned');
			assert.equal(cur.draft.review_reason, '不得延长已公布的承诺时限');

			// A version that shortens the limit is an ordinary publication.
			ok(await zjAdmin.put(`/api/items/${item.id}/draft`, {
				elements: { ...el, promised_days: Math.max(1, el.promised_days - 1) }, change_note: '压缩时限',
			}));
			ok(await zjAdmin.post(`/api/items/${item.id}/submit`));
			const pub = ok(await hall.post(`/api/items/${item.id}/publish`, {}));
			assert.equal(pub.published.version_no, before.published.version_no + 1);
		});

		async function userId(login) {
			const r = ok(await hall.get(`/api/users?kind=staff&q=${login}`));
			return r.items.find((u) => u.login === login).id;
		}
		const accOf = async (name) => ok(await hall.get('/api/hall/departments')).items.find((d) => d.name === name);

		test('the responsible person is a staff account of the department', async () => {
			const scjgAdmin = await userId(DEMO.scjg_admin);
			const scjg = await accOf('县市场监管局');
			assert.equal(scjg.responsible_user_id, scjgAdmin, 'the demo maps the responsible person to an account');
			const zjBefore = ok(await hall.get(`/api/departments/${zjDept.id}`));
			for (const [body, status, code] of [
				[{ responsible_person: '张三' }, 422, 'responsible_account_required'],
				[{ responsible_user_id: await userId(DEMO.window01) }, 422, 'responsible_not_staff'],
				[{ responsible_user_id: null }, 422, 'responsible_required'],
				[{ responsible_user_id: 'x' }, 400, null],
			]) assertError(await hall.put(`/api/departments/${zjDept.id}`, body), status, code);
			assert.deepEqual(ok(await hall.get(`/api/departments/${zjDept.id}`)), zjBefore, 'refusals change nothing');
			const zjSp = await userId(DEMO.zj_sp);
			const r = ok(await hall.put(`/api/departments/${zjDept.id}`, { responsible_user_id: zjSp }));
			assert.equal(r.responsible_user_id, zjSp);
			assert.equal(r.responsible_person, '吴刚');
			assert.equal(r.responsible_phone, '13891500008');

			// Every department with approval items is checked, stationed or not.
			const all = ok(await hall.get('/api/hall/departments'));
			for (const d of all.items) {
				const missing = d.flags.some((f) => f.code === 'no_responsible');
				assert.equal(missing, d.items > 0 && !d.responsible_user_id, `${d.name}: ${JSON.stringify(d)}`);
			}
			assertError(await zj.get('/api/hall/departments'), 403);
			assertError(await new Client(srv.url).get('/api/hall/departments'), 401);
		});

		test('stationing modes: what acceptance looks like, contradictions refused or flagged', async () => {
			let zjAcc = await accOf('县住建局');
			assert.equal(zjAcc.stationing_mode, 'full');
			assert.equal(zjAcc.mode_label, '成建制进驻');
			assert.ok(zjAcc.stationed_items > 0);
			assert.equal(zjAcc.own_window_items, zjAcc.stationed_items, JSON.stringify(zjAcc));
			assert.deepEqual(zjAcc.flags.map((f) => f.code), []);
			// Acceptance by place: the hall window's and, for the item out of the hall, the department's own.
			assert.ok(zjAcc.accepted_at_hall >= 1 && zjAcc.accepted_by_department >= 1, JSON.stringify(zjAcc));
			const sthjAcc = await accOf('县生态环境分局');
			assert.equal(sthjAcc.stationing_mode, 'delegated');
			assert.equal(sthjAcc.own_window_items, 0);
			assert.equal(sthjAcc.comprehensive_items, sthjAcc.stationed_items);

			// 委托综合窗口受理 while its own window accepts its items: refused, nothing changed.
			const before = ok(await hall.get(`/api/departments/${zjDept.id}`));
			const r = await hall.put(`/api/departments/${zjDept.id}`, { stationing_mode: 'delegated' });
			assertError(r, 409, 'own_window_accepts');
			assert.match(r.json.error.message, /委托综合窗口受理/);
			assert.deepEqual(ok(await hall.get(`/api/departments/${zjDept.id}`)), before);

			// A delegated department's items only at comprehensive windows.
			const win = ok(await hall.post('/api/windows', { number: 'H01', name: '生态专窗', kind: 'dedicated', zone: 'H区', dept_id: sthjAcc.id }), 201);
			const sthjItem = ok(await person.get(`/api/guide/items?dept_id=${sthjAcc.id}&limit=5`)).items[0];
			assertError(await hall.put(`/api/windows/${win.id}/items`, { item_ids: [sthjItem.id] }), 422, 'delegated_department');
			assert.deepEqual(ok(await hall.get(`/api/windows/${win.id}/items`)).items, []);

			// Taking an item off 住建专窗 contradicts 成建制进驻: flagged.
			const zjWin = ok(await hall.get('/api/windows')).items.find((w) => w.name === '住建专窗');
			const ids = ok(await hall.get(`/api/windows/${zjWin.id}/items`)).items.map((i) => i.id);
			ok(await hall.put(`/api/windows/${zjWin.id}/items`, { item_ids: ids.slice(1) }));
			zjAcc = await accOf('县住建局');
			assert.deepEqual(zjAcc.flags.map((f) => f.code).sort(), ['full_not_own_window', 'uncarried_items']);
			assert.ok(zjAcc.flags.every((f) => CHINESE.test(f.text)));
		});
	});
}
