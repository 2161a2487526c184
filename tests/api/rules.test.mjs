// The hall's rules (docs/rules.md) over HTTP, on every database in
// ONETRIP_DBS: 终止办理 with its sealed notice and the applicant told; a
// 容缺 supplement that never comes (reminder, flag, termination, the
// applicant's credit and 信用修复).
//
// The servers run with --no-jobs; the jobs run through
// `onetrip jobs run-once --now <day>`, and a server is restarted with a
// later --now when the department acts after a date has passed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO, demoForm } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

async function runJobs(srv, day) {
	const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir,
		'--now', `${day}T10:00:00+08:00`]);
	assert.equal(r.code, 0, `jobs run-once ${day}: ${r.err}`);
	return r;
}

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
async function upload(c, tag = 'm') {
	uploadSeq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${uploadSeq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post(`/api/uploads?name=${encodeURIComponent(tag)}.pdf`, body,
		{ headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function materialsFor(c, n, skip = []) {
	const out = [];
	for (let i = 0; i < n; i++) {
		if (skip.includes(i)) continue;
		out.push({ index: i, sha256: await upload(c, `m${i}`) });
	}
	return out;
}

async function findItem(c, name) {
	const r = await c.get(`/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
	assert.equal(r.status, 200, r.text);
	const it = r.json.items.find((i) => i.name === name);
	assert.ok(it, `item ${name} not in the guide: ${r.text}`);
	return it;
}

async function docKinds(c, id) {
	const r = ok(await c.get(`/api/cases/${id}/documents`));
	return (r.items || r).map((d) => d.kind);
}

async function notes(c) {
	return ok(await c.get('/api/notifications?limit=100')).items;
}

const FOOD = '食品经营许可（新办）'; // materials 0-3 required, 4 容缺可后补, 5 optional

for (const db of dbKinds()) {
	describe(`rules: 终止办理 (${db})`, () => {
		let srv, ent, clerk, sp;

		before(async () => {
			srv = await startServer({ db, now: '2026-09-29T10:00:00+08:00', args: ['--no-jobs'] });
			[ent, clerk, sp] = await Promise.all([DEMO.enterprise, DEMO.scjg_clerk, DEMO.scjg_sp]
				.map((l) => as(srv.url, l)));
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('the department terminates a case with a reason: sealed notice, applicant told', async () => {
			const item = await findItem(ent, FOOD);
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 5) }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			assert.ok(cs.available_actions.some((a) => a.code === 'terminate'), 'the clerk is offered 终止办理');
			// The applicant cannot end it this way; a reason is required.
			let r = await ent.post(`/api/cases/${cs.id}/actions/terminate`, { version: cs.version, reason: 'x' });
			assert.ok(r.status === 403 || r.status === 404, r.text);
			assertError(await sp.post(`/api/cases/${cs.id}/actions/terminate`, { version: cs.version }), 400);
			assert.equal(ok(await sp.get(`/api/cases/${cs.id}`)).state, 'accepted', 'nothing changed');
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/terminate`, {
				version: cs.version, reason: '申请人经营场所已拆除，无法继续审查',
			}));
			assert.equal(cs.state, 'terminated');
			assert.equal(cs.state_label, '已退办');
			assert.ok(cs.closed_at);
			assert.ok((await docKinds(sp, cs.id)).includes('termination_notice'), 'a 终止办理告知书');
			const n = (await notes(ent)).filter((x) => x.case_id === cs.id && x.kind === 'case_terminated');
			assert.equal(n.length, 1);
			assert.match(n[0].body, /经营场所已拆除/);
			// A terminated case takes no more actions.
			assertError(await sp.post(`/api/cases/${cs.id}/actions/terminate`, { version: cs.version, reason: '再次' }), 409);
		});

		test('only the applicant withdraws; staff end a case by 不予受理 or 不予许可, each noticed and told', async () => {
			const item = await findItem(ent, FOOD);
			const admin = await as(srv.url, DEMO.scjg_admin);
			// Staff may not withdraw, before or after acceptance.
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 5) }), 201);
			for (const staff of [clerk, sp, admin]) {
				const r = await staff.post(`/api/cases/${cs.id}/actions/withdraw`, { version: cs.version });
				assert.ok(r.status === 403 || r.status === 404, r.text);
				if (r.status === 403) assert.match(r.json.error.message, /只能由申请人本人提出/);
			}
			assert.ok(!ok(await clerk.get(`/api/cases/${cs.id}`)).available_actions.some((a) => a.code === 'withdraw'),
				'the clerk is not offered 撤回');
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			const r = await clerk.post(`/api/cases/${cs.id}/actions/withdraw`, { version: cs.version });
			assertError(r, 403, 'action_forbidden');
			assert.match(r.json.error.message, /不予受理、不予许可或终止办理/);
			assert.equal(ok(await sp.get(`/api/cases/${cs.id}`)).state, 'accepted', 'nothing changed');
			// The applicant withdraws; the case and its record stay.
			cs = ok(await ent.post(`/api/cases/${cs.id}/actions/withdraw`, { version: cs.version }));
			assert.equal(cs.state, 'withdrawn');
			const kept = ok(await clerk.get(`/api/cases/${cs.id}`));
			assert.equal(kept.state, 'withdrawn');
			const tl = ok(await clerk.get(`/api/cases/${cs.id}/timeline`));
			const events = tl.items || tl;
			assert.ok(events.some((x) => x.action === 'withdraw'), `the 撤回 recorded: ${JSON.stringify(events)}`);

			// 不予受理: a reason, the notice, the applicant told.
			cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 5) }), 201);
			assertError(await clerk.post(`/api/cases/${cs.id}/actions/reject`, { version: cs.version }), 400);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/actions/reject`, {
				version: cs.version, reason: '申请事项不属于本部门职权范围',
			}));
			assert.equal(cs.state, 'rejected');
			assert.ok((await docKinds(ent, cs.id)).includes('reject_notice'), 'a 不予受理通知书');
			let n = (await notes(ent)).filter((x) => x.case_id === cs.id && x.kind === 'case_rejected');
			assert.equal(n.length, 1);
			assert.match(n[0].body, /不属于本部门职权范围/);

			// 不予许可: a reason, the decision, the applicant told.
			cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 5) }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			cs = ok(await clerk.post(`/api/cases/${cs.id}/actions/forward`, { version: cs.version }));
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/pass`, { version: cs.version }));
			assertError(await sp.post(`/api/cases/${cs.id}/actions/deny`, { version: cs.version }), 400);
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/deny`, {
				version: cs.version, reason: '经营场所与生活区未有效隔离',
			}));
			assert.equal(cs.state, 'denied');
			assert.ok((await docKinds(ent, cs.id)).includes('denial_decision'), 'a 不予行政许可决定书');
			n = (await notes(ent)).filter((x) => x.case_id === cs.id && x.kind === 'case_denied');
			assert.equal(n.length, 1);
			assert.match(n[0].body, /未有效隔离/);
		});

		async function reviewCase(name, n) {
			const item = await findItem(ent, name);
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, n) }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { version: cs.version }));
			return ok(await clerk.post(`/api/cases/${cs.id}/actions/forward`, { version: cs.version }));
		}

		test('extensions within 行政许可法 §42: once, at most 10 days on 20, the notice, both due days', async () => {
			const admin = await as(srv.url, DEMO.scjg_admin);
			let cs = await reviewCase(FOOD, 5);
			const due0 = cs.due_day;
			assert.ok(due0, 'a due day');
			// More than 10 working days on a 20-day limit: refused, nothing stored.
			let r = await sp.post(`/api/cases/${cs.id}/extensions`, { days: 11, reason: '需现场核查' });
			assertError(r, 422, 'extension_too_long');
			assert.match(r.json.error.message, /第四十二条/);
			assertError(await sp.post(`/api/cases/${cs.id}/extensions`, { days: 5 }), 400);
			assert.equal(ok(await admin.get(`/api/extensions?case_id=${cs.id}`)).items.length, 0, 'nothing stored');
			// Only the head of the organ approves.
			const ext = ok(await sp.post(`/api/cases/${cs.id}/extensions`, { days: 10, reason: '需组织现场核查' }), 201);
			assertError(await sp.post(`/api/extensions/${ext.id}/approve`, {}), 403);
			const done = ok(await admin.post(`/api/extensions/${ext.id}/approve`, { reason: '同意' }));
			assert.equal(done.status, 'approved');
			assert.equal(done.original_due, due0);
			assert.ok(done.extended_due > due0, `${done.extended_due} > ${due0}`);
			assert.equal(done.late, 0);
			cs = ok(await sp.get(`/api/cases/${cs.id}`));
			assert.equal(cs.extension_days, 10);
			assert.equal(cs.due_day, done.extended_due);
			assert.equal(cs.overdue_day, null);
			// The history shows both due days; the sealed notice; the applicant told.
			const tl = ok(await sp.get(`/api/cases/${cs.id}/timeline`));
			const ev = (tl.items || tl).find((x) => x.action === 'extension_approve');
			assert.equal(ev.data.original_due, due0);
			assert.equal(ev.data.extended_due, done.extended_due);
			assert.ok((await docKinds(ent, cs.id)).includes('extension_notice'), 'a 延长审批期限告知书');
			const n = (await notes(ent)).filter((x) => x.case_id === cs.id && x.kind === 'case_extended');
			assert.equal(n.length, 1);
			assert.match(n[0].body, /延长 10 个工作日/);
			// Once only.
			r = await sp.post(`/api/cases/${cs.id}/extensions`, { days: 1, reason: '再延一天' });
			assertError(r, 409, 'extension_once');
			assert.match(r.json.error.message, /只能延长一次/);

			// Another statutory limit (15 days): only with a recorded legal basis.
			cs = await reviewCase('食品小作坊登记', 4);
			r = await sp.post(`/api/cases/${cs.id}/extensions`, { days: 5, reason: '需抽样检验' });
			assertError(r, 422, 'extension_basis_required');
			const ext2 = ok(await sp.post(`/api/cases/${cs.id}/extensions`, {
				days: 5, reason: '需抽样检验', basis: '《陕西省食品小作坊小餐饮及摊贩管理条例》第十二条',
			}), 201);
			assert.match(ext2.basis, /第十二条/);
		});

		test('an extension approved after the due day does not clear the overdue record', async () => {
			const cs0 = await reviewCase(FOOD, 5);
			const ext = ok(await sp.post(`/api/cases/${cs0.id}/extensions`, { days: 10, reason: '需组织专家评审' }), 201);
			// Decided after the due day has passed.
			await srv.restart({ now: '2026-10-20T10:00:00+08:00' });
			const [sp2, admin2] = await Promise.all([DEMO.scjg_sp, DEMO.scjg_admin].map((l) => as(srv.url, l)));
			assert.ok(cs0.due_day < '2026-10-20', cs0.due_day);
			const done = ok(await admin2.post(`/api/extensions/${ext.id}/approve`, {}));
			assert.equal(done.late, 1);
			assert.equal(done.original_due, cs0.due_day);
			const cs = ok(await sp2.get(`/api/cases/${cs0.id}`));
			assert.equal(cs.overdue_day, cs0.due_day, 'the missed due day is kept');
			assert.equal(cs.warn_level, 'red', 'still shown as overdue');
			assert.ok(cs.due_day >= '2026-10-20', cs.due_day);
		});
	});

	describe(`rules: no result while a 容缺 material is outstanding (${db})`, () => {
		let srv;

		before(async () => {
			srv = await startServer({ db, now: '2026-09-29T10:00:00+08:00', args: ['--no-jobs'] });
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('review allowed, decision refused until the material is in; the 承诺书 kept', async () => {
			const [ent, clerk, sp] = await Promise.all([DEMO.enterprise, DEMO.scjg_clerk, DEMO.scjg_sp]
				.map((l) => as(srv.url, l)));
			const item = await findItem(ent, FOOD);
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 4) }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, {
				mode: 'rongque', missing: [4], supplement_due: '2026-10-09', version: cs.version,
				commitment_text: '本单位承诺于期限内补交容缺材料',
			}));
			assert.equal(cs.commitment_text, '本单位承诺于期限内补交容缺材料');
			assert.ok((await docKinds(clerk, cs.id)).includes('rongque_pledge'), 'the 容缺受理承诺书');
			cs = ok(await clerk.post(`/api/cases/${cs.id}/actions/forward`, { version: cs.version }));
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/pass`, { version: cs.version }));
			assert.equal(cs.state, 'decide');
			assert.match(ok(await sp.get(`/api/cases/${cs.id}`)).awaiting, /容缺材料/, 'the approver sees what is missing');
			const r = await sp.post(`/api/cases/${cs.id}/actions/approve`, { version: cs.version });
			assertError(r, 409, 'rongque_outstanding');
			assert.match(r.json.error.message, /容缺材料尚未补齐/);
			cs = ok(await sp.get(`/api/cases/${cs.id}`));
			assert.equal(cs.state, 'decide', 'nothing changed');
			assert.ok(!(await docKinds(sp, cs.id)).includes('approval_decision'));
			cs = ok(await ent.post(`/api/cases/${cs.id}/supplement`, {
				materials: [{ index: 4, sha256: await upload(ent, 'late') }],
			}));
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/approve`, { version: cs.version }));
			assert.equal(cs.state, 'certify');
		});
	});

	describe(`rules: 容缺 supplement never comes (${db})`, () => {
		let srv;

		before(async () => {
			srv = await startServer({ db, now: '2026-09-29T10:00:00+08:00', args: ['--no-jobs'] });
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('reminder, flag, termination, credit record, 信用修复', async () => {
			let ent = await as(srv.url, DEMO.enterprise);
			let clerk = await as(srv.url, DEMO.scjg_clerk);
			const item = await findItem(ent, FOOD);
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 4) }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, {
				mode: 'rongque', missing: [4], supplement_due: '2026-09-30', signed: true, version: cs.version,
			}));
			assert.equal(cs.acceptance_mode, 'rongque');

			// One reminder, days before the promised date (rules.rongque_reminder_days = 2).
			await runJobs(srv, '2026-09-29');
			await runJobs(srv, '2026-09-29');
			let n = (await notes(ent)).filter((x) => x.case_id === cs.id && x.kind === 'rongque_reminder');
			assert.equal(n.length, 1, 'reminded once');
			assert.match(n[0].body, /2026-09-30 前补齐/);

			// The date passes: flagged, the missed promise recorded.
			await runJobs(srv, '2026-10-09');
			await srv.restart({ now: '2026-10-09T10:00:00+08:00' });
			[ent, clerk] = await Promise.all([DEMO.enterprise, DEMO.scjg_clerk].map((l) => as(srv.url, l)));
			const sp = await as(srv.url, DEMO.scjg_sp);
			const hall = await as(srv.url, DEMO.hall);
			cs = ok(await sp.get(`/api/cases/${cs.id}`));
			assert.equal(cs.flagged, true);
			let credit = ok(await hall.get(`/api/credit?idno=${DEMO.enterprise}`)).items;
			assert.equal(credit.length, 1);
			assert.equal(credit[0].kind, 'rongque_missed');
			assert.equal(credit[0].case_id, cs.id);

			// The department terminates it as a 退办件 with the notice.
			cs = ok(await sp.post(`/api/cases/${cs.id}/actions/terminate`, {
				version: cs.version, reason: '容缺材料逾期未补齐',
			}));
			assert.equal(cs.state, 'terminated');
			assert.ok((await docKinds(ent, cs.id)).includes('termination_notice'));

			// Not offered 容缺 or 告知承诺 again until the hall clears the record.
			let again = ok(await ent.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials: await materialsFor(ent, 4) }), 201);
			assertError(await clerk.post(`/api/cases/${again.id}/accept`, {
				mode: 'rongque', missing: [4], supplement_due: '2026-10-12', signed: true, version: again.version,
			}), 422, 'credit_excluded');
			assert.equal(ok(await clerk.get(`/api/cases/${again.id}`)).state, 'submitted');

			// 信用修复: the hall only, with a reason, once.
			assertError(await clerk.post(`/api/credit/${credit[0].id}/clear`, { reason: '已整改' }), 403);
			assertError(await hall.post(`/api/credit/${credit[0].id}/clear`, {}), 400);
			assertError(await hall.post('/api/credit/999999/clear', { reason: '已整改' }), 404);
			ok(await hall.post(`/api/credit/${credit[0].id}/clear`, { reason: '申请人已书面说明并完成信用修复' }));
			assertError(await hall.post(`/api/credit/${credit[0].id}/clear`, { reason: '再次' }), 409);
			credit = ok(await hall.get(`/api/credit?idno=${DEMO.enterprise}&status=cleared`)).items;
			assert.equal(credit.length, 1);
			assert.match(credit[0].clear_reason, /信用修复/);
			again = ok(await clerk.post(`/api/cases/${again.id}/accept`, {
				mode: 'rongque', missing: [4], supplement_due: '2026-10-12', signed: true, version: again.version,
			}));
			assert.equal(again.acceptance_mode, 'rongque');
		});
	});
}
