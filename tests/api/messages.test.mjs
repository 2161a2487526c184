// The applicant's messages at every step (消息通知), on every database in
// ONETRIP_DBS: submitted, 补正 with the list and the deadline, accepted with
// the due date, suspended and resumed, decided, result ready (after the
// certificate is rendered), delivered with the rating invitation, rejected -
// each in the inbox and as one SMS segment with the short query code through
// the outbox; the hall's templates (edit, checks, back to the default) and
// the applicant's choice of channels.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday
const SIGNATURE = '【白河县政务服务】';

async function sql(srv, q) {
	if (srv.dbUrl.startsWith('sqlite:')) {
		const r = await new Promise((resolve, reject) => {
			execFile('sqlite3', ['-batch', '-noheader', srv.dbUrl.slice(7), q], { encoding: 'utf8' },
				(err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
		});
		return r.replace(/\n$/, '');
	}
	return psql(srv.dbUrl, q);
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (code) assert.equal(r.json.error.code, code);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`applicant messages (${db})`, () => {
		let srv, person, zj, zjc, zj2, hall, item;

		// The SMS texts of a case, oldest first.
		async function smsOf(caseId) {
			const rows = await sql(srv, `SELECT payload FROM outbox WHERE kind = 'sms' AND payload LIKE '%"case_id":${caseId}}%' ORDER BY id`);
			return rows ? rows.split('\n').map((l) => JSON.parse(l)) : [];
		}
		// The applicant's messages about a case, oldest first.
		async function notesOf(caseId) {
			const r = ok(await person.get('/api/notifications?limit=100'));
			return r.items.filter((n) => n.case_id === caseId).sort((a, b) => a.id - b.id);
		}
		async function upload(c, tag) {
			const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`);
			const u = await c.post(`/api/uploads?name=${tag}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
			assert.equal(u.status, 201, u.text);
			return u.json.sha256;
		}
		async function apply() {
			const materials = [];
			for (let i = 0; i < 5; i++) materials.push({ index: i, sha256: await upload(person, `m${i}`) });
			return ok(await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 3 号楼' }, materials }), 201);
		}
		const act = (c, cs, action, body = {}) => c.post(`/api/cases/${cs.id}/actions/${action}`, { version: cs.version, ...body });

		before(async () => {
			srv = await startServer({ db, now: NOW });
			person = new Client(srv.url);
			zj = new Client(srv.url);
			zjc = new Client(srv.url);
			hall = new Client(srv.url);
			// The item is stationed in the hall: its online applications are
			// received at 住建专窗 (zj_clerk), reviewed by the department.
			await Promise.all([person.login(DEMO.person, DEMO.password), zj.login(DEMO.zj_sp, DEMO.password),
				zjc.login(DEMO.zj_clerk, DEMO.password), hall.login(DEMO.hall, DEMO.password)]);
			// A second approver decides: who accepted a case does not decide it.
			const admin = new Client(srv.url);
			await admin.login(DEMO.admin, DEMO.password);
			const depts = ok(await admin.get('/api/departments'));
			const zjDept = (Array.isArray(depts) ? depts : depts.items).find((d) => d.name === '县住建局');
			const u = ok(await admin.post('/api/users', {
				login: 'zj_sp2', name: '住建审批二', roles: ['approver'], dept_id: zjDept.id, password: 'Baihe@2024x',
			}), 202);
			ok(await hall.post(`/api/staff-changes/${u.request.id}/approve`, {}));
			zj2 = new Client(srv.url);
			await zj2.login('zj_sp2', 'Baihe@2024x');
			const r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
			item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
			assert.ok(item, r.text);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('a message at every step, in the inbox and as one SMS with the query code', async () => {
			let cs = await apply();
			const code = cs.query_code;
			assert.match(code, /^[2-9A-HJKMNP-Z]{8}$/);

			// Submitted.
			let n = await notesOf(cs.id);
			assert.deepEqual(n.map((x) => x.kind), ['case_submitted']);
			assert.ok(n[0].body.includes(cs.case_no) && n[0].body.includes(code), n[0].body);

			// 补正: the list and the deadline (10 working days: 10-15, the
			// National Day week being off).
			cs = ok(await zjc.post(`/api/cases/${cs.id}/supplement-request`, {
				items: [{ index: 2, problem: '图纸缺少设计单位盖章' }], note: '请一次性补齐', version: cs.version,
			}));
			n = await notesOf(cs.id);
			const sup = n.find((x) => x.kind === 'case_supplement');
			assert.ok(sup, JSON.stringify(n));
			assert.match(sup.body, /图纸缺少设计单位盖章/);
			assert.match(sup.body, /请于 2026-10-\d\d 前/);
			const supDue = /请于 (2026-10-\d\d) 前/.exec(sup.body)[1];
			assert.ok(supDue > '2026-10-09', supDue);

			// The applicant's own supplement is no news to them; acceptance is.
			cs = ok(await person.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 2, sha256: await upload(person, 'fix') }] }));
			assert.equal(cs.state, 'submitted');
			cs = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			assert.ok(cs.due_day, 'a due date');
			n = await notesOf(cs.id);
			assert.deepEqual(n.map((x) => x.kind), ['case_submitted', 'case_supplement', 'case_accepted']);
			assert.ok(n[2].body.includes(`于 ${cs.due_day} 前`), n[2].body);

			// Suspended (site inspection) and resumed.
			cs = ok(await act(zjc, cs, 'forward'));
			cs = ok(await zj.post(`/api/cases/${cs.id}/special`, { kind: 'site', reason: '现场踏勘', version: cs.version }));
			cs = ok(await zj.post(`/api/cases/${cs.id}/special/end`, { result: '踏勘合格', version: cs.version }));
			n = await notesOf(cs.id);
			assert.match(n.find((x) => x.kind === 'case_suspended').body, /现场踏勘/);
			assert.ok(n.find((x) => x.kind === 'case_resumed'));

			// Decided; the certificate rendered -> result ready; delivered.
			cs = ok(await act(zj, cs, 'pass', { reason: '符合条件' }));
			cs = ok(await act(zj2, cs, 'approve', { reason: '准予许可' }));
			assert.equal(cs.state, 'certify');
			let ready;
			for (let i = 0; i < 100 && !ready; i++) {
				ready = (await notesOf(cs.id)).find((x) => x.kind === 'case_result_ready');
				if (!ready) await new Promise((res) => setTimeout(res, 100));
			}
			assert.ok(ready, 'told when the certificate is ready');
			assert.match(ready.body, /已制作完成，可/);
			cs = ok(await zjc.post(`/api/cases/${cs.id}/deliver`, { method: 'post', tracking_no: 'SF1234567890', version: cs.version }));
			n = await notesOf(cs.id);
			assert.deepEqual(n.map((x) => x.kind), ['case_submitted', 'case_supplement', 'case_accepted',
				'case_suspended', 'case_resumed', 'case_approved', 'case_result_ready', 'case_delivered']);
			const done = n[n.length - 1];
			assert.match(done.body, /SF1234567890/);
			assert.match(done.body, /评价/);
			assert.ok(n.every((x) => CHINESE.test(x.title) && x.body.includes(cs.case_no)));

			// Every step also went out as SMS: one segment, the query code,
			// never the ID number.
			const sms = await smsOf(cs.id);
			assert.deepEqual(sms.map((s) => s.kind), n.map((x) => x.kind));
			for (const s of sms) {
				assert.ok(s.text.startsWith(SIGNATURE), s.text);
				assert.ok([...s.text].length <= 70, `${[...s.text].length}: ${s.text}`);
				assert.ok(s.text.includes(code), s.text);
				assert.ok(!s.text.includes(DEMO.person));
			}
			assert.ok(sms.find((s) => s.kind === 'case_supplement').text.includes(supDue));
			assert.ok(sms.find((s) => s.kind === 'case_accepted').text.includes(cs.due_day));
			const mobile = await sql(srv, `SELECT applicant_mobile FROM cases WHERE id = ${cs.id}`);
			assert.equal(await sql(srv, `SELECT count(DISTINCT recipient) FROM outbox WHERE payload LIKE '%"case_id":${cs.id}}%'`), '1');
			assert.equal(await sql(srv, `SELECT min(recipient) FROM outbox WHERE payload LIKE '%"case_id":${cs.id}}%'`), mobile);

			// The 补正通知书 states the deadline too.
			const docs = ok(await person.get(`/api/cases/${cs.id}/documents`));
			assert.ok((docs.items || docs).some((d) => d.kind === 'supplement_notice'));
		});

		test('rejection tells the reason', async () => {
			let cs = await apply();
			cs = ok(await zjc.post(`/api/cases/${cs.id}/reject`, { reason: '不属于本机关职权范围', version: cs.version }));
			const n = await notesOf(cs.id);
			assert.deepEqual(n.map((x) => x.kind), ['case_submitted', 'case_rejected']);
			assert.match(n[1].body, /不属于本机关职权范围/);
		});

		test('the hall edits the templates; bad ones are refused and change nothing', async () => {
			let r = ok(await hall.get('/api/message-templates'));
			const accepted = r.items.find((t) => t.kind === 'case_accepted');
			assert.ok(accepted && !accepted.edited && accepted.label === '已受理');
			assert.ok(r.items.length >= 12);
			assert.equal(r.sms_chars, 61);
			assert.ok(r.placeholders.some((p) => p.name === 'code' && p.sms));

			assertError(await person.get('/api/message-templates'), 403);
			assertError(await zj.put('/api/message-templates/case_accepted', { title: 'x', body: 'y' }), 403);
			assertError(await hall.put('/api/message-templates/nope', { title: 'x', body: 'y' }), 404);
			const long = '您的办件（查询码{code}）已受理'.padEnd(70, '请');
			assertError(await hall.put('/api/message-templates/case_accepted', { title: '已受理', body: '已受理', sms: long }), 400);
			assertError(await hall.put('/api/message-templates/case_accepted', { title: '已受理', body: '{nope}已受理', sms: '' }), 400, 'bad_placeholder');
			assertError(await hall.put('/api/message-templates/case_accepted', { title: '已受理', body: '已受理', sms: '{case_no}已受理' }), 400, 'sms_placeholder');
			assertError(await hall.put('/api/message-templates/case_accepted', { title: '', body: '已受理' }), 400);
			assert.equal(await sql(srv, `SELECT count(*) FROM message_templates`), '0');

			r = ok(await hall.put('/api/message-templates/case_accepted', {
				title: '受理啦：{item}', body: '办件 {case_no} 已受理，{due} 前办结。', sms: '查询码{code}已受理，{due}前办结。',
			}));
			assert.ok(r.items.find((t) => t.kind === 'case_accepted').edited);
			let cs = await apply();
			cs = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			let n = (await notesOf(cs.id)).find((x) => x.kind === 'case_accepted');
			assert.equal(n.title, '受理啦：建筑工程施工许可证核发');
			assert.equal(n.body, `办件 ${cs.case_no} 已受理，${cs.due_day} 前办结。`);
			const sms = (await smsOf(cs.id)).find((s) => s.kind === 'case_accepted');
			assert.equal(sms.text, `${SIGNATURE}查询码${cs.query_code}已受理，${cs.due_day}前办结。`);
			assert.equal(await sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'message_template.update'`), '1');

			// Back to the default.
			r = ok(await hall.del('/api/message-templates/case_accepted'));
			assert.ok(!r.items.find((t) => t.kind === 'case_accepted').edited);
			cs = await apply();
			cs = ok(await zjc.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			n = (await notesOf(cs.id)).find((x) => x.kind === 'case_accepted');
			assert.equal(n.title, '已受理：建筑工程施工许可证核发');
		});

		test('the applicant chooses channels: SMS off, the inbox still', async () => {
			let r = ok(await person.get('/api/notifications/prefs'));
			assert.deepEqual([r.in_app, r.sms], [true, true]);
			assert.match(r.mobile_masked, /^1\d\d\*{4}\d{4}$/);
			assertError(await person.put('/api/notifications/prefs', { sms: 'no' }), 400);
			r = ok(await person.put('/api/notifications/prefs', { sms: false }));
			assert.equal(r.sms, false);
			const cs = await apply();
			assert.deepEqual((await notesOf(cs.id)).map((x) => x.kind), ['case_submitted']);
			assert.equal((await smsOf(cs.id)).length, 0);
			ok(await person.put('/api/notifications/prefs', { sms: true }));
			assertError(await new Client(srv.url).get('/api/notifications/prefs'), 401);
		});
	});
}
