// The department's work lists and the inbox over HTTP, on every database in
// ONETRIP_DBS: GET /api/extensions (who sees which department's requests,
// filters, paging, the projected due day, the list after a decision),
// POST /api/notifications/read-all (own notifications only, audited, CSRF),
// and the mobile and window of GET /api/me.
//
// The server runs with --now 2026-09-28T10:00:00+08:00 and --no-jobs; the
// deadline sweeper runs through `onetrip jobs run-once --now <later day>`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-28T10:00:00+08:00';
const SMALL_WORKSHOP = '食品小作坊登记'; // 县市场监管局, 5 working days
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

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

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (code) assert.equal(r.json.error.code, code);
	assert.match(r.json.error.message, CHINESE);
}

async function login(srv, who) {
	const c = new Client(srv.url);
	await c.login(who, DEMO.password);
	return c;
}

for (const db of dbKinds()) {
	describe(`work lists (${db})`, () => {
		let srv, person, clerk, approver, admin, otherAdmin, hall, ducha, window01, itemId, scjgId, zjId;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			[person, clerk, approver, admin, otherAdmin, hall, ducha, window01] = await Promise.all(
				[DEMO.person, DEMO.scjg_clerk, DEMO.scjg_sp, DEMO.scjg_admin, DEMO.zj_admin, DEMO.hall,
					DEMO.ducha, DEMO.window01].map((l) => login(srv, l)));
			const g = await person.get(`/api/guide/items?q=${encodeURIComponent(SMALL_WORKSHOP)}&limit=50`);
			const it = g.json.items.find((x) => x.name === SMALL_WORKSHOP);
			assert.ok(it, 'demo item ' + SMALL_WORKSHOP);
			itemId = it.id;
			scjgId = it.dept_id;
			zjId = Number(await sql(srv, "SELECT dept_id FROM users WHERE login = 'zj_admin'"));
			assert.ok(zjId > 0 && zjId !== scjgId);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		// Applies as the person and accepts at the market-supervision window.
		async function acceptedCase() {
			const g = await person.get(`/api/guide/items/${itemId}`);
			assert.equal(g.status, 200, g.text);
			const mats = g.json.materials || g.json.elements?.materials || g.json.item?.materials || [];
			const materials = [];
			for (let i = 0; i < mats.length; i++) {
				if (mats[i].necessity !== 'required') continue;
				const u = await person.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			let r = await person.post('/api/cases', { item_id: itemId, form: { phone: '13991500001' }, materials });
			assert.equal(r.status, 201, r.text);
			r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
			assert.equal(r.status, 200, r.text);
			return r.json;
		}

		test('GET /api/me carries the own mobile unmasked and the clerk\'s window', async () => {
			let r = await person.get('/api/me');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.user.mobile, '13991500001');
			assert.equal(r.json.user.window_name, null);
			r = await clerk.get('/api/me');
			const [wname, wno] = (await sql(srv, `SELECT w.name || '|' || w.number FROM users u
				JOIN windows w ON w.id = u.window_id WHERE u.login = 'scjg_clerk'`)).split('|');
			assert.ok(wname, 'scjg_clerk has a window');
			assert.equal(r.json.user.mobile, '13891500005');
			assert.equal(r.json.user.window_name, wname);
			assert.equal(r.json.user.window_number, wno);
			assert.equal(r.json.user.window_id, Number(await sql(srv, "SELECT window_id FROM users WHERE login = 'scjg_clerk'")));
			// Served twice (the second from the cache): the same answer.
			const again = await clerk.get('/api/me');
			assert.deepEqual(again.json.user, r.json.user);
			r = await admin.get('/api/me');
			assert.equal(r.json.user.window_name, null);
			assert.equal(r.json.user.window_number, null);
			assert.equal(r.json.user.mobile, '13891500007');
			assertError(await new Client(srv.url).get('/api/me'), 401);
		});

		test('extensions: list by department and role, filters, paging, decision', async () => {
			const k1 = await acceptedCase();
			const k2 = await acceptedCase();
			assert.equal(k1.due_day, '2026-10-10');
			let r = await approver.post(`/api/cases/${k1.id}/extensions`, { days: 3, reason: '需现场核查，申请延长 3 个工作日', basis: '《陕西省食品小作坊小餐饮及摊贩管理条例》第十二条' });
			assert.equal(r.status, 201, r.text);
			const x1 = r.json.id;
			r = await approver.post(`/api/cases/${k2.id}/extensions`, { days: 2, reason: '需补充检验', basis: '《陕西省食品小作坊小餐饮及摊贩管理条例》第十二条' });
			assert.equal(r.status, 201, r.text);
			const x2 = r.json.id;

			// The department administrator is told in the inbox.
			r = await admin.get('/api/notifications?limit=50');
			assert.equal(r.status, 200, r.text);
			const told = r.json.items.filter((n) => n.kind === 'extension_request');
			assert.ok(told.some((n) => n.case_id === k1.id && n.body.includes(k1.case_no)), r.text);
			assert.ok(told.some((n) => n.case_id === k2.id));

			// The department administrator: both, oldest first, may decide.
			r = await admin.get('/api/extensions');
			assert.equal(r.status, 200, r.text);
			const ids = r.json.items.map((x) => x.id);
			assert.deepEqual(ids.filter((id) => id === x1 || id === x2), [x1, x2]);
			const e1 = r.json.items.find((x) => x.id === x1);
			assert.equal(e1.case_id, k1.id);
			assert.equal(e1.case_no, k1.case_no);
			assert.equal(e1.item_name, SMALL_WORKSHOP);
			assert.equal(e1.dept_id, scjgId);
			assert.equal(e1.days, 3);
			assert.equal(e1.status, 'pending');
			assert.equal(e1.requested_by_name, '孙丽');
			assert.equal(e1.applicant_name, '张明');
			assert.equal(e1.applicant_idno_masked, '610929********001X');
			assert.equal(e1.applicant_idno, undefined, 'no raw ID number in the list');
			assert.equal(e1.due_day, '2026-10-10');
			assert.equal(e1.new_due_day, '2026-10-14', 'three working days after 10-10 (a 调休 Saturday)');
			assert.equal(e1.can_decide, true);
			assert.equal(r.json.next_cursor, null);

			// The approver sees the department's requests but may not decide.
			r = await approver.get('/api/extensions');
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.items.some((x) => x.id === x1));
			assert.ok(r.json.items.every((x) => x.can_decide === false));
			// Another department's administrator sees none of them, and may
			// not ask for that department.
			r = await otherAdmin.get('/api/extensions');
			assert.equal(r.status, 200, r.text);
			assert.ok(!r.json.items.some((x) => x.id === x1 || x.id === x2));
			assertError(await otherAdmin.get(`/api/extensions?dept_id=${scjgId}`), 403);
			// The hall and the supervisor see every department; dept_id filters.
			for (const who of [hall, ducha]) {
				r = await who.get('/api/extensions');
				assert.equal(r.status, 200, r.text);
				assert.ok(r.json.items.some((x) => x.id === x1));
				assert.ok(r.json.items.every((x) => x.can_decide === false));
			}
			r = await hall.get(`/api/extensions?dept_id=${zjId}`);
			assert.equal(r.status, 200);
			assert.equal(r.json.items.length, 0);
			// Clerks and applicants: no.
			assertError(await window01.get('/api/extensions'), 403);
			assertError(await clerk.get('/api/extensions'), 403);
			assertError(await person.get('/api/extensions'), 403);
			assertError(await new Client(srv.url).get('/api/extensions'), 401);
			// Bad input.
			assertError(await admin.get('/api/extensions?status=maybe'), 400);
			assertError(await admin.get('/api/extensions?cursor=abc'), 400);
			assertError(await admin.get('/api/extensions?cursor=-3'), 400);
			assertError(await admin.get('/api/extensions?limit=0'), 400);
			assertError(await admin.get('/api/extensions?limit=201'), 400);
			assertError(await admin.get('/api/extensions?case_id=x'), 400);

			// case_id filter and keyset paging.
			r = await admin.get(`/api/extensions?case_id=${k2.id}`);
			assert.deepEqual(r.json.items.map((x) => x.id), [x2]);
			r = await admin.get('/api/extensions?limit=1');
			assert.equal(r.json.items.length, 1);
			assert.equal(r.json.items[0].id, x1);
			assert.ok(r.json.next_cursor);
			r = await admin.get(`/api/extensions?limit=1&cursor=${encodeURIComponent(r.json.next_cursor)}`);
			assert.deepEqual(r.json.items.map((x) => x.id), [x2]);
			assert.equal(r.json.next_cursor, null);

			// Decisions: the list follows, and the case's due day moves to
			// the projected day.
			r = await admin.post(`/api/extensions/${x1}/approve`, { reason: '同意' });
			assert.equal(r.status, 200, r.text);
			r = await admin.post(`/api/extensions/${x2}/reject`, { reason: '理由不充分' });
			assert.equal(r.status, 200, r.text);
			r = await admin.get('/api/extensions');
			assert.ok(!r.json.items.some((x) => x.id === x1 || x.id === x2));
			r = await admin.get('/api/extensions?status=approved');
			const a1 = r.json.items.find((x) => x.id === x1);
			assert.equal(a1.status, 'approved');
			assert.equal(a1.decided_by_name, '周海涛');
			assert.equal(a1.decision_reason, '同意');
			assert.equal(a1.can_decide, false);
			assert.equal(a1.new_due_day, null);
			assert.equal(a1.due_day, '2026-10-14');
			assert.ok(!r.json.items.some((x) => x.id === x2));
			r = await admin.get('/api/extensions?status=rejected');
			assert.deepEqual(r.json.items.filter((x) => x.id === x2).map((x) => x.decision_reason), ['理由不充分']);
			r = await admin.get('/api/extensions?status=all');
			// Decided ones newest first.
			const both = r.json.items.map((x) => x.id).filter((id) => id === x1 || id === x2);
			assert.deepEqual(both, [x2, x1]);
			r = await approver.get(`/api/cases/${k1.id}`);
			assert.equal(r.json.due_day, '2026-10-14');
			assert.equal(r.json.extension_days, 3);
		});

		test('POST /api/notifications/read-all: own notifications only, audited, CSRF', async () => {
			await acceptedCase();
			// Weeks later every open case is overdue: the sweeper notifies the
			// handler and the department administrators.
			const j = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', '2026-11-02T10:00:00+08:00']);
			assert.equal(j.code, 0, j.err);
			let r = await admin.get('/api/notifications');
			assert.equal(r.status, 200, r.text);
			const unread = r.json.unread;
			assert.ok(unread > 0, 'the administrator has unread notifications');
			assert.ok(r.json.items.some((n) => n.case_id && CHINESE.test(n.title)));
			const adminId = Number(await sql(srv, "SELECT id FROM users WHERE login = 'scjg_admin'"));
			const othersBefore = Number(await sql(srv,
				`SELECT count(*) FROM notifications WHERE user_id <> ${adminId} AND read_at IS NULL`));
			assert.ok(othersBefore > 0, 'someone else (the handler) was notified too');

			// Anonymous: 401. A cookie session without the CSRF header: 403.
			assertError(await new Client(srv.url).post('/api/notifications/read-all', {}), 401);
			const browser = new Client(srv.url);
			await browser.loginBrowser(DEMO.scjg_admin, DEMO.password);
			assertError(await browser.post('/api/notifications/read-all', {}, { csrf: false }), 403, 'csrf_failed');
			assert.equal((await admin.get('/api/notifications')).json.unread, unread);

			r = await browser.post('/api/notifications/read-all', {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.marked, unread);
			assert.equal(r.json.unread, 0);
			r = await admin.get('/api/notifications');
			assert.equal(r.json.unread, 0);
			assert.ok(r.json.items.every((n) => n.read === true && n.read_at > 0));
			// Nobody else's notifications were touched.
			assert.equal(Number(await sql(srv,
				`SELECT count(*) FROM notifications WHERE user_id <> ${adminId} AND read_at IS NULL`)), othersBefore);
			// Again: nothing to mark, nothing audited.
			r = await admin.post('/api/notifications/read-all', {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.marked, 0);
			assert.equal(await sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'notification.read_all'"), '1');
			const audit = await sql(srv, "SELECT summary FROM audit_log WHERE action = 'notification.read_all'");
			assert.match(audit, new RegExp(`"count":${unread}`));
			const v = await cli(['audit', 'verify', '--db', srv.dbUrl, '--var', srv.varDir]);
			assert.equal(v.code, 0, v.out + v.err);
		});
	});
}
