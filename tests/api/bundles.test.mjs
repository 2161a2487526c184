// 一件事 bundles over HTTP, on every database in ONETRIP_DBS: the guide with
// the combined material list and the submissions it saves; 开办餐饮店 for
// an enterprise (one application, bad input refused with nothing stored, one
// acceptance, children in parallel, the tobacco licence held back by its
// dependency, the last two children decided at the same moment in two
// departments completing the bundle exactly once, one delivery, every
// result with the applicant); 新生儿出生 for a person with its children
// approved in another order; a denied child ending the bundle with the
// results that stand; an overdue child shown on the bundle.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath, rawRequest } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-14T10:00:00+08:00';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

let seq = 0;
async function upload(c, tag) {
	seq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${seq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post(`/api/uploads?name=${encodeURIComponent(tag)}.pdf`, body,
		{ headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function allMaterials(c, mats, skip = () => false) {
	const out = [];
	for (const m of mats) {
		if (skip(m)) continue;
		out.push({ index: m.index, sha256: await upload(c, `b${m.index}`) });
	}
	return out;
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

async function decide(c, caseId, approve, reason = '符合条件') {
	let cs = ok(await c.get(`/api/cases/${caseId}`));
	if (cs.state === 'review') {
		cs = ok(await c.post(`/api/cases/${caseId}/actions/pass`, { version: cs.version, reason: '审查通过' }));
	}
	return c.post(`/api/cases/${caseId}/actions/${approve ? 'approve' : 'deny'}`,
		{ version: cs.version, reason });
}

async function pass(c, caseId) {
	const cs = ok(await c.get(`/api/cases/${caseId}`));
	return ok(await c.post(`/api/cases/${caseId}/actions/pass`, { version: cs.version, reason: '审查通过' }));
}

function child(b, key) {
	const ch = b.children.find((x) => x.key === key);
	assert.ok(ch, `child ${key}: ${JSON.stringify(b.children)}`);
	return ch;
}

for (const db of dbKinds()) {
	describe(`一件事 (${db})`, () => {
		let srv, hall, win, ent, person, anon;
		const staff = {};
		let restaurant, newborn, dining;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			anon = new Client(srv.url);
			hall = new Client(srv.url);
			win = new Client(srv.url);
			ent = new Client(srv.url);
			person = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			await win.login(DEMO.window01, DEMO.password);
			await ent.login(DEMO.enterprise, DEMO.password);
			await person.login(DEMO.person, DEMO.password);
			for (const login of ['scjg_sp', 'zj_sp', 'cg_sp', 'xf_sp', 'yc_sp', 'wj_sp', 'ga_sp', 'rs_sp', 'yb_sp']) {
				staff[login] = new Client(srv.url);
				await staff[login].login(login, DEMO.password);
			}
		});
		after(async () => { await srv?.stop(); });

		test('the guide lists the published bundles by life event with one material list and one limit', async () => {
			const g = ok(await anon.get('/api/guide/bundles'));
			const all = g.groups.flatMap((x) => x.bundles);
			assert.equal(all.length, 10);
			assert.deepEqual(g.groups.map((x) => x.label), ['个人一件事', '企业一件事']);
			for (const name of ['开办餐饮店', '新生儿出生', '开办运输企业', '企业信息变更', '员工录用',
				'经营主体注销登记', '退休', '残疾人服务', '水电气网联合报装', '一业一证：开办便利店']) {
				assert.ok(all.find((b) => b.name === name), name);
			}
			const r = all.find((b) => b.name === '开办餐饮店');
			restaurant = ok(await anon.get(`/api/guide/bundles/${r.id}`));
			assert.equal(restaurant.limit_days, 12);
			assert.ok(restaurant.limit_days < restaurant.sum_days);
			assert.ok(restaurant.limit_days <= restaurant.longest_path);
			assert.ok(restaurant.saved > 0, 'the merged list saves submissions');
			const licence = restaurant.materials.find((m) => m.name === '营业执照');
			assert.ok(licence.items.length >= 2, JSON.stringify(licence));
			assert.equal(restaurant.questions[0].key, 'tobacco');
			newborn = ok(await anon.get(`/api/guide/bundles/${all.find((b) => b.name === '新生儿出生').id}`));
			const one = all.find((b) => b.name === '一业一证：开办便利店');
			const yy = ok(await anon.get(`/api/guide/bundles/${one.id}`));
			assert.equal(yy.certificate.name, '行业综合许可证');
			assertError(await anon.get('/api/guide/bundles/99999'), 404);
		});

		test('开办餐饮店: one application, one acceptance, parallel children, a dependency, exactly-once completion, one delivery', async () => {
			const form = { shop_name: '秦岭小馆', address: '白河县城关镇滨江路 8 号', legal_rep: '王大山', area: '120' };
			// bad input: a missing shared field, a missing material, a person for an enterprise bundle
			const before = ok(await ent.get('/api/bundle-cases/mine')).items.length;
			assertError(await ent.post(`/api/bundles/${restaurant.id}/apply`,
				{ answers: { tobacco: true }, form: { ...form, shop_name: '' }, materials: [] }), 400, 'form.shop_name');
			assertError(await ent.post(`/api/bundles/${restaurant.id}/apply`,
				{ answers: { tobacco: true }, form, materials: [] }), 422, 'materials');
			assertError(await ent.post(`/api/bundles/${restaurant.id}/apply`,
				{ answers: { tobacco: 'yes' }, form, materials: [] }), 400, 'answers');
			assertError(await person.post(`/api/bundles/${restaurant.id}/apply`,
				{ answers: {}, form, materials: [] }), 422);
			assert.equal(ok(await ent.get('/api/bundle-cases/mine')).items.length, before);

			const g = ok(await ent.get(`/api/guide/bundles/${restaurant.id}`));
			const mats = await allMaterials(ent, g.materials, (m) => m.necessity === 'optional');
			let b = ok(await ent.post(`/api/bundles/${restaurant.id}/apply`,
				{ answers: { tobacco: true }, form, materials: mats }), 201);
			assert.equal(b.state, 'submitted');
			assert.match(b.bundle_no, /^YJS\d{12}$/);
			assert.ok(b.saved > 0);
			assert.equal(child(b, 'E').state, 'waiting');
			// only the window accepts; once
			assertError(await ent.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }), 403);
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
			assert.equal(b.state, 'running');
			assert.match(b.notice_no, /^白审一件事受字〔2026〕第\d{4}号$/);
			assert.equal(b.notice.kind, 'bundle_accept_notice');
			assert.equal(b.notice.doc_no, b.notice_no);
			dining = b;
			assertError(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }), 409);
			for (const k of ['A', 'B', 'C', 'D']) {
				assert.equal(child(b, k).state, 'created');
				assert.equal(child(b, k).case.state, 'review');
				assert.ok(child(b, k).case.budget_days >= 1);
			}
			// the tobacco licence waits for the food licence
			assert.equal(child(b, 'E').state, 'waiting');
			assert.deepEqual(child(b, 'E').waits_for.map((w) => w.key), ['A']);
			assert.equal(b.clock.limit_days, 12);
			// the shared field is mapped into the item's form
			const caseA = ok(await ent.get(`/api/cases/${child(b, 'A').case.id}`));
			assert.equal(caseA.form['经营者名称'], '秦岭小馆');
			assert.equal(caseA.bundle_id ?? b.id, b.id);

			// departments decide in parallel, in any order
			ok(await decide(staff.zj_sp, child(b, 'D').case.id, true));
			ok(await decide(staff.cg_sp, child(b, 'B').case.id, true));
			b = ok(await ent.get(`/api/bundle-cases/${b.id}`));
			assert.equal(child(b, 'E').state, 'waiting');
			ok(await decide(staff.scjg_sp, child(b, 'A').case.id, true));
			b = ok(await ent.get(`/api/bundle-cases/${b.id}`));
			assert.equal(child(b, 'E').state, 'created', 'the dependency released the tobacco licence');
			assert.equal(b.state, 'running');

			// the last two decided at the same moment by two departments
			await pass(staff.xf_sp, child(b, 'C').case.id);
			await pass(staff.yc_sp, child(b, 'E').case.id);
			const cC = ok(await staff.xf_sp.get(`/api/cases/${child(b, 'C').case.id}`));
			const cE = ok(await staff.yc_sp.get(`/api/cases/${child(b, 'E').case.id}`));
			const [r1, r2] = await Promise.all([
				staff.xf_sp.post(`/api/cases/${cC.id}/actions/approve`, { version: cC.version, reason: '检查合格' }),
				staff.yc_sp.post(`/api/cases/${cE.id}/actions/approve`, { version: cE.version, reason: '符合条件' }),
			]);
			ok(r1);
			ok(r2);
			b = ok(await ent.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.state, 'completed');
			assert.equal(b.events.filter((e) => e.action === 'complete').length, 1, 'completed exactly once');

			// one delivery of every result
			const tally = async () => ok(await hall.get('/api/indicators/cases')).materials;
			const t0 = await tally();
			assertError(await ent.post(`/api/bundle-cases/${b.id}/deliver`, { version: b.version }), 403);
			b = ok(await win.post(`/api/bundle-cases/${b.id}/deliver`, { method: 'window', version: b.version }));
			assert.equal(b.state, 'delivered');
			// the scoreboard counts every closed case of the bundle, and
			// the bundle once
			const t1 = await tally();
			assert.equal(t1.bundle_cases - t0.bundle_cases, b.children.length);
			assert.equal(t1.bundles - t0.bundles, 1);
			assert.equal(b.trips, 1);
			for (const ch of b.children) {
				assert.equal(ch.case.state, 'done', ch.key);
				const docs = ok(await ent.get(`/api/cases/${ch.case.id}/documents`));
				const list = docs.items ?? docs.documents ?? docs;
				assert.ok(list.some((d) => d.kind === 'approval_decision'), `${ch.key}: ${JSON.stringify(docs)}`);
			}
			// staff of another department see nothing of it
			assertError(await staff.wj_sp.get(`/api/bundle-cases/${b.id}`), 403);
			assertError(await person.get(`/api/bundle-cases/${b.id}`), 404);
		});

		test('the one 受理通知书 is a document sealed by the accepting window\'s department', async () => {
			const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', NOW]);
			assert.equal(r.code, 0, r.err);
			const b = ok(await ent.get(`/api/bundle-cases/${dining.id}`));
			assert.equal(b.notice.status, 'ready', JSON.stringify(b.notice));
			assert.equal(b.notice.kind_label, '一件事受理通知书');
			const pdf = await fetch(`${srv.url}/api/documents/${b.notice.id}/pdf`,
				{ headers: { Authorization: `Bearer ${ent.token}` } });
			assert.equal(pdf.status, 200);
			assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
			// the window that accepted it reads it too; another applicant does not
			assert.equal((await fetch(`${srv.url}/api/documents/${b.notice.id}/pdf`,
				{ headers: { Authorization: `Bearer ${win.token}` } })).status, 200);
			assert.equal((await fetch(`${srv.url}/api/documents/${b.notice.id}/pdf`,
				{ headers: { Authorization: `Bearer ${person.token}` } })).status, 404);
			const v = await rawRequest(`${srv.url}/api/verify/${b.notice.verify_code}`);
			assert.equal(v.status, 200, v.text);
			assert.equal(v.json.valid, true);
			assert.equal(v.json.signature_valid, true);
			assert.equal(v.json.doc_no, b.notice_no);
			assert.equal(v.json.kind_label, '一件事受理通知书');
			assert.match(v.json.dept_name, /行政审批服务局/);
		});

		test('容缺 once for the whole bundle; the bundle clock stops while the applicant supplements', async () => {
			const g = ok(await ent.get(`/api/guide/bundles/${restaurant.id}`));
			const rq = g.materials.find((m) => m.necessity === 'rongque');
			assert.ok(rq, 'the restaurant bundle has a 容缺 material');
			const form = { shop_name: '白河小厨', address: '白河县城关镇', legal_rep: '钱二' };
			const mats = await allMaterials(ent, g.materials, (m) => m.necessity === 'optional' || m === rq);
			let b = ok(await ent.post(`/api/bundles/${restaurant.id}/apply`, { answers: {}, form, materials: mats }), 201);
			// bad 容缺 input changes nothing
			assertError(await win.post(`/api/bundle-cases/${b.id}/accept`,
				{ version: b.version, mode: 'rongque', missing: [0], supplement_due: '2026-09-18' }), 422, 'missing[0]');
			assertError(await win.post(`/api/bundle-cases/${b.id}/accept`,
				{ version: b.version, mode: 'rongque', missing: [rq.index], supplement_due: '2027-01-01' }), 422, 'supplement_due');
			assert.equal(ok(await ent.get(`/api/bundle-cases/${b.id}`)).state, 'submitted');
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`,
				{ version: b.version, mode: 'rongque', missing: [rq.index], supplement_due: '2026-09-18' }));
			assert.equal(b.state, 'running');
			assert.equal(b.acceptance_mode, 'rongque');
			assert.equal(b.materials.find((m) => m.index === rq.index).status, 'rongque');
			assert.equal(b.notice.kind, 'bundle_accept_notice');
			// the applicant hands the 容缺 material in once, for every child needing it
			b = ok(await ent.post(`/api/bundle-cases/${b.id}/supplement`,
				{ version: b.version, materials: [{ index: rq.index, sha256: await upload(ent, 'rq') }] }));
			assert.equal(b.materials.find((m) => m.index === rq.index).status, 'provided');
			assert.equal(b.clock.paused, false);

			// a department asks for a 补正 during review: the bundle's clock stops
			const caseA = child(b, 'A').case;
			let cs = ok(await staff.scjg_sp.get(`/api/cases/${caseA.id}`));
			assertError(await staff.scjg_sp.post(`/api/cases/${caseA.id}/actions/request_more`,
				{ version: cs.version, reason: '' }), 400);
			cs = ok(await staff.scjg_sp.post(`/api/cases/${caseA.id}/actions/request_more`,
				{ version: cs.version, reason: '布局图不清晰', items: [{ index: 3, problem: '布局图不清晰，请重新提交' }] }));
			b = ok(await ent.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.clock.paused, true, JSON.stringify(b.clock));
			assert.equal(b.clock.warn_level, 'paused');
			const before = b.clock.remaining;
			// the applicant supplements: the clock runs again
			cs = ok(await ent.get(`/api/cases/${caseA.id}`));
			ok(await ent.post(`/api/cases/${caseA.id}/supplement`,
				{ version: cs.version, materials: [{ index: 3, sha256: await upload(ent, 'layout') }] }));
			b = ok(await ent.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.clock.paused, false, JSON.stringify(b.clock));
			assert.ok(b.clock.remaining >= before, JSON.stringify(b.clock));
			assert.equal(child(b, 'A').case.state, 'review');
		});

		test('新生儿出生: children approved in another order by other departments', async () => {
			const form = { baby_name: '张小禾', birth_date: '2026-09-10', hospital: '白河县医院', guardian: '张明' };
			const mats = await allMaterials(person, newborn.materials, (m) => m.necessity === 'optional');
			let b = ok(await person.post(`/api/bundles/${newborn.id}/apply`, { answers: {}, form, materials: mats }), 201);
			assert.equal(child(b, 'E').state, 'skipped');
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
			assert.equal(child(b, 'A').state, 'created');
			assert.equal(child(b, 'B').state, 'waiting');
			ok(await decide(staff.wj_sp, child(b, 'A').case.id, true));
			b = ok(await person.get(`/api/bundle-cases/${b.id}`));
			ok(await decide(staff.ga_sp, child(b, 'B').case.id, true));
			b = ok(await person.get(`/api/bundle-cases/${b.id}`));
			assert.equal(child(b, 'C').state, 'created');
			assert.equal(child(b, 'D').state, 'created');
			ok(await decide(staff.yb_sp, child(b, 'D').case.id, true));
			b = ok(await person.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.state, 'running');
			ok(await decide(staff.rs_sp, child(b, 'C').case.id, true));
			b = ok(await person.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.state, 'completed');
			b = ok(await win.post(`/api/bundle-cases/${b.id}/deliver`, { method: 'download', version: b.version }));
			assert.equal(b.state, 'delivered');
		});

		test('a denied child ends the bundle with its reason and the results that stand', async () => {
			const form = { baby_name: '李小安', birth_date: '2026-09-11', hospital: '白河县医院', guardian: '张明' };
			const mats = await allMaterials(person, newborn.materials, (m) => m.necessity === 'optional');
			let b = ok(await person.post(`/api/bundles/${newborn.id}/apply`,
				{ answers: { reimburse: true }, form, materials: mats }), 201);
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
			assert.equal(child(b, 'E').state, 'created');
			ok(await decide(staff.yb_sp, child(b, 'E').case.id, true));
			ok(await decide(staff.wj_sp, child(b, 'A').case.id, false, '出生医学证明信息与医院记录不符'));
			b = ok(await person.get(`/api/bundle-cases/${b.id}`));
			assert.equal(b.state, 'ended');
			assert.match(b.outcome_reason, /不予许可.*出生医学证明信息与医院记录不符/);
			const end = b.events.find((e) => e.action === 'end');
			assert.match(end.data.results_stand, /生育保险待遇核准支付/);
			assert.equal(child(b, 'B').state, 'waiting', 'a child waiting on the denied one is never started');
			const n = ok(await person.get('/api/notifications'));
			const items = n.items ?? n;
			assert.ok(items.some((x) => x.title === '一件事未能全部办结'), JSON.stringify(n).slice(0, 500));
		});

		test('a 补正 once for the whole bundle, then an overdue child shows on the bundle', async () => {
			const g = ok(await ent.get(`/api/guide/bundles/${restaurant.id}`));
			const form = { shop_name: '汉江面馆', address: '白河县城关镇', legal_rep: '赵一' };
			const mats = await allMaterials(ent, g.materials, (m) => m.necessity === 'optional');
			let b = ok(await ent.post(`/api/bundles/${restaurant.id}/apply`, { answers: {}, form, materials: mats }), 201);
			b = ok(await win.post(`/api/bundle-cases/${b.id}/request-supplement`,
				{ version: b.version, items: [{ index: 0, problem: '申请书未签字' }] }));
			assert.equal(b.state, 'supplement');
			assertError(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }), 409);
			b = ok(await ent.post(`/api/bundle-cases/${b.id}/supplement`,
				{ version: b.version, materials: [{ index: 0, sha256: await upload(ent, 'fix') }] }));
			assert.equal(b.state, 'submitted');
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
			assert.equal(b.state, 'running');
			// a one-day step is already yellow (<= 1 working day left)
			assert.ok(['green', 'yellow'].includes(b.clock.warn_level), JSON.stringify(b.clock));
			assert.equal(b.clock.paused, false);
			// a month later the sweeper marks the children overdue
			const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir,
				'--now', '2026-11-20T10:00:00+08:00']);
			assert.equal(r.code, 0, r.err);
			b = ok(await hall.get(`/api/bundle-cases/${b.id}`));
			assert.ok(b.children.some((ch) => ch.case && ch.case.warn_level === 'red'), JSON.stringify(b.children));
			assert.equal(b.clock.warn_level, 'red');
			const list = ok(await hall.get('/api/bundle-cases'));
			assert.ok(list.items.some((x) => x.id === b.id));
		});

		test('definitions: versioned, checked for cycles, published through the request queue', async () => {
			const items = ok(await anon.get('/api/guide/items?q=' + encodeURIComponent('发票领用'))).items;
			const tax = items.find((i) => i.name === '发票领用');
			const items2 = ok(await anon.get('/api/guide/items?q=' + encodeURIComponent('道路运输证配发'))).items;
			const road = items2.find((i) => i.name === '道路运输证配发');
			const def = {
				name: '测试一件事', life_event: 'E', limit_days: 1,
				items: [{ key: 'A', item_id: tax.id, after: ['B'] }, { key: 'B', item_id: road.id, after: ['A'] }],
			};
			const cyc = await hall.post('/api/bundles/defs', { code: 'test-cycle', definition: def });
			assertError(cyc, 422);
			assert.match(cyc.json.error.message, /循环/);
			assertError(await ent.post('/api/bundles/defs', { code: 'x1', definition: def }), 403);
			def.items[0].after = [];
			let d = ok(await hall.post('/api/bundles/defs', { code: 'test-ok', definition: def }), 201);
			const id = d.bundle.id;
			assert.equal(d.versions[0].status, 'draft');
			def.limit_days = 2;  // not shorter than the sum (2)
			ok(await hall.request('PUT', `/api/bundles/defs/${id}`, { definition: def }));
			assertError(await hall.post(`/api/bundles/defs/${id}/submit`, {}), 422);
			def.limit_days = 1;
			ok(await hall.request('PUT', `/api/bundles/defs/${id}`, { definition: def }));
			d = ok(await hall.post(`/api/bundles/defs/${id}/submit`, { reason: '新增' }));
			assert.equal(d.versions[0].status, 'submitted');
			assertError(await hall.request('PUT', `/api/bundles/defs/${id}`, { definition: def }), 409);
			ok(await hall.post(`/api/requests/${d.versions[0].request_id}/approve`, { reason: '同意' }));
			d = ok(await hall.get(`/api/bundles/defs/${id}`));
			assert.equal(d.bundle.status, 'published');
			assert.equal(d.versions[0].status, 'published');
			ok(await anon.get(`/api/guide/bundles/${id}`));
		});
	});
}
