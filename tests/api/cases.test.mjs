// Cases (办件) over HTTP on every database in ONETRIP_DBS: online
// application with 一次性告知补正 and acceptance at the department's hall
// window (不得在大厅窗口之外受理), review and decision by the department,
// delivery; the comprehensive window and the back office;
// 即办件 closed at the window; 告知承诺 with a false 核查; 容缺受理 with a
// late supplement; permissions; refused requests change nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO, demoForm } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const STALE = '办件已被他人处理，请刷新后重试';
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday
const PW = 'Secret#2024';

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code);
	assert.match(r.json.error.message, CHINESE);
}

async function as(url, login) {
	const c = new Client(url);
	await c.login(login, DEMO.password);
	return c;
}

let uploadSeq = 0;
async function upload(c, tag = 'm') {
	uploadSeq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${uploadSeq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post(`/api/uploads?name=${encodeURIComponent(tag)}.pdf`, body,
		{ headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function findItem(c, name) {
	const r = await c.get(`/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
	assert.equal(r.status, 200, r.text);
	const it = r.json.items.find((i) => i.name === name);
	assert.ok(it, `item ${name} not in the guide: ${r.text}`);
	return it;
}

async function materialsFor(c, n, skip = []) {
	const out = [];
	for (let i = 0; i < n; i++) {
		if (skip.includes(i)) continue;
		out.push({ index: i, sha256: await upload(c, `m${i}`) });
	}
	return out;
}

async function act(c, cs, action, body = {}) {
	return c.post(`/api/cases/${cs.id}/actions/${action}`, { version: cs.version, ...body });
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

// A staff account asked for by the sysadmin and approved by the hall admin
// (staff accounts go through the hall's staff-change requests).
async function staffAccount(url, body) {
	const [admin, hall] = await Promise.all([as(url, DEMO.admin), as(url, DEMO.hall)]);
	const r = await admin.post('/api/users', body);
	assert.equal(r.status, 202, r.text);
	const d = await hall.post(`/api/staff-changes/${r.json.request.id}/approve`, {});
	assert.equal(d.status, 200, d.text);
	const c = new Client(url);
	await c.login(body.login, body.password);
	return c;
}

async function timeline(c, id) {
	const r = await c.get(`/api/cases/${id}/timeline`);
	assert.equal(r.status, 200, r.text);
	return r.json.items.map((e) => e.action);
}

for (const db of dbKinds()) {
	describe(`cases (${db})`, () => {
		let srv;
		let person, person2, enterprise, zj, zj2, zjc, scjgClerk, scjgSp, window01, admin;

		before(async () => {
			srv = await startServer({ db, now: NOW });
			[person, person2, enterprise, zj, zjc, scjgClerk, scjgSp, window01, admin] = await Promise.all([
				DEMO.person, DEMO.person2, DEMO.enterprise, DEMO.zj_sp, DEMO.zj_clerk, DEMO.scjg_clerk,
				DEMO.scjg_sp, DEMO.window01, DEMO.admin].map((l) => as(srv.url, l)));
			const depts = ok(await admin.get('/api/departments'));
			const zjDept = (Array.isArray(depts) ? depts : depts.items).find((d) => d.name === '县住建局');
			zj2 = await staffAccount(srv.url, {
				login: 'zj_sp2', name: '住建审批二', roles: ['approver'], dept_id: zjDept.id, password: PW,
			});
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('online: 补正, supplement, acceptance, review, decision, delivery', async () => {
			const item = await findItem(person, '建筑工程施工许可证核发');
			const detail = ok(await person.get(`/api/guide/items/${item.id}`));
			const nmat = (detail.elements || detail.item || detail).materials?.length ?? 5;
			assert.equal(nmat, 5);

			// A required material missing: 422 and nothing stored.
			const before = ok(await person.get('/api/cases?mine=1')).items.length;
			let r = await person.post('/api/cases', {
				item_id: item.id, form: { project: '白河县某小区 3 号楼' },
				materials: await materialsFor(person, 5, [4]),
			});
			assertError(r, 422, 'missing_required_material');
			assert.match(r.json.error.message, /^缺少必要材料：/);
			assert.equal(ok(await person.get('/api/cases?mine=1')).items.length, before);

			// Unknown item, a file that is not the applicant's, bad form.
			assertError(await person.post('/api/cases', { item_id: 999999, materials: [] }), 404);
			const foreign = await upload(person2, 'foreign');
			const mats = await materialsFor(person, 5);
			r = await person.post('/api/cases', {
				item_id: item.id, materials: [...mats.slice(0, 4), { index: 4, sha256: foreign }],
			});
			assertError(r, 422, 'material_not_owned');
			r = await person.post('/api/cases', { item_id: item.id, form: { a: { nested: 1 } }, materials: mats });
			assertError(r, 400);

			r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 3 号楼' }, materials: mats });
			let cs = ok(r, 201);
			assert.equal(cs.state, 'submitted');
			assert.equal(cs.state_label, '待受理');
			assert.equal(cs.channel, 'online');
			assert.equal(cs.version, 1);
			assert.equal(cs.trips, 0);
			assert.equal(cs.item_name, '建筑工程施工许可证核发');
			assert.equal(cs.applicant.idno_masked, '610929********001X');
			assert.equal(cs.materials.length, 5);
			assert.ok(cs.materials.every((m) => m.status === 'provided'));
			assert.match(cs.case_no, /^[0-9A-Z]{31}20260929\d{4}$/);
			assert.equal(cs.case_no.slice(-4), '0001');
			assert.equal(cs.form.project, '白河县某小区 3 号楼');

			// The next application of the item that day takes 0002.
			const mats2 = await materialsFor(person2, 5);
			const other = ok(await person2.post('/api/cases', { item_id: item.id, materials: mats2 }), 201);
			assert.equal(other.case_no.slice(0, 39), cs.case_no.slice(0, 39));
			assert.equal(other.case_no.slice(-4), '0002');

			// The item is stationed in the hall (县住建局 成建制进驻): its online
			// applications are received at the department's hall window, not
			// by its back office (不得在大厅窗口之外受理).
			r = await zj.get('/api/work/inbox?queue=accept');
			assert.equal(r.status, 200, r.text);
			assert.ok(!r.json.items.some((x) => x.id === cs.id), r.text);
			r = await zjc.get('/api/work/inbox?queue=accept');
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.items.some((x) => x.id === cs.id), r.text);
			assert.ok(!r.text.includes(DEMO.person), 'ID numbers are masked in lists');

			// 一次性告知补正.
			r = await zjc.post(`/api/cases/${cs.id}/supplement-request`, {
				items: [{ index: 2, problem: '图纸缺少设计单位盖章' }, { index: 3, problem: '合同未签字' }],
				note: '请一次性补齐', version: cs.version,
			});
			cs = ok(r);
			assert.equal(cs.state, 'supplement');
			assert.equal(cs.materials[2].status, 'flawed');
			assert.equal(cs.materials[2].problem, '图纸缺少设计单位盖章');
			assert.match(ok(await person.get(`/api/cases/${cs.id}`)).awaiting, /一次性补齐/);
			assert.equal(cs.warn_level, null, 'the clock has not started');

			// The applicant supplements in two goes; complete -> submitted.
			r = await person.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 2, sha256: await upload(person, 'fix2') }] });
			cs = ok(r);
			assert.equal(cs.state, 'supplement');
			assertError(await person.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 0, sha256: mats[0].sha256 }] }), 422);
			cs = ok(await person.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 3, sha256: await upload(person, 'fix3') }] }));
			assert.equal(cs.state, 'submitted');
			assert.equal(cs.awaiting, null);

			// Stale version, invalid action, wrong role: refused, nothing changes.
			const snapshot = ok(await zjc.get(`/api/cases/${cs.id}`));
			assertError(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version - 1 }), 409, 'stale_version');
			r = await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version - 1 });
			assert.equal(r.json.error.message, STALE);
			assertError(await act(zjc, cs, 'deliver'), 409, 'invalid_transition');
			assertError(await act(zjc, cs, 'fly'), 400, 'unknown_action');
			assertError(await act(person, cs, 'forward'), 409);
			assertError(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'rongque', missing: [1], supplement_due: '2026-09-30', version: cs.version }), 422, 'no_rongque');
			assertError(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'commitment', commitment_text: '承诺', version: cs.version }), 422, 'no_commitment');
			assertError(await person.post(`/api/cases/${cs.id}/accept`, { version: cs.version }), 403);
			assertError(await zj.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }), 403, 'hall_window_only');
			assert.deepEqual(ok(await zjc.get(`/api/cases/${cs.id}`)), snapshot, 'refused requests change nothing');

			cs = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			assert.equal(cs.state, 'accepted');
			assert.equal(cs.acceptance_mode, 'normal');
			assert.equal(cs.accepted_day, '2026-09-29');
			assert.equal(cs.budget_days, 3);
			assert.match(cs.due_day, /^2026-\d\d-\d\d$/);
			assert.equal(cs.warn_level, 'green');
			assert.ok(cs.available_actions.some((a) => a.code === 'forward'), JSON.stringify(cs.available_actions));

			cs = ok(await act(zjc, cs, 'forward'));
			assert.equal(cs.state, 'review');
			assertError(await act(zj, cs, 'deny'), 409);
			cs = ok(await act(zj, cs, 'pass', { reason: '材料齐全，符合条件' }));
			assert.equal(cs.state, 'decide');
			assertError(await act(zj, cs, 'deny'), 400); // a reason is required
			// 受审分离: who accepted the case does not decide it.
			assert.ok(!ok(await zjc.get(`/api/cases/${cs.id}`)).available_actions.some((a) => a.code === 'approve'));
			assertError(await act(zjc, cs, 'approve', { reason: '准予许可' }), 403);
			cs = ok(await act(zj2, cs, 'approve', { reason: '准予许可' }));
			assert.equal(cs.state, 'certify');
			assert.equal(cs.decision, 'approved');
			assertError(await zjc.post(`/api/cases/${cs.id}/deliver`, { method: 'post', version: cs.version }), 400);
			cs = ok(await zjc.post(`/api/cases/${cs.id}/deliver`, { method: 'post', tracking_no: 'SF1234567890', version: cs.version }));
			assert.equal(cs.state, 'done');
			assert.equal(cs.state_label, '已办结');
			assert.ok(cs.closed_at > 0);
			assert.equal(cs.trips, 0, 'an online case delivered by post needs no trip');
			assert.deepEqual(cs.available_actions.map((a) => a.code).filter((a) => a !== 'revoke'), []);

			assert.deepEqual(await timeline(person, cs.id), [
				'apply', 'request_supplement', 'supplement', 'supplement', 'resubmit', 'accept', 'forward',
				'pass', 'approve', 'deliver']);

			// Documents the steps produced (served by the documents module).
			r = await person.get(`/api/cases/${cs.id}/documents`);
			assert.equal(r.status, 200, r.text);
			const kinds = (Array.isArray(r.json) ? r.json : r.json.items).map((d) => d.kind).sort();
			assert.deepEqual(kinds, ['accept_notice', 'approval_decision', 'certificate', 'supplement_notice']);
		});

		test('comprehensive window accepts, the department decides, the window delivers', async () => {
			const depts = ok(await window01.get('/api/departments'));
			const list = Array.isArray(depts) ? depts : depts.items;
			const sthj = list.find((d) => d.name === '县生态环境分局');
			assert.ok(sthj, 'department 县生态环境分局');
			const sp = await staffAccount(srv.url, {
				login: 'sthj_sp', name: '生态审批', roles: ['approver'], dept_id: sthj.id, password: PW,
			});

			const items = ok(await window01.get(`/api/guide/items?dept_id=${sthj.id}&limit=50`)).items;
			const item = items.find((i) => i.case_kind === 2);
			assert.ok(item, 'a promised item of 县生态环境分局');
			const g = ok(await window01.get(`/api/guide/items/${item.id}`));
			const n = (g.elements || g.item || g).materials.length;

			const walk = { kind: 'person', idno: DEMO.person2, name: '李华', mobile: '13991500002' };
			let cs = ok(await window01.post('/api/cases/walkin', {
				item_id: item.id, applicant: walk, materials: await materialsFor(window01, n),
			}), 201);
			assert.equal(cs.channel, 'window');
			assert.equal(cs.trips, 1, 'the walk-in is a trip');
			assert.equal(cs.dept_id, sthj.id);

			// The applicant sees it in their own list (same ID number).
			assert.ok(ok(await person2.get('/api/cases?mine=1')).items.some((x) => x.id === cs.id));

			cs = ok(await window01.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			cs = ok(await act(window01, cs, 'forward'));
			assert.equal(cs.state, 'review');
			// Review belongs to the department; the window may not pass it.
			assertError(await act(window01, cs, 'pass'), 403, 'action_forbidden');
			// Another department's approver may not touch it.
			r403(await act(zj, cs, 'pass'));
			assertError(await zj.get(`/api/cases/${cs.id}`), 403);
			let r = await sp.get('/api/work/inbox?queue=review');
			assert.ok(r.json.items.some((x) => x.id === cs.id), r.text);
			cs = ok(await act(sp, cs, 'pass'));
			cs = ok(await act(sp, cs, 'approve'));
			assert.equal(cs.state, 'certify');
			assertError(await sp.post(`/api/cases/${cs.id}/deliver`, { method: 'window', version: cs.version }), 403);
			r = await window01.get('/api/work/inbox?queue=deliver');
			assert.ok(r.json.items.some((x) => x.id === cs.id), r.text);
			cs = ok(await window01.post(`/api/cases/${cs.id}/deliver`, { method: 'window', version: cs.version }));
			assert.equal(cs.state, 'done');
			// The applicant is still at the hall: picking the result up during
			// the same day's visit is not a second trip (最多跑一次).
			assert.equal(cs.trips, 1, 'pick-up during the same visit is not another trip');
			cs = ok(await window01.post(`/api/cases/${cs.id}/trips`, { purpose: '咨询后续事项' }), 201);
			assert.equal(cs.trips, 2, 'a visit the clerk records explicitly counts');

			// Staff look-up by number and ID number (masked).
			r = await window01.get(`/api/cases/lookup?no=${cs.case_no}`);
			assert.equal(r.json.items.length, 1, r.text);
			r = await window01.get(`/api/cases/lookup?idno=${DEMO.person2}`);
			assert.ok(r.json.items.some((x) => x.id === cs.id), r.text);
			assert.ok(!r.text.includes(DEMO.person2));
			r = await zj.get(`/api/cases/lookup?no=${cs.case_no}`);
			assert.equal(r.json.items.length, 0, 'not visible to another department');
		});

		function r403(r) {
			assertError(r, 403, 'other_department');
			assert.equal(r.json.error.message, '无权处理其他部门的办件');
		}

		test('delivery only by a method the item offers', async () => {
			// 建设项目环境影响登记表备案 offers window pickup and download, not post.
			const item = await findItem(person, '建设项目环境影响登记表备案');
			const g = ok(await person.get(`/api/guide/items/${item.id}`));
			assert.deepEqual(g.elements.delivery, ['window', 'download']);
			let cs = ok(await person.post('/api/cases', {
				item_id: item.id, form: {}, materials: await materialsFor(person, g.elements.materials.length),
			}), 201);
			cs = ok(await window01.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			cs = ok(await act(window01, cs, 'approve', { reason: '准予备案' }));
			const r = await window01.post(`/api/cases/${cs.id}/deliver`, {
				method: 'post', tracking_no: 'SF1234567890', version: cs.version,
			});
			assertError(r, 400, 'method_not_offered');
			assert.match(r.json.error.message, /窗口领取、网上下载/);
			const still = ok(await window01.get(`/api/cases/${cs.id}`));
			assert.equal(still.version, cs.version, 'a refused delivery changes nothing');
			assert.equal(still.state, cs.state);
			cs = ok(await window01.post(`/api/cases/${cs.id}/deliver`, { method: 'download', version: cs.version }));
			assert.equal(cs.state, 'done');
		});

		test('every step answers the case as it is stored', async () => {
			// The answers are built from the rows each step wrote; what a
			// later read of the case shows must be the same.
			const item = await findItem(person, '建设项目环境影响登记表备案');
			const g = ok(await person.get(`/api/guide/items/${item.id}`));
			let cs = ok(await person.post('/api/cases', {
				item_id: item.id, form: {}, materials: await materialsFor(person, g.elements.materials.length),
			}), 201);
			assert.deepEqual(ok(await person.get(`/api/cases/${cs.id}`)), cs, 'online application');
			for (const [action, body] of [['accept', { mode: 'normal' }], ['approve', { reason: '准予备案' }]]) {
				cs = ok(await act(window01, cs, action, body));
				assert.deepEqual(ok(await window01.get(`/api/cases/${cs.id}`)), cs, action);
			}
			cs = ok(await window01.post(`/api/cases/${cs.id}/deliver`, { method: 'window', version: cs.version }));
			assert.deepEqual(ok(await window01.get(`/api/cases/${cs.id}`)), cs, 'deliver');
			assert.equal(cs.state, 'done');

			const walkin = ok(await scjgClerk.post('/api/cases/walkin', {
				item_id: (await findItem(scjgClerk, '个体工商户设立登记')).id,
				applicant: { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' },
				// the 申请书 and the premises given, the ID card from the
				// 电子证照库, the optional power of attorney not
				materials: await materialsFor(scjgClerk, 3, [1]),
			}), 201);
			assert.deepEqual(walkin.materials.map((m) => [m.status, m.reused_from, !!m.sha256]), [
				['provided', null, true], ['provided', 'licence_lib', false],
				['provided', null, true], ['missing', null, false]]);
			assert.deepEqual(ok(await scjgClerk.get(`/api/cases/${walkin.id}`)), walkin, 'walk-in registration');
		});

		test('即办件: accepted, approved and delivered at the window the same day', async () => {
			const item = await findItem(scjgClerk, '个体工商户设立登记');
			assert.equal(item.case_kind, 1);
			// Not at this window: refused.
			const zjItem = await findItem(scjgClerk, '建筑工程施工许可证核发');
			assertError(await scjgClerk.post('/api/cases/walkin', {
				item_id: zjItem.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明' }, materials: [],
			}), 403, 'item_not_at_window');
			assertError(await window01.post('/api/cases/walkin', {
				item_id: item.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明' }, materials: [],
			}), 403, 'item_not_at_window');
			assertError(await scjgClerk.post('/api/cases/walkin', {
				item_id: item.id, applicant: { kind: 'person', idno: '610929199001010000', name: '张明' }, materials: [],
			}), 400);

			let cs = ok(await scjgClerk.post('/api/cases/walkin', {
				item_id: item.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' },
				materials: await materialsFor(scjgClerk, 3),
			}), 201);
			cs = ok(await scjgClerk.post(`/api/cases/${cs.id}/accept`, {
				mode: 'normal', approve: true, deliver_method: 'window', version: cs.version,
			}));
			assert.equal(cs.state, 'done');
			assert.equal(cs.decision, 'approved');
			assert.equal(cs.accepted_day, '2026-09-29');
			assert.equal(cs.trips, 1, 'a 即办件 registered and handed out at once is one trip');
			assert.equal(cs.budget_days, 0);
			assert.deepEqual(await timeline(scjgClerk, cs.id), ['register', 'accept', 'approve', 'deliver']);

			// A promised item cannot be closed at once.
			const food = await findItem(scjgClerk, '食品小作坊登记');
			const n = ok(await scjgClerk.get(`/api/guide/items/${food.id}`));
			let c2 = ok(await scjgClerk.post('/api/cases/walkin', {
				item_id: food.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明' },
				materials: await materialsFor(scjgClerk, (n.elements || n.item || n).materials.length),
			}), 201);
			assertError(await scjgClerk.post(`/api/cases/${c2.id}/accept`, { approve: true, version: c2.version }), 422, 'not_instant');
			c2 = ok(await scjgClerk.get(`/api/cases/${c2.id}`));
			assert.equal(c2.state, 'submitted');
		});

		test('告知承诺: a check task after approval, a false check revokes', async () => {
			const item = await findItem(enterprise, '食品经营许可（变更）');
			let cs = ok(await enterprise.post('/api/cases', {
				item_id: item.id, materials: await materialsFor(enterprise, 3),
			}), 201);
			assertError(await scjgClerk.post(`/api/cases/${cs.id}/accept`, { mode: 'commitment', version: cs.version }), 400);
			cs = ok(await scjgClerk.post(`/api/cases/${cs.id}/accept`, {
				mode: 'commitment', commitment_text: '本企业承诺经营场所符合食品安全要求，如有虚假愿承担法律责任。',
				version: cs.version,
			}));
			assert.equal(cs.acceptance_mode, 'commitment');
			assert.equal(cs.window_id, scjgClerk.user.window_id);
			cs = ok(await act(scjgClerk, cs, 'forward'));
			cs = ok(await act(scjgSp, cs, 'pass'));
			cs = ok(await act(scjgSp, cs, 'approve'));
			assert.equal(cs.check_status, 'pending');
			let r = await scjgSp.get('/api/commitment-checks');
			assert.equal(r.status, 200, r.text);
			const check = r.json.items.find((k) => k.case_id === cs.id);
			assert.ok(check, r.text);
			assert.match(check.due_day, /^2026-\d\d-\d\d$/);
			assertError(await zj.post(`/api/commitment-checks/${check.id}/result`, { status: 'false', result: 'x' }), 403);
			assertError(await scjgSp.post(`/api/commitment-checks/${check.id}/result`, { status: 'false' }), 400);
			cs = ok(await scjgSp.post(`/api/commitment-checks/${check.id}/result`, {
				status: 'false', result: '现场核查发现经营场所与承诺不符',
			}));
			assert.equal(cs.state, 'revoked');
			assert.equal(cs.check_status, 'false');
			assert.ok(cs.closed_at > 0);
			assertError(await scjgSp.post(`/api/commitment-checks/${check.id}/result`, { status: 'passed' }), 409);
			const tl = await timeline(enterprise, cs.id);
			assert.deepEqual(tl.slice(-2), ['check_false', 'revoke']);
		});

		test('special procedures stop the clock; extensions need the department admin', async () => {
			const item = await findItem(person, '建筑工程施工许可证核发');
			let cs = ok(await person.post('/api/cases', { item_id: item.id, materials: await materialsFor(person, 5) }), 201);
			cs = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			cs = ok(await act(zjc, cs, 'forward'));
			assertError(await zj.post(`/api/cases/${cs.id}/special`, { kind: 'party', reason: 'x', version: cs.version }), 400);
			cs = ok(await zj.post(`/api/cases/${cs.id}/special`, { kind: 'site', reason: '现场踏勘', version: cs.version }));
			assert.equal(cs.state, 'suspended');
			assert.equal(cs.warn_level, 'paused');
			cs = ok(await zj.post(`/api/cases/${cs.id}/special/end`, { result: '踏勘合格', version: cs.version }));
			assert.equal(cs.state, 'review');
			assert.notEqual(cs.warn_level, 'paused');

			let r = await zj.post(`/api/cases/${cs.id}/extensions`, { days: 5, reason: '需补充技术审查', basis: '《建筑工程施工许可管理办法》第五条' });
			assert.equal(r.status, 201, r.text);
			const ext = r.json;
			assertError(await zj.post(`/api/cases/${cs.id}/extensions`, { days: 5, reason: '再次', basis: '《建筑工程施工许可管理办法》第五条' }), 409);
			assertError(await zj.post(`/api/extensions/${ext.id}/approve`, {}), 403);
			const zjAdmin = await as(srv.url, DEMO.zj_admin);
			r = await zjAdmin.post(`/api/extensions/${ext.id}/approve`, {});
			assert.equal(r.status, 200, r.text);
			const after2 = ok(await zj.get(`/api/cases/${cs.id}`));
			assert.equal(after2.extension_days, 5);
			assert.ok(after2.due_day > cs.due_day, `${after2.due_day} > ${cs.due_day}`);

			// request_more: post-acceptance 补正 stops the clock, the
			// applicant's supplement resumes it.
			cs = after2;
			cs = ok(await act(zj, cs, 'request_more', { reason: '请补充说明', items: [{ index: 1, problem: '需补充' }] }));
			assert.equal(cs.state, 'suspended');
			assert.equal(cs.warn_level, 'paused');
			cs = ok(await person.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 1, sha256: await upload(person, 'more') }] }));
			assert.equal(cs.state, 'review');

			// The inbox pages by keyset, most urgent first, without repeats.
			const seen = [];
			let cursor = '';
			for (let i = 0; i < 20; i++) {
				r = await zj.get(`/api/work/inbox?queue=all&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
				assert.equal(r.status, 200, r.text);
				seen.push(...r.json.items);
				if (!r.json.next_cursor) break;
				cursor = r.json.next_cursor;
			}
			assert.ok(seen.some((x) => x.id === cs.id));
			assert.equal(new Set(seen.map((x) => x.id)).size, seen.length);
			const rankOf = (x) => ({ red: 0, yellow: 1, green: 2, paused: 3 }[x.warn_level] ?? 4);
			for (let i = 1; i < seen.length; i++) assert.ok(rankOf(seen[i - 1]) <= rankOf(seen[i]), JSON.stringify(seen));
			assertError(await zj.get('/api/work/inbox?queue=nope'), 400);
			assertError(await zj.get('/api/work/inbox?cursor=bad'), 400);
		});

		test('the comprehensive window pages through online applications for the items it accepts', async () => {
			const item = await findItem(person, '建设项目环境影响登记表备案');
			const g = ok(await person.get(`/api/guide/items/${item.id}`));
			const mine = [];
			for (let i = 0; i < 3; i++) {
				mine.push(ok(await person.post('/api/cases', {
					item_id: item.id, form: {}, materials: await materialsFor(person, g.elements.materials.length),
				}), 201).id);
			}
			const seen = [];
			let cursor = '';
			for (let i = 0; i < 50; i++) {
				const r = await window01.get(`/api/work/inbox?queue=accept&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
				assert.equal(r.status, 200, r.text);
				assert.ok(r.json.items.length <= 1);
				seen.push(...r.json.items);
				if (!r.json.next_cursor) break;
				cursor = r.json.next_cursor;
			}
			const ids = seen.map((x) => x.id);
			assert.equal(new Set(ids).size, ids.length, 'no case twice');
			for (const id of mine) assert.ok(ids.includes(id), `case ${id} in the window's 受理 queue`);
			// Same urgency, newest last: the three appear in the order they came.
			const pos = mine.map((id) => ids.indexOf(id));
			assert.deepEqual([...pos].sort((x, y) => x - y), pos);
			// Narrowed to the item, and not at a window that does not accept it.
			const only = ok(await window01.get(`/api/work/inbox?queue=accept&item_id=${item.id}&limit=50`));
			assert.ok(only.items.every((x) => x.item_id === item.id));
			for (const id of mine) assert.ok(only.items.some((x) => x.id === id));
			const other = ok(await scjgClerk.get('/api/work/inbox?queue=accept&limit=50'));
			assert.ok(!other.items.some((x) => mine.includes(x.id)));
		});

		test('applicants see only their own cases', async () => {
			const item = await findItem(person, '个体工商户变更登记');
			const cs = ok(await person.post('/api/cases', { item_id: item.id, materials: await materialsFor(person, 3) }), 201);
			assertError(await person2.get(`/api/cases/${cs.id}`), 404);
			assertError(await person2.get(`/api/cases/${cs.id}/timeline`), 404);
			assertError(await person2.post(`/api/cases/${cs.id}/supplement`, { materials: [] }), 404);
			assertError(await person2.post(`/api/cases/${cs.id}/actions/withdraw`, { version: cs.version }), 404);
			assertError(await person.get('/api/cases/999999'), 404);
			const mine = ok(await person2.get('/api/cases?mine=1'));
			assert.ok(mine.items.every((x) => x.applicant.idno_masked === '610929********0025'), JSON.stringify(mine));
			assertError(await person.get('/api/work/inbox'), 403);
			assertError(await person.get(`/api/cases/lookup?no=${cs.case_no}`), 403);
			// The applicant withdraws their own case.
			const w = ok(await act(person, cs, 'withdraw'));
			assert.equal(w.state, 'withdrawn');

			// Paging of the own list: keyset, newest first, no repeats.
			const p1 = ok(await person.get('/api/cases?mine=1&limit=2'));
			assert.equal(p1.items.length, 2);
			assert.ok(p1.next_cursor);
			const p2 = ok(await person.get(`/api/cases?mine=1&limit=2&cursor=${encodeURIComponent(p1.next_cursor)}`));
			assert.ok(p2.items[0].id < p1.items[1].id);
			assertError(await person.get('/api/cases?mine=1&cursor=zz'), 400);
		});
	});

	describe(`cases 容缺受理 (${db})`, () => {
		let srv, started;

		before(async () => {
			// Ten seconds before midnight, so that the promised supplement
			// day can pass during the test.
			srv = await startServer({ db, now: '2026-09-29T23:59:50+08:00' });
			started = Date.now();
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('容缺: accepted with a missing material, supplemented late -> flagged', async () => {
			const ent = await as(srv.url, DEMO.enterprise);
			const clerk = await as(srv.url, DEMO.scjg_clerk);
			const item = await findItem(ent, '食品经营许可（新办）');
			// materials: 0-3 required, 4 容缺可后补, 5 optional
			let cs = ok(await ent.post('/api/cases', {
				item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 4),
			}), 201);
			assert.equal(cs.materials[4].status, 'missing');
			assertError(await clerk.post(`/api/cases/${cs.id}/accept`, { version: cs.version }), 422, 'missing_required_material');
			assertError(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'rongque', missing: [3], supplement_due: '2026-09-29', version: cs.version }), 422);
			assertError(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'rongque', missing: [4], supplement_due: '2027-01-31', version: cs.version }), 422, 'bad_supplement_due');
			assertError(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'rongque', missing: [4], version: cs.version }), 400);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, {
				mode: 'rongque', missing: [4], supplement_due: '2026-09-29', version: cs.version,
			}));
			assert.ok(Date.now() - started < 9000, 'steps ran before midnight');
			assert.equal(cs.acceptance_mode, 'rongque');
			assert.equal(cs.materials[4].status, 'rongque');
			assert.match(cs.awaiting, /请于 2026-09-29 前补交容缺材料/);
			assert.equal(cs.flagged, false);
			// Wait until the hall's day has changed.
			const wait = 11000 - (Date.now() - started);
			if (wait > 0) await new Promise((r) => setTimeout(r, wait));
			cs = ok(await ent.post(`/api/cases/${cs.id}/supplement`, {
				materials: [{ index: 4, sha256: await upload(ent, 'late') }],
			}));
			assert.equal(cs.materials[4].status, 'provided');
			assert.equal(cs.flagged, true, 'late 容缺 supplement is flagged');
			assert.equal(cs.state, 'accepted');
		});
	});
}
