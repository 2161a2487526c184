// Supervision checks over HTTP, on every database in ONETRIP_DBS: the 体外循环
// check (monthly volumes reported or imported from a CSV, compared with the
// cases the platform holds; a gap beyond the threshold raises a ticket once;
// cases created and decided by one person within minutes are flagged) and
// the 三集中三到位 assessment (a checklist computed from the data and from
// evidence the department uploads, a score, findings issued as a notice with
// a deadline). Who may see and act on what: a department sees its own only;
// the supervisor sees all and cannot upload for a department; the hall
// admin reads.
//
// The server runs with --now 2026-11-02T10:00:00+08:00 and --no-jobs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-11-02T10:00:00+08:00';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

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

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`supervision checks (${db})`, () => {
		let srv, hall, ducha, scjg, scjgClerk, zj, person, depts, scjgItems, zjItem;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			const mk = async (who) => { const c = new Client(srv.url); await c.login(who, DEMO.password); return c; };
			hall = await mk(DEMO.hall);
			ducha = await mk(DEMO.ducha);
			scjg = await mk(DEMO.scjg_admin);
			scjgClerk = await mk(DEMO.scjg_clerk);
			zj = await mk(DEMO.zj_admin);
			person = await mk(DEMO.person);
			const r = await hall.get('/api/departments');
			depts = Object.fromEntries(r.json.items.map((d) => [d.name, d.id]));
			const rows = await sql(srv, `SELECT id || '|' || impl_code || '|' || handle_code FROM items
				WHERE dept_id = ${depts['县市场监管局']} ORDER BY id LIMIT 3`);
			scjgItems = rows.split('\n').map((l) => { const [id, impl, handle] = l.split('|'); return { id: Number(id), impl, handle }; });
			zjItem = Number(await sql(srv, `SELECT min(id) FROM items WHERE dept_id = ${depts['县住建局']}`));
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('体外循环: volumes reported and imported, a gap raises one ticket, each department sees its own', async () => {
			const scjgId = depts['县市场监管局'];
			const [a, b, c] = scjgItems;
			const count = () => sql(srv, 'SELECT count(*) FROM sv_volumes');
			const before = await count();

			// Bad input: clear Chinese errors, nothing stored.
			assertError(await scjg.post('/api/supervise/volumes', { month: '2026-13', rows: [{ item_id: a.id, volume: 1 }] }), 400, 'month');
			assertError(await scjg.post('/api/supervise/volumes', { month: '2026-11', rows: [{ item_id: a.id, volume: 1 }] }), 422, 'month');
			assertError(await scjg.post('/api/supervise/volumes', { month: '2026-10', rows: [] }), 400, 'rows');
			assertError(await scjg.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: -1 }] }), 400, 'rows');
			// A department reports its own items only; a clerk or the hall does not report.
			assertError(await scjg.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: 3 }, { item_id: zjItem, volume: 3 }] }), 403);
			assertError(await scjgClerk.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: 3 }] }), 403);
			assertError(await hall.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: 3 }] }), 403);
			assert.equal(await count(), before);

			// 12 reported, none on the platform in October: a gap, one ticket.
			let r = await scjg.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: 12 }, { item_id: b.id, volume: 0 }] });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.tickets, 1);
			const ra = r.json.items.find((x) => x.item_id === a.id);
			const plat = Number(await sql(srv, `SELECT count(*) FROM cases WHERE item_id = ${a.id}
				AND accepted_day >= '2026-10-01' AND accepted_day <= '2026-10-31'`));
			assert.ok(plat <= 9, 'the demo holds few October cases of the item');
			assert.equal(ra.reported, 12);
			assert.equal(ra.platform, plat);
			assert.equal(ra.gap_percent, Math.round((12 - plat) / 12 * 1000) / 10);
			assert.ok(ra.ticket_id > 0);
			assert.equal(r.json.items.find((x) => x.item_id === b.id).ticket_id, 0);
			// Reported again: the row is replaced, the ticket is not raised twice.
			r = await scjg.post('/api/supervise/volumes', { month: '2026-10', rows: [{ item_id: a.id, volume: 15 }] });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.tickets, 0);
			r = await ducha.get(`/api/supervise/tickets/${ra.ticket_id}`);
			assert.equal(r.json.source, 'volume_gap');
			assert.equal(r.json.dept_id, scjgId);
			assert.equal(r.json.ref_type, 'volume');
			assert.match(r.json.problem, /体外|系统外/);
			assert.equal((await scjg.get(`/api/supervise/tickets/${ra.ticket_id}`)).status, 200);
			assertError(await zj.get(`/api/supervise/tickets/${ra.ticket_id}`), 404);

			// CSV import by the supervisor; a bad line names itself and stores nothing.
			const mid = await count();
			assertError(await ducha.post('/api/supervise/volumes/import', {
				csv: `月份,实施编码,业务办理项编码,办件量\n2026-09,${c.impl},${c.handle},5\n2026-09,${c.impl},${c.handle},x\n`,
			}), 400, 'csv');
			r = await ducha.post('/api/supervise/volumes/import', { csv: `月份,实施编码,业务办理项编码,办件量\n2026-09,NOPE,,5\n` });
			assertError(r, 404, 'line_2');
			assert.match(r.json.error.message, /第 2 行/);
			assert.equal(await count(), mid);
			r = await ducha.post('/api/supervise/volumes/import', {
				csv: `月份,实施编码,业务办理项编码,办件量\r\n2026-09,${c.impl},${c.handle},2\r\n2026-09,${a.impl},${a.handle},0\r\n`,
			});
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.items.length, 2);
			assert.equal(r.json.tickets, 0, 'two cases below the minimum gap raise nothing');

			// The comparison: the supervisor all, a department its own.
			r = await ducha.get('/api/supervise/volumes?month=2026-10');
			assert.equal(r.status, 200, r.text);
			const row = r.json.items.find((x) => x.item_id === a.id);
			assert.equal(row.reported, 15);
			assert.equal(row.flagged, true);
			assert.equal(row.ticket_id, ra.ticket_id);
			assert.equal(r.json.gap_percent, 10);
			r = await hall.get('/api/supervise/volumes');
			assert.ok(r.json.items.length >= 3);
			assert.equal(r.json.can_report, false);
			r = await scjg.get('/api/supervise/volumes');
			assert.ok(r.json.items.length >= 3 && r.json.items.every((x) => x.dept_id === scjgId));
			r = await zj.get('/api/supervise/volumes');
			assert.ok(r.json.items.every((x) => x.dept_id !== scjgId));
			assertError(await zj.get(`/api/supervise/volumes?dept_id=${scjgId}`), 403, 'dept_id');
			assertError(await ducha.get('/api/supervise/volumes?month=10-2026'), 400, 'month');
			assertError(await person.get('/api/supervise/volumes'), 403);
		});

		test('补录: a case entered and decided by one person within minutes is flagged, a 即办件 is not', async () => {
			const scjgId = depts['县市场监管局'];
			const win = Number(await sql(srv, "SELECT window_id FROM users WHERE login = 'scjg_clerk'"));
			// A member of staff holding both the window's and the approver's role:
			// refused today (不相容岗位, tests/api/duties.test.mjs), so an account
			// from before that rule is made by hand from a clerk's.
			let r = await hall.post('/api/users', {
				login: 'scjg_both', name: '王双岗', password: DEMO.password, dept_id: scjgId, window_id: win,
				roles: ['clerk'],
			});
			assert.equal(r.status, 202, r.text);
			const admin = new Client(srv.url);
			await admin.login(DEMO.admin, DEMO.password);
			assert.equal((await admin.post(`/api/requests/${r.json.request.id}/approve`, {})).status, 200);
			await sql(srv, "UPDATE users SET roles = 6 WHERE login = 'scjg_both'");
			const both = new Client(srv.url);
			await both.login('scjg_both', DEMO.password);
			const g = await person.get('/api/guide/items?q=' + encodeURIComponent('食品小作坊登记') + '&limit=50');
			const item = g.json.items.find((i) => i.name === '食品小作坊登记');
			const guide = (await person.get(`/api/guide/items/${item.id}`)).json;
			const materials = [];
			for (let i = 0; i < guide.elements.materials.length; i++) {
				const u = await both.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			r = await both.post('/api/cases/walkin', {
				item_id: item.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' }, materials,
			});
			assert.equal(r.status, 201, r.text);
			let cs = r.json;
			// Another clerk accepts (受审分离 keeps the acceptor from deciding).
			for (const [who, path, body] of [[scjgClerk, 'accept', { mode: 'normal' }], [both, 'actions/forward', {}],
				[both, 'actions/pass', {}], [both, 'actions/approve', { reason: '准予许可' }]]) {
				r = await who.post(`/api/cases/${cs.id}/${path}`, { version: cs.version, ...body });
				assert.equal(r.status, 200, `${path}: ${r.text}`);
				cs = r.json;
			}
			assert.equal(cs.decision, 'approved');

			// A 即办件 decided at once at the window is what it should be: not flagged.
			const soon = (await person.get('/api/guide/items?q=' + encodeURIComponent('个体工商户设立登记') + '&limit=50')).json.items
				.find((i) => i.name === '个体工商户设立登记');
			const n = (await person.get(`/api/guide/items/${soon.id}`)).json.elements.materials.length;
			r = await both.post('/api/cases/walkin', {
				item_id: soon.id, applicant: { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' },
				materials: materials.slice(0, 1).concat(Array.from({ length: Math.max(0, n - 1) }, (_, i) => ({ index: i + 1, sha256: materials[0].sha256 }))),
			});
			assert.equal(r.status, 201, r.text);
			r = await both.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', approve: true, deliver_method: 'window', version: r.json.version });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.decision, 'approved');
			const instant = r.json.id;

			r = await ducha.get('/api/supervise/quick-cases');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.minutes, 10);
			assert.ok(!r.json.items.some((x) => x.case_id === instant));
			const q = r.json.items.find((x) => x.case_id === cs.id);
			assert.ok(q, r.text);
			assert.equal(q.user_name, '王双岗');
			assert.ok(q.seconds >= 0 && q.seconds <= 600);
			r = await hall.get(`/api/supervise/quick-cases?dept_id=${scjgId}`);
			assert.ok(r.json.items.some((x) => x.case_id === cs.id));
			r = await scjg.get('/api/supervise/quick-cases');
			assert.ok(r.json.items.some((x) => x.case_id === cs.id));
			r = await zj.get('/api/supervise/quick-cases');
			assert.ok(!r.json.items.some((x) => x.case_id === cs.id));
			assertError(await ducha.get('/api/supervise/quick-cases?from=2026-02-30'), 400, 'from');
		});

		test('the desk counts bad ratings and their loops, by department and period', async () => {
			let r = await ducha.get('/api/supervise/desk');
			assert.equal(r.status, 200, r.text);
			const bad = Number(await sql(srv, 'SELECT count(*) FROM ratings WHERE bad = 1 AND excluded = 0'));
			const loops = Number(await sql(srv, 'SELECT count(*) FROM rating_loops WHERE closed_at IS NULL'));
			assert.equal(r.json.totals.bad_ratings, bad);
			assert.equal(r.json.totals.loops_open, loops);
			assert.ok(bad > 0, 'the demo has bad ratings');
			const sum = r.json.by_dept.reduce((n, d) => n + d.bad_ratings, 0);
			assert.equal(sum, bad);
			const day = await sql(srv, 'SELECT max(day) FROM ratings WHERE bad = 1 AND excluded = 0');
			const onDay = Number(await sql(srv, `SELECT count(*) FROM ratings WHERE bad = 1 AND excluded = 0 AND day = '${day}'`));
			r = await hall.get(`/api/supervise/desk?from=${day}&to=${day}`);
			assert.equal(r.json.totals.bad_ratings, onDay);
			assert.equal(r.json.read_only, true);
		});

		test('评估验收: checklist from data and evidence, a score, findings issued as a notice', async () => {
			const scjgId = depts['县市场监管局'];
			const zjId = depts['县住建局'];

			let r = await ducha.get(`/api/supervise/assessments/preview?dept_id=${scjgId}&period=2026-Q4`);
			assert.equal(r.status, 200, r.text);
			const p0 = r.json;
			assert.equal(p0.dept_name, '县市场监管局');
			assert.equal(p0.period, '2026-Q4');
			assert.equal(p0.checks.length, 8);
			assert.ok(p0.score >= 0 && p0.score <= 100);
			const st = p0.checks.find((k) => k.key === 'stationing_rate');
			assert.equal(st.source, 'data');
			assert.ok(st.ratio >= 0 && st.ratio <= 1);
			assert.equal(p0.checks.reduce((s, k) => s + k.weight, 0), 100);
			// The 体外循环 volumes of October count in the quarter.
			assert.equal(p0.checks.find((k) => k.key === 'no_outside').source, 'data');

			// Bad input and scope.
			assertError(await ducha.get(`/api/supervise/assessments/preview?dept_id=${scjgId}&period=2026-Q5`), 400, 'period');
			assertError(await ducha.get('/api/supervise/assessments/preview?dept_id=999999'), 404, 'dept_id');
			assertError(await zj.get(`/api/supervise/assessments/preview?dept_id=${scjgId}`), 403, 'dept_id');
			assert.equal((await scjg.get(`/api/supervise/assessments/preview?dept_id=${scjgId}`)).status, 200);
			assertError(await person.get(`/api/supervise/assessments/preview?dept_id=${scjgId}`), 403);

			// Evidence: 住建's admin uploads its signed 进驻方案, the supervisor reviews it once.
			r = await ducha.get(`/api/supervise/assessments/preview?dept_id=${zjId}&period=2026-Q4`);
			const z0 = r.json;
			const zplan0 = z0.checks.find((k) => k.key === 'stationing_plan');
			assert.equal(zplan0.source, 'evidence');
			assert.equal(zplan0.state, 'unknown');
			assert.equal(zplan0.finding, true);
			const evBefore = await sql(srv, 'SELECT count(*) FROM sv_evidence');
			assertError(await zj.post('/api/supervise/evidence?measure=nope', PDF, { headers: { 'Content-Type': 'application/pdf' } }), 400, 'measure');
			assertError(await zj.post('/api/supervise/evidence?measure=stationing_plan', Buffer.from('hello'), { headers: { 'Content-Type': 'application/pdf' } }), 415);
			assertError(await ducha.post('/api/supervise/evidence?measure=stationing_plan', PDF, { headers: { 'Content-Type': 'application/pdf' } }), 403);
			assert.equal(await sql(srv, 'SELECT count(*) FROM sv_evidence'), evBefore);
			r = await zj.post(`/api/supervise/evidence?measure=stationing_plan&note=${encodeURIComponent('局长签字盖章')}&name=plan.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
			assert.equal(r.status, 201, r.text);
			const ev = r.json;
			assert.equal(ev.status, 'pending');
			assert.equal(ev.dept_id, zjId);
			assert.equal(ev.measure_label, '进驻方案签字盖章');
			r = await ducha.get(`/api/supervise/assessments/preview?dept_id=${zjId}&period=2026-Q4`);
			assert.equal(r.json.checks.find((k) => k.key === 'stationing_plan').evidence_pending, true);
			assert.equal(r.json.score, z0.score, 'evidence not yet reviewed earns nothing');
			assertError(await zj.post(`/api/supervise/evidence/${ev.id}/accept`, {}), 403);
			assert.ok(!(await scjg.get('/api/supervise/evidence')).json.items.some((x) => x.id === ev.id));
			assertError(await scjg.get(`/api/supervise/evidence/${ev.id}/file`), 404);
			assert.equal((await hall.get(`/api/supervise/evidence/${ev.id}/file`)).status, 200);
			r = await ducha.post(`/api/supervise/evidence/${ev.id}/accept`, {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'accepted');
			assertError(await ducha.post(`/api/supervise/evidence/${ev.id}/reject`, {}), 409);
			assertError(await ducha.post('/api/supervise/evidence/999999/accept', {}), 404);
			r = await ducha.get(`/api/supervise/assessments/preview?dept_id=${zjId}&period=2026-Q4`);
			const zplan1 = r.json.checks.find((k) => k.key === 'stationing_plan');
			assert.equal(zplan1.state, 'met');
			assert.equal(zplan1.points, 10);
			assert.equal(r.json.score, Math.round((z0.score + 10) * 10) / 10);

			// The assessment: findings need a deadline; they become one notice.
			const findings = r.json.findings;
			assert.ok(findings > 0, '住建 has findings in the demo');
			const nBefore = await sql(srv, 'SELECT count(*) FROM sv_assessments');
			const notesBefore = await sql(srv, 'SELECT count(*) FROM sv_notices');
			assertError(await ducha.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q4' }), 400, 'deadline_day');
			assertError(await ducha.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q4', deadline_day: '2026-10-01' }), 422, 'deadline_day');
			assertError(await ducha.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q9', deadline_day: '2026-12-31' }), 400, 'period');
			assertError(await zj.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q4', deadline_day: '2026-12-31' }), 403);
			assertError(await hall.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q4', deadline_day: '2026-12-31' }), 403);
			assert.equal(await sql(srv, 'SELECT count(*) FROM sv_assessments'), nBefore);
			assert.equal(await sql(srv, 'SELECT count(*) FROM sv_notices'), notesBefore);
			r = await ducha.post('/api/supervise/assessments', { dept_id: zjId, period: '2026-Q4', deadline_day: '2026-12-31' });
			assert.equal(r.status, 201, r.text);
			const as = r.json;
			assert.equal(as.dept_id, zjId);
			assert.equal(as.findings, findings);
			assert.equal(as.score, Math.round((z0.score + 10) * 10) / 10);
			assert.equal(as.checks.length, 8);
			assert.ok(as.notice_id > 0);
			assert.match(as.notice_no, /^白督通〔2026〕\d+号$/);
			assert.equal(as.deadline_day, '2026-12-31');
			r = await zj.get(`/api/supervise/notices/${as.notice_id}`);
			assert.equal(r.status, 200, r.text);
			assert.match(r.json.title, /评估验收/);
			assert.match(r.json.finding, /存在以下问题/);
			assert.equal(r.json.depts.length, 1);
			assert.equal(r.json.depts[0].dept_id, zjId);
			assert.equal(r.json.can.answer, true);
			assertError(await scjg.get(`/api/supervise/notices/${as.notice_id}`), 404);
			r = await zj.get('/api/supervise/assessments');
			assert.ok(r.json.items.some((x) => x.id === as.id));
			r = await scjg.get('/api/supervise/assessments');
			assert.ok(r.json.items.every((x) => x.dept_id === scjgId));
			r = await hall.get(`/api/supervise/assessments?dept_id=${zjId}`);
			assert.ok(r.json.items.some((x) => x.id === as.id));
		});
	});
}
