// Supervision over HTTP, on every database in ONETRIP_DBS: problem tickets
// (opened by the supervisor, answered, extended through the one request
// queue, resolved and rated by the reporter), 亲商助企日 problems becoming
// tickets, a stalled case raising a ticket that escalates along the
// configured path, and who may see and act on what (a department sees only
// its own tickets; the supervisor sees all but cannot act as a department;
// the hall admin reads only).
//
// The server runs with --now 2026-11-02T10:00:00+08:00 (a Monday) and
// --no-jobs; the sweeper runs through `onetrip jobs run-once --now <day>`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-11-02T10:00:00+08:00';
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

async function runJobs(srv, day) {
	const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir,
		'--now', `${day}T10:00:00+08:00`]);
	assert.equal(r.code, 0, `jobs run-once ${day}: ${r.err}`);
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`supervision (${db})`, () => {
		let srv, hall, ducha, scjg, scjgSp, zj, person, depts;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			const mk = async (who) => { const c = new Client(srv.url); await c.login(who, DEMO.password); return c; };
			hall = await mk(DEMO.hall);
			ducha = await mk(DEMO.ducha);
			scjg = await mk(DEMO.scjg_admin);
			scjgSp = await mk(DEMO.scjg_sp);
			zj = await mk(DEMO.zj_admin);
			person = await mk(DEMO.person);
			const r = await hall.get('/api/departments');
			depts = Object.fromEntries(r.json.items.map((d) => [d.name, d.id]));
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('a ticket: opened, seen by its department only, answered, extended, resolved, rated', async () => {
			const scjgId = depts['县市场监管局'];
			const zjId = depts['县住建局'];
			const before = await sql(srv, 'SELECT count(*) FROM sv_tickets');

			// Bad input: clear Chinese errors, nothing stored.
			assertError(await ducha.post('/api/supervise/tickets', { source: 'nope', dept_id: scjgId, problem: 'x' }), 400, 'source');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId }), 400, 'problem');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: 999999, problem: 'x' }), 404, 'dept_id');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, problem: 'x', promised_day: '2026-13-01' }), 400, 'promised_day');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, problem: 'x', promised_day: '2026-10-01' }), 422, 'promised_day');
			// Only the supervisor opens tickets by hand.
			assertError(await hall.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, problem: 'x' }), 403);
			assertError(await scjg.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, problem: 'x' }), 403);
			assert.equal(await sql(srv, 'SELECT count(*) FROM sv_tickets'), before);

			let r = await ducha.post('/api/supervise/tickets', {
				source: 'complaint', dept_id: scjgId, other_dept_ids: [zjId],
				title: '食品经营许可现场核查拖延', problem: '企业反映现场核查预约后两周无人上门。',
			});
			assert.equal(r.status, 201, r.text);
			const t = r.json;
			assert.equal(t.status, 'open');
			assert.equal(t.source_label, '投诉');
			assert.equal(t.dept_name, '县市场监管局');
			assert.equal(t.depts.length, 2);
			// 10 working days from Monday 2026-11-02.
			assert.equal(t.promised_day, '2026-11-16');
			assert.equal(t.can.answer, false, 'the supervisor cannot act as a department');

			// Visibility: the lead and the co-responsible department see it; another does not.
			const other = await (async () => { const c = new Client(srv.url); await c.login(DEMO.scjg_clerk, DEMO.password); return c; })();
			assert.equal((await scjg.get(`/api/supervise/tickets/${t.id}`)).status, 200);
			assert.equal((await zj.get(`/api/supervise/tickets/${t.id}`)).status, 200);
			assert.equal((await other.get(`/api/supervise/tickets/${t.id}`)).status, 200);
			assertError(await person.get(`/api/supervise/tickets/${t.id}`), 404);
			r = await scjg.get('/api/supervise/tickets');
			assert.ok(r.json.items.every((x) => x.dept_id === scjgId || x.id === t.id));
			assertError(await scjg.get(`/api/supervise/tickets?dept_id=${zjId}`), 403, 'dept_id');
			assert.ok((await hall.get('/api/supervise/tickets')).json.items.some((x) => x.id === t.id));

			// The supervisor and the hall admin cannot answer for the department.
			assertError(await ducha.post(`/api/supervise/tickets/${t.id}/answer`, { reason: 'r', measures: 'm' }), 403);
			assertError(await hall.post(`/api/supervise/tickets/${t.id}/answer`, { reason: 'r', measures: 'm' }), 403);
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/answer`, { reason: '', measures: 'm' }), 400, 'reason');
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/answer`, { reason: 'r', measures: 'm', promised_day: '2026-12-30' }), 422, 'promised_day');
			r = await scjg.post(`/api/supervise/tickets/${t.id}/answer`, {
				reason: '核查人员集中参加培训，预约未及时分派。', measures: '当日分派核查人员，三日内上门。', promised_day: '2026-11-10',
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'answered');
			assert.equal(r.json.promised_day, '2026-11-10');
			assert.equal(r.json.can.answer, true);

			// A later date goes through the one request queue, decided by the supervisor.
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/extend`, { new_day: '2026-11-05', reason: '需要' }), 422, 'new_day');
			r = await scjg.post(`/api/supervise/tickets/${t.id}/extend`, { new_day: '2026-11-20', reason: '企业要求改期核查' });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.kind, 'ticket_extension');
			const reqId = r.json.id;
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/extend`, { new_day: '2026-11-21', reason: '再次' }), 409);
			assertError(await scjg.post(`/api/requests/${reqId}/approve`, {}), 403);
			r = await ducha.post(`/api/requests/${reqId}/approve`, { reason: '同意' });
			assert.equal(r.status, 200, r.text);
			r = await scjg.get(`/api/supervise/tickets/${t.id}`);
			assert.equal(r.json.promised_day, '2026-11-20');
			assert.ok(r.json.events.some((ev) => ev.action === 'extend_approved'));

			// Resolved by the department, rated by the reporter (the supervisor here).
			assertError(await ducha.post(`/api/supervise/tickets/${t.id}/rate`, { rating: 5 }), 409);
			r = await scjgSp.post(`/api/supervise/tickets/${t.id}/resolve`, { result: '已于 11 月 4 日完成现场核查并发证。' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'resolved');
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/rate`, { rating: 5 }), 403);
			assertError(await ducha.post(`/api/supervise/tickets/${t.id}/rate`, { rating: 9 }), 400, 'rating');
			assertError(await ducha.post(`/api/supervise/tickets/${t.id}/rate`, { rating: 2 }), 400, 'comment');
			r = await ducha.post(`/api/supervise/tickets/${t.id}/rate`, { rating: 5, comment: '处理及时' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'closed');
			assert.equal(r.json.rating, 5);
			assertError(await scjg.post(`/api/supervise/tickets/${t.id}/resolve`, { result: '再次' }), 409);
			const acts = r.json.events.map((ev) => ev.action);
			assert.deepEqual(acts, ['open', 'answer', 'extend_request', 'extend_approved', 'resolve', 'rate']);
		});

		test('亲商助企日: the day is recorded and its problems become tickets', async () => {
			const scjgId = depts['县市场监管局'];
			assertError(await ducha.post('/api/supervise/qinshang', { day: '2026-11-02', host: '县营商办', enterprises: [] }), 400, 'enterprises');
			assertError(await scjg.post('/api/supervise/qinshang', { day: '2026-11-02', host: '县营商办', enterprises: ['甲'] }), 403);
			let r = await ducha.post('/api/supervise/qinshang', {
				day: '2026-11-02', host: '县营商办', enterprises: ['白河县秦岭餐饮有限公司', '白河县汉江建材厂'],
				notes: '走访两家企业，收集问题两条。',
				problems: [
					{ dept_id: scjgId, problem: '食品经营许可变更需重复提交营业执照。' },
					{ dept_id: depts['县住建局'], problem: '施工许可办理进度无法在线查询。', title: '施工许可进度查询' },
				],
			});
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.ticket_ids.length, 2);
			r = await ducha.get(`/api/supervise/tickets?ref_type=qinshang&ref_id=${r.json.id}`);
			assert.equal(r.json.items.length, 2);
			assert.ok(r.json.items.every((x) => x.source === 'qinshang'));
			r = await hall.get('/api/supervise/qinshang');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.items[0].tickets, 2);
			assertError(await scjg.get('/api/supervise/qinshang'), 403);
		});

		test('a stalled case raises a ticket once, which escalates along the path and closes', async (t) => {
			const row = await sql(srv, `SELECT i.id || '|' || i.dept_id FROM items i
				JOIN window_items wi ON wi.item_id = i.id JOIN users u ON u.window_id = wi.window_id
				WHERE i.status = 'published' AND i.promised_days >= 15 AND i.rongque = 0
				AND u.login = 'scjg_clerk' ORDER BY i.id LIMIT 1`);
			if (!row) return t.skip('no long item at the 市场监管 window');
			const [itemId, deptId] = row.split('|').map(Number);
			const clerk = new Client(srv.url);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
			const g = await person.get(`/api/guide/items/${itemId}`);
			const mats = g.json.materials || g.json.elements?.materials || g.json.item?.materials || [];
			const materials = [];
			for (let i = 0; i < mats.length; i++) {
				if (mats[i].necessity !== 'required') continue;
				const u = await person.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			let r = await person.post('/api/cases', { item_id: itemId, form: {}, materials });
			assert.equal(r.status, 201, r.text);
			r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
			assert.equal(r.status, 200, r.text);
			const caseId = r.json.id;

			// Four working days without a step: not stalled yet.
			await runJobs(srv, '2026-11-06');
			r = await ducha.get(`/api/supervise/tickets?case_id=${caseId}`);
			assert.equal(r.json.items.length, 0);
			// Five (the setting): one ticket, not two.
			await runJobs(srv, '2026-11-09');
			await runJobs(srv, '2026-11-09');
			r = await ducha.get(`/api/supervise/tickets?case_id=${caseId}&source=stalled`);
			assert.equal(r.json.items.length, 1, r.text);
			const tk = r.json.items[0];
			assert.equal(tk.dept_id, deptId);
			assert.equal(tk.promised_day, '2026-11-23');
			assert.equal(tk.level, 0);
			assert.ok((await scjg.get(`/api/supervise/tickets/${tk.id}`)).status === 200);
			assertError(await zj.get(`/api/supervise/tickets/${tk.id}`), 404);

			// Past the promised date: 县职转办, three working days later 县营商办, then 县审改办.
			await runJobs(srv, '2026-11-24');
			r = await ducha.get(`/api/supervise/tickets/${tk.id}`);
			assert.equal(r.json.level, 1);
			assert.equal(r.json.level_body, '县职转办');
			// (the server's own clock stays at 2026-11-02: not overdue there)
			assert.equal(r.json.overdue, false);
			await runJobs(srv, '2026-11-27');
			r = await ducha.get(`/api/supervise/tickets/${tk.id}`);
			assert.equal(r.json.level_body, '县营商办');
			await runJobs(srv, '2026-12-15');
			await runJobs(srv, '2026-12-16');
			r = await ducha.get(`/api/supervise/tickets/${tk.id}`);
			assert.equal(r.json.level, 3);
			assert.equal(r.json.level_body, '县审改办');
			assert.equal(r.json.events.filter((ev) => ev.action === 'escalate').length, 3);
			// Past its due day the case has its own ticket too, once.
			r = await ducha.get(`/api/supervise/tickets?case_id=${caseId}&source=overdue`);
			assert.equal(r.json.items.length, 1, r.text);
			assert.equal(r.json.items[0].dept_id, deptId);
			assert.match(r.json.items[0].title, /超期未办结/);
			r = await ducha.get('/api/supervise/tickets?escalated=1');
			assert.ok(r.json.items.some((x) => x.id === tk.id));
			const notes = (await scjg.get('/api/notifications')).json.items;
			assert.ok(notes.some((n) => n.kind === 'ticket_escalated'));

			// The department answers and resolves; the supervisor closes it.
			r = await scjg.post(`/api/supervise/tickets/${tk.id}/answer`, { reason: '审批人员休假', measures: '已安排 AB 角' });
			assert.equal(r.status, 200, r.text);
			r = await scjg.post(`/api/supervise/tickets/${tk.id}/resolve`, { result: '办件已办结' });
			assert.equal(r.status, 200, r.text);
			assertError(await hall.post(`/api/supervise/tickets/${tk.id}/close`, { note: 'x' }), 403);
			assertError(await ducha.post(`/api/supervise/tickets/${tk.id}/close`, {}), 400, 'note');
			r = await ducha.post(`/api/supervise/tickets/${tk.id}/close`, { note: '已核实办结' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'closed');
		});

		test('notices: issued, answered, sent back, accepted; a department sees only its own; published sealed', async () => {
			const scjgId = depts['县市场监管局'];
			const zjId = depts['县住建局'];
			const body = {
				title: '窗口授权不到位', finding: '部分进驻事项仍回原单位审批，窗口仅收件。',
				basis: '白政办发〔2024〕1号 三（四）提高窗口授权', rectification: '充分授予窗口审批决定权，启用审批专用章。',
				deadline_day: '2026-11-30', dept_ids: [scjgId, zjId],
			};
			assertError(await ducha.post('/api/supervise/notices', { ...body, dept_ids: [] }), 400, 'dept_ids');
			assertError(await ducha.post('/api/supervise/notices', { ...body, basis: '' }), 400, 'basis');
			assertError(await ducha.post('/api/supervise/notices', { ...body, deadline_day: '2026-10-01' }), 422, 'deadline_day');
			assertError(await hall.post('/api/supervise/notices', body), 403);
			let r = await ducha.post('/api/supervise/notices', body);
			assert.equal(r.status, 201, r.text);
			const n = r.json;
			assert.match(n.notice_no, /^白督通〔2026〕\d+号$/);
			assert.equal(n.depts.length, 2);
			assert.equal(n.can.answer, false, 'the supervisor cannot answer for a department');

			// Each department sees the notice with its own row only.
			r = await scjg.get(`/api/supervise/notices/${n.id}`);
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.depts.map((d) => d.dept_id), [scjgId]);
			assert.equal(r.json.can.answer, true);
			assert.ok((await scjg.get('/api/supervise/notices')).json.items.every((x) => x.depts.every((d) => d.dept_id === scjgId)));
			assertError(await scjg.get(`/api/supervise/notices?dept_id=${zjId}`), 403, 'dept_id');

			assertError(await ducha.post(`/api/supervise/notices/${n.id}/answer`, { measures: 'x' }), 403);
			assertError(await scjg.post(`/api/supervise/notices/${n.id}/answer`, { measures: '' }), 400, 'measures');
			assertError(await scjg.post(`/api/supervise/notices/${n.id}/answer`, { measures: 'x', evidence: ['nothex'] }), 400, 'evidence');
			assertError(await ducha.post(`/api/supervise/notices/${n.id}/accept`, { dept_id: scjgId }), 409);
			r = await scjg.post(`/api/supervise/notices/${n.id}/answer`, { measures: '已将 12 个事项审批权授予窗口。', evidence: [] });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.depts[0].status, 'answered');
			assertError(await scjg.post(`/api/supervise/notices/${n.id}/answer`, { measures: '再次' }), 409);
			assertError(await ducha.post(`/api/supervise/notices/${n.id}/return`, { dept_id: scjgId }), 400, 'comment');
			assertError(await scjg.post(`/api/supervise/notices/${n.id}/return`, { dept_id: scjgId, comment: 'x' }), 403);
			r = await ducha.post(`/api/supervise/notices/${n.id}/return`, { dept_id: scjgId, comment: '缺少授权文件，请补充。' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.depts.find((d) => d.dept_id === scjgId).status, 'returned');
			r = await scjg.post(`/api/supervise/notices/${n.id}/answer`, { measures: '已补充授权文件。' });
			assert.equal(r.status, 200, r.text);
			r = await ducha.post(`/api/supervise/notices/${n.id}/accept`, { dept_id: scjgId, comment: '通过' });
			assert.equal(r.status, 200, r.text);
			const row = r.json.depts.find((d) => d.dept_id === scjgId);
			assert.equal(row.status, 'accepted');
			assert.equal(row.rounds, 1);

			// Past the deadline the other department's row is flagged by the sweeper.
			await runJobs(srv, '2026-12-01');
			assert.equal(await sql(srv, `SELECT count(*) FROM sv_notice_depts WHERE notice_id = ${n.id} AND overdue_at IS NOT NULL`), '1');

			// 通报批评: a sealed PDF.
			assertError(await scjg.get(`/api/supervise/notices/${n.id}/pdf`), 409);
			r = await ducha.post(`/api/supervise/notices/${n.id}/publish`, {});
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.published_at);
			assertError(await ducha.post(`/api/supervise/notices/${n.id}/publish`, {}), 409);
			r = await scjg.get(`/api/supervise/notices/${n.id}/pdf`);
			assert.equal(r.status, 200);
			assert.ok(r.text.startsWith('%PDF'));
		});

		test('leaders at the window: a walk-through yields tickets; counts per department per quarter', async () => {
			const scjgId = depts['县市场监管局'];
			assertError(await zj.post('/api/supervise/sittings', { kind: 'sitting', dept_id: scjgId, leader_name: '甲', leader_title: '局长', day: '2026-11-02' }), 403);
			assertError(await scjg.post('/api/supervise/sittings', { kind: 'walkthrough', dept_id: scjgId, leader_name: '甲', leader_title: '局长', day: '2026-11-02' }), 400, 'steps');
			assertError(await scjg.post('/api/supervise/sittings', { kind: 'nap', dept_id: scjgId }), 400, 'kind');
			let r = await scjg.post('/api/supervise/sittings', {
				kind: 'walkthrough', dept_id: scjgId, leader_name: '周海涛', leader_title: '局长', day: '2026-11-02',
				steps: '网上申请—上传材料—窗口受理', minutes: 95, trips: 2, findings: '材料清单与窗口要求不一致',
				problems: [{ problem: '办事指南材料清单与窗口实际要求不一致，多跑一次。' }],
			});
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.ticket_ids.length, 1);
			const tk = (await scjg.get(`/api/supervise/tickets/${r.json.ticket_ids[0]}`)).json;
			assert.equal(tk.source, 'walkthrough');
			assert.equal(tk.dept_id, scjgId);
			r = await ducha.get('/api/supervise/sittings?quarter=2026-Q4');
			assert.equal(r.status, 200, r.text);
			const d = r.json.by_dept.find((x) => x.dept_id === scjgId);
			assert.ok(d.walkthroughs >= 1);
			assert.equal(d.met, true);
			r = await zj.get('/api/supervise/sittings');
			assert.ok(r.json.by_dept.every((x) => x.dept_id === depts['县住建局']));
			assertError(await ducha.get('/api/supervise/sittings?quarter=2026-Q9'), 400, 'quarter');
		});

		test('the desk: numbers by department, click-through lists, read-only for the hall admin', async () => {
			let r = await ducha.get('/api/supervise/desk');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.read_only, false);
			assert.ok(r.json.totals.tickets_open >= 1);
			const scjgRow = r.json.by_dept.find((x) => x.dept_id === depts['县市场监管局']);
			assert.ok(scjgRow && scjgRow.tickets_open >= 1);
			r = await hall.get('/api/supervise/desk');
			assert.equal(r.status, 200);
			assert.equal(r.json.read_only, true);
			assertError(await scjg.get('/api/supervise/desk'), 403);
			assertError(await ducha.get('/api/supervise/desk/cases?kind=blue'), 400, 'kind');
			assertError(await ducha.get('/api/supervise/desk?from=2026-99-01'), 400, 'from');
			for (const kind of ['yellow', 'red', 'stalled', 'extended']) {
				r = await ducha.get(`/api/supervise/desk/cases?kind=${kind}`);
				assert.equal(r.status, 200, r.text);
				assert.ok(Array.isArray(r.json.items));
			}
		});

		test('the desk filters by department, window, item and period; each number is its list with the same filters', async () => {
			const scjgId = depts['县市场监管局'];
			const day = NOW.slice(0, 10);
			// Every row of a paged list.
			const all = async (path) => {
				const out = [];
				let cursor = '';
				for (let i = 0; i < 50; i++) {
					const r = await ducha.get(`${path}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
					assert.equal(r.status, 200, `${path}: ${r.text}`);
					out.push(...r.json.items);
					if (!r.json.next_cursor) return out;
					cursor = r.json.next_cursor;
				}
				throw new Error(`${path}: too many pages`);
			};
			const qs = (f) => Object.entries(f).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join('&');
			// The numbers of the desk equal the lists behind them, overall and in each department's row.
			const check = async (f) => {
				const r = await ducha.get(`/api/supervise/desk?${qs(f)}`);
				assert.equal(r.status, 200, r.text);
				const rows = [{ ...r.json.totals, dept_id: f.dept_id }];
				const row = r.json.by_dept.find((x) => x.tickets_open || x.notices_open || x.bad_ratings);
				if (row && !f.dept_id) rows.push({ ...row });
				for (const n of rows) {
					const g = qs({ ...f, dept_id: n.dept_id });
					const t = await all(`/api/supervise/tickets?status=open&${g}`);
					assert.equal(t.length, n.tickets_open, `tickets ${g}`);
					assert.equal((await all(`/api/supervise/tickets?status=open&overdue=1&${g}`)).length, n.tickets_overdue, `overdue tickets ${g}`);
					let x = await ducha.get(`/api/supervise/notices?open=1&${g}`);
					assert.equal(x.json.items.length, n.notices_open, `notices ${g}`);
					x = await ducha.get(`/api/supervise/notices?overdue=1&${g}`);
					assert.equal(x.json.items.length, n.notices_overdue, `overdue notices ${g}`);
					assert.equal((await all(`/api/ratings?bad=1&counted=1&${g}`)).length, n.bad_ratings, `bad ratings ${g}`);
					assert.equal((await all(`/api/rating-loops?open=1&${g}`)).length, n.loops_open, `loops ${g}`);
					assert.equal((await all(`/api/rating-loops?past_due=1&${g}`)).length, n.loops_overdue, `loops past due ${g}`);
					for (const kind of ['yellow', 'red', 'stalled', 'extended']) {
						x = await ducha.get(`/api/supervise/desk/cases?kind=${kind}&${g}`);
						assert.equal(x.json.items.length, n[kind], `${kind} ${g}`);
					}
				}
				return r.json;
			};

			// A ticket about a case carries the case's item and window; one opened by hand names them.
			const k = JSON.parse(await sql(srv, srv.dbUrl.startsWith('sqlite:')
				? "SELECT json_object('id', id, 'item', item_id, 'win', window_id) FROM cases WHERE dept_id = " + scjgId + ' AND window_id IS NOT NULL ORDER BY id LIMIT 1'
				: "SELECT json_build_object('id', id, 'item', item_id, 'win', window_id) FROM cases WHERE dept_id = " + scjgId + ' AND window_id IS NOT NULL ORDER BY id LIMIT 1'));
			let r = await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, case_id: k.id, problem: '群众反映窗口答复不一致' });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.item_id, k.item);
			assert.equal(r.json.window_id, k.win);
			assert.ok(r.json.item_name && r.json.window_name);
			const byCase = r.json.id;
			const before = await sql(srv, 'SELECT count(*) FROM sv_tickets');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, item_id: 999999, problem: '无此事项' }), 404, 'item_id');
			assertError(await ducha.post('/api/supervise/tickets', { source: 'complaint', dept_id: scjgId, window_id: 999999, problem: '无此窗口' }), 404, 'window_id');
			assert.equal(await sql(srv, 'SELECT count(*) FROM sv_tickets'), before);
			r = await ducha.post('/api/supervise/notices', { title: '窗口一次性告知不到位', finding: '同一事项多次要求补正', basis: '白政办发〔2024〕1号', rectification: '落实一次性告知', deadline_day: '2026-11-20', dept_ids: [scjgId], item_id: k.item, window_id: k.win });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.item_id, k.item);
			assert.equal(r.json.window_id, k.win);
			const noticeId = r.json.id;
			assertError(await ducha.post('/api/supervise/notices', { title: 'x', finding: 'x', basis: 'x', rectification: 'x', deadline_day: '2026-11-20', dept_ids: [scjgId], item_id: 'a' }), 400, 'item_id');
			assertError(await ducha.post('/api/supervise/notices', { title: 'x', finding: 'x', basis: 'x', rectification: 'x', deadline_day: '2026-11-20', dept_ids: [scjgId], window_id: 999999 }), 404, 'window_id');

			await check({});
			await check({ dept_id: scjgId });
			const w = await check({ window_id: k.win });
			assert.ok(w.totals.tickets_open >= 1 && w.totals.notices_open >= 1);
			const it = await check({ item_id: k.item, from: day, to: day });
			assert.ok(it.totals.tickets_open >= 1 && it.totals.notices_open >= 1);
			let t = await all(`/api/supervise/tickets?status=open&window_id=${k.win}&from=${day}&to=${day}`);
			assert.ok(t.some((x) => x.id === byCase));
			assert.ok(t.every((x) => x.window_id === k.win));
			let n = await ducha.get(`/api/supervise/notices?item_id=${k.item}`);
			assert.ok(n.json.items.some((x) => x.id === noticeId));
			// An earlier period holds neither (the demo's own tickets may fall in any period).
			await check({ window_id: k.win, from: '2026-10-01', to: '2026-11-01' });
			t = await all(`/api/supervise/tickets?status=open&window_id=${k.win}&from=2026-10-01&to=2026-11-01`);
			assert.ok(!t.some((x) => x.id === byCase));
			n = await ducha.get(`/api/supervise/notices?window_id=${k.win}&from=2026-10-01&to=2026-11-01`);
			assert.ok(!n.json.items.some((x) => x.id === noticeId));
			await check({ from: '2026-01-01', to: day, dept_id: scjgId });
			assertError(await ducha.get('/api/supervise/desk?from=2026-11-05&to=2026-11-01'), 400, 'to');
			assertError(await ducha.get('/api/supervise/tickets?from=2026-13-01'), 400, 'from');
			assertError(await ducha.get('/api/supervise/notices?to=x'), 400, 'to');
			assertError(await ducha.get('/api/rating-loops?from=x'), 400, 'from');
			assertError(await ducha.get('/api/ratings?to=2026-02-30'), 400, 'to');
			// A department still sees only its own, whatever the filter.
			n = await zj.get(`/api/supervise/notices?item_id=${k.item}`);
			assert.ok(!n.json.items.some((x) => x.id === noticeId));
			t = await zj.get(`/api/supervise/tickets?window_id=${k.win}`);
			assert.ok(!t.json.items.some((x) => x.id === byCase));
		});
	});
}
