// The working-day clock over HTTP, on every database in ONETRIP_DBS: the
// public calendar and deadline, calendar edits recomputing open cases
// (audited), a case crossing the National Day holiday, the sweeper warning
// yellow then red exactly once (also from two processes at once),
// notifications, the SMS outbox, overdue explanations, and a case waiting
// for a supplement that is never overdue and is closed after the time-out.
//
// The server runs with --now 2026-09-28T10:00:00+08:00 and --no-jobs; the
// jobs run through `onetrip jobs run-once --now <later day>`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-28T10:00:00+08:00';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

// One value-per-line query against the server's database.
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

async function runJobs(srv, day) {
	const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir,
		'--now', `${day}T10:00:00+08:00`]);
	assert.equal(r.code, 0, `jobs run-once ${day}: ${r.err}`);
	return r;
}

async function login(srv, who) {
	const c = new Client(srv.url);
	await c.login(who, DEMO.password);
	return c;
}

for (const db of dbKinds()) {
	describe(`deadlines (${db})`, () => {
		let srv, hall, person, clerk, clerkLogin, admin, approver, itemId, deptId, haveCases = false;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			hall = await login(srv, DEMO.hall);
			person = await login(srv, DEMO.person);
			// A published 5-working-day item accepted at a demo clerk's window.
			const row = await sql(srv, `SELECT i.id || '|' || u.login || '|' || i.dept_id FROM items i
				JOIN window_items wi ON wi.item_id = i.id JOIN users u ON u.window_id = wi.window_id
				WHERE i.status = 'published' AND i.promised_days = 5 AND i.rongque = 0
				AND u.login IN ('scjg_clerk', 'window01') ORDER BY u.login, i.id LIMIT 1`);
			if (row) {
				const [id, l, d] = row.split('|');
				itemId = Number(id);
				clerkLogin = l;
				deptId = Number(d);
				clerk = await login(srv, clerkLogin);
				const roles = await sql(srv, `SELECT login || '|' || roles FROM users WHERE dept_id = ${deptId} AND kind = 'S'`);
				for (const line of roles.split('\n')) {
					const [l2, r2] = line.split('|');
					if ((Number(r2) & 8) && !admin) admin = await login(srv, l2);
					if ((Number(r2) & 4) && !approver) approver = await login(srv, l2);
				}
				assert.ok(admin, 'the department has an administrator');
			}
			const probe = await person.get('/api/cases?mine=1');
			haveCases = probe.status === 200;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('public calendar: the year, the National Day, bad input', async () => {
			const anon = new Client(srv.url);
			let r = await anon.get('/api/calendar?year=2026');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.year, 2026);
			assert.equal(r.json.has_data, true);
			assert.equal(r.json.days.length, 365);
			const oct1 = r.json.overrides.find((o) => o.day === '2026-10-01');
			assert.deepEqual([oct1.kind, oct1.name, oct1.source], ['off', '国庆节', 'national']);
			const oct10 = r.json.days.find((d) => d.date === '2026-10-10');
			assert.equal(oct10.workday, true, 'the 调休 Saturday is a working day');
			assert.equal(r.json.days.find((d) => d.date === '2026-10-05').workday, false);
			assertError(await anon.get('/api/calendar?year=20x6'), 400);
			assertError(await anon.get('/api/calendar'), 400);

			r = await anon.get('/api/calendar/deadline?date=2026-09-28&n=5');
			assert.equal(r.status, 200, r.text);
			const c = await cli(['calendar', 'deadline', '2026-09-28', '5', '--db', srv.dbUrl]);
			assert.equal(c.code, 0, c.err);
			assert.equal(r.json.due_day, c.out.trim());
			assert.equal(r.json.due_day, '2026-10-10');
			assertError(await anon.get('/api/calendar/deadline?date=2026-09-28&n=1001'), 400);
			assertError(await anon.get('/api/calendar/deadline?date=2026-02-30&n=1'), 400);
			assertError(await anon.get('/api/calendar/deadline?date=2026-09-28&n=-1'), 400);
		});

		test('calendar edits: hall only, validated, audited, seen by the CLI', async () => {
			const anon = new Client(srv.url);
			assertError(await anon.put('/api/calendar/2026-11-02', { kind: 'off', name: '测试' }), 401);
			const staff = await login(srv, DEMO.window01);
			assertError(await staff.put('/api/calendar/2026-11-02', { kind: 'off', name: '测试' }), 403);
			assertError(await hall.put('/api/calendar/2026-11-02', { kind: 'work', name: '调休' }), 422, 'work_on_weekday');
			assertError(await hall.put('/api/calendar/2026-11-02', { kind: 'off' }), 400);
			assertError(await hall.put('/api/calendar/2026-11-02', { kind: 'maybe', name: 'x' }), 400);
			assertError(await hall.put('/api/calendar/2026-11-31', { kind: 'off', name: 'x' }), 400);
			assertError(await hall.put('/api/calendar/2026-11-02', { kind: 'off', name: 'x'.repeat(33) }), 400);

			let r = await hall.put('/api/calendar/2026-11-02', { kind: 'off', name: '防汛调休' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.workday, false);
			const version = r.json.version;
			r = await hall.get('/api/calendar/deadline?date=2026-10-30&n=1');
			assert.equal(r.json.due_day, '2026-11-03');
			const c = await cli(['calendar', 'deadline', '2026-10-30', '1', '--db', srv.dbUrl]);
			assert.equal(c.out.trim(), '2026-11-03');
			const audit = await sql(srv, `SELECT summary FROM audit_log WHERE action = 'calendar.set' AND object_id = '2026-11-02'`);
			assert.match(audit, /"recomputed":\d+/);
			assert.match(audit, /"before":\{[^}]*"kind":"normal"/);
			assert.match(audit, /防汛调休/);
			r = await hall.put('/api/calendar/2026-11-02', { kind: 'normal' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.workday, true);
			assert.ok(r.json.version > version);
			r = await anon.get('/api/calendar/deadline?date=2026-10-30&n=1');
			assert.equal(r.json.due_day, '2026-11-02');
		});

		// Applies for the item as the person and accepts it at the window.
		async function newCase({ accept = true } = {}) {
			const g = await person.get(`/api/guide/items/${itemId}`);
			assert.equal(g.status, 200, g.text);
			const mats = (g.json.materials || g.json.elements?.materials || g.json.item?.materials || []);
			const materials = [];
			for (let i = 0; i < mats.length; i++) {
				if (mats[i].necessity !== 'required') continue;
				const u = await person.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			let r = await person.post('/api/cases', { item_id: itemId, form: {}, materials });
			assert.equal(r.status, 201, r.text);
			if (!accept) return r.json;
			r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
			assert.equal(r.status, 200, r.text);
			return r.json;
		}

		test('a case over the National Day, calendar edit recomputes it, warnings once', async (t) => {
			if (!haveCases || !itemId) return t.skip('case API or a 5-day item not available');
			const k = await newCase();
			assert.equal(k.accepted_day, '2026-09-28');
			assert.equal(k.budget_days, 5);
			const c = await cli(['calendar', 'deadline', '2026-09-28', '5', '--db', srv.dbUrl]);
			assert.equal(k.due_day, c.out.trim());
			assert.equal(k.due_day, '2026-10-10');
			assert.equal(k.warn_level, 'green');

			// The hall makes 10-09 a rest day: the open case moves to 10-12.
			let r = await hall.put('/api/calendar/2026-10-09', { kind: 'off', name: '临时调整' });
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.recomputed >= 1);
			r = await clerk.get(`/api/cases/${k.id}`);
			assert.equal(r.json.due_day, '2026-10-12');
			const audit = await sql(srv, `SELECT summary FROM audit_log WHERE action = 'calendar.set' AND object_id = '2026-10-09'`);
			assert.match(audit, /"recomputed":[1-9]/);
			r = await hall.put('/api/calendar/2026-10-09', { kind: 'normal' });
			assert.equal(r.status, 200);
			r = await clerk.get(`/api/cases/${k.id}`);
			assert.equal(r.json.due_day, '2026-10-10');

			// 10-09: one working day left -> yellow, once, even run twice.
			await runJobs(srv, '2026-10-09');
			await runJobs(srv, '2026-10-09');
			r = await admin.get(`/api/warnings?dept_id=${deptId}`);
			assert.equal(r.status, 200, r.text);
			let mine = r.json.items.filter((w) => w.case_id === k.id);
			assert.deepEqual(mine.map((w) => w.level), ['yellow']);
			r = await admin.get('/api/notifications');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.items.filter((n) => n.case_id === k.id && n.kind === 'deadline_yellow').length, 1);

			// 10-13: overdue -> red, once, from two processes at once.
			await Promise.all([runJobs(srv, '2026-10-13'), runJobs(srv, '2026-10-13')]);
			r = await admin.get(`/api/warnings?level=red`);
			mine = r.json.items.filter((w) => w.case_id === k.id);
			assert.equal(mine.length, 1);
			assert.equal(mine[0].days_overdue, 2);
			assert.equal(mine[0].due_day, '2026-10-10');
			assert.equal(mine[0].explanation, null);
			r = await admin.get('/api/notifications');
			const red = r.json.items.filter((n) => n.case_id === k.id && n.kind === 'deadline_red');
			assert.equal(red.length, 1);
			assert.match(red[0].body, /超期 2 个工作日/);
			r = await admin.post(`/api/notifications/${red[0].id}/read`);
			assert.equal(r.status, 204, r.text);
			r = await admin.get('/api/notifications');
			assert.equal(r.json.items.find((n) => n.id === red[0].id).read, true);
			assertError(await person.post(`/api/notifications/${red[0].id}/read`), 404);
			const smsCount = await sql(srv, `SELECT count(*) FROM outbox WHERE payload LIKE '%${k.case_no}%'`);
			assert.ok(Number(smsCount) >= 2, `outbox rows: ${smsCount}`);
			assert.equal(await sql(srv, `SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND payload LIKE '%${k.case_no}%'`), '0');
			const log = readFileSync(`${srv.varDir}/sms-outbox.log`, 'utf8');
			assert.ok(log.split('\n').filter((l) => l.includes(k.case_no)).length >= 2);

			// Overdue explanation: the department's staff, red cases only.
			let other = await login(srv, DEMO.zj_sp);
			if (other.user.dept_id === deptId) other = await login(srv, DEMO.scjg_sp);
			assertError(await person.post(`/api/cases/${k.id}/overdue-explanation`, { reason: 'x', measures: 'y', new_date: '2026-10-16' }), 403);
			const explainer = approver || admin;
			r = await explainer.post(`/api/cases/${k.id}/overdue-explanation`, { reason: '', measures: 'y', new_date: '2026-10-16' });
			assertError(r, 400);
			r = await explainer.post(`/api/cases/${k.id}/overdue-explanation`, { reason: '现场核查排期', measures: '加派人手', new_date: '2026-10-16' });
			assert.equal(r.status, 201, r.text);
			assertError(await other.post(`/api/cases/${k.id}/overdue-explanation`, { reason: 'a', measures: 'b', new_date: '2026-10-16' }), 403);
			r = await (await login(srv, DEMO.ducha)).get('/api/warnings?level=red');
			assert.equal(r.status, 200);
			const w = r.json.items.find((x) => x.case_id === k.id);
			assert.equal(w.explanation.measures, '加派人手');
			assert.equal(w.case_no, k.case_no);
			assert.ok(w.item_name && w.dept_name);
			assertError(await person.get('/api/warnings'), 403);
			assertError(await hall.get('/api/warnings?level=purple'), 400);
		});

		test('the deadline pass looks at a case once a day, and again the same day after the calendar moves it', async (t) => {
			if (!haveCases || !itemId) return t.skip('case API or a 5-day item not available');
			const k = await newCase();
			assert.equal(k.due_day, '2026-10-10');
			const row = () => sql(srv, `SELECT swept_day || '|' || warn_level || '|' || remaining_days FROM cases WHERE id = ${k.id}`);
			await runJobs(srv, '2026-10-08');
			assert.equal(await row(), '2026-10-08|green|2');
			// Looked at today: a second round the same day leaves the row
			// alone (the stored figure, spoilt here, stays), the next day's
			// round computes it again.
			await sql(srv, `UPDATE cases SET remaining_days = 99 WHERE id = ${k.id}`);
			await runJobs(srv, '2026-10-08');
			assert.equal(await row(), '2026-10-08|green|99');
			await runJobs(srv, '2026-10-09');
			assert.equal(await row(), '2026-10-09|yellow|1');
			// The hall makes Sunday 10-04 a working day: due 10-09, and the case is
			// looked at again in the next round of the same day.
			const k2 = await newCase();
			await runJobs(srv, '2026-10-08');
			assert.equal(await sql(srv, `SELECT swept_day || '|' || warn_level FROM cases WHERE id = ${k2.id}`), '2026-10-08|green');
			let r = await hall.put('/api/calendar/2026-10-04', { kind: 'work', name: '临时调整' });
			assert.equal(r.status, 200, r.text);
			try {
				assert.equal(await sql(srv, `SELECT swept_day || '|' || due_day FROM cases WHERE id = ${k2.id}`), '|2026-10-09');
				await runJobs(srv, '2026-10-08');
				r = await admin.get(`/api/warnings?dept_id=${deptId}`);
				assert.equal(r.status, 200, r.text);
				assert.deepEqual(r.json.items.filter((w) => w.case_id === k2.id).map((w) => w.level), ['yellow']);
			} finally {
				r = await hall.put('/api/calendar/2026-10-04', { kind: 'normal' });
				assert.equal(r.status, 200, r.text);
			}
		});

		test('waiting for a supplement is never overdue; the time-out closes the case', async (t) => {
			if (!haveCases || !itemId) return t.skip('case API or a 5-day item not available');
			const k = await newCase({ accept: false });
			let r = await clerk.post(`/api/cases/${k.id}/supplement-request`, {
				items: [{ index: 0, problem: '签字不清晰' }], note: '请补正', version: k.version,
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.state, 'supplement');
			await runJobs(srv, '2026-10-16'); // 10 working days of waiting
			r = await person.get(`/api/cases/${k.id}`);
			assert.equal(r.json.state, 'supplement');
			assert.notEqual(r.json.warn_level, 'red');
			assert.equal(await sql(srv, `SELECT count(*) FROM case_warnings WHERE case_id = ${k.id}`), '0');
			await runJobs(srv, '2026-10-19'); // the 11th
			await runJobs(srv, '2026-10-19');
			r = await person.get(`/api/cases/${k.id}`);
			assert.equal(r.json.state, 'terminated');
			assert.ok(r.json.closed_at);
			r = await person.get('/api/notifications');
			assert.equal(r.json.items.filter((n) => n.case_id === k.id && n.kind === 'supplement_timeout').length, 1);
			assert.equal(await sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'case.supplement_timeout' AND object_id = '${k.id}'`), '1');
			assert.ok(existsSync(`${srv.varDir}/sms-outbox.log`));
			const log = readFileSync(`${srv.varDir}/sms-outbox.log`, 'utf8');
			// The applicant's SMS names the case by its short query code (one segment).
			assert.ok(log.split('\n').some((l) => l.includes(k.query_code) && l.includes('退办')), 'SMS to the applicant');
		});

		test('jobs run-once: usage errors', async () => {
			let r = await cli(['jobs']);
			assert.equal(r.code, 2);
			r = await cli(['jobs', 'run-twice', '--db', srv.dbUrl]);
			assert.equal(r.code, 2);
			r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--now', 'yesterday']);
			assert.equal(r.code, 2);
		});
	});
}
