// The one request -> approve queue over HTTP, on every database in
// ONETRIP_DBS: staff changes and item withdrawals are rows of one queue,
// listed together with kind/status/department filters and a keyset cursor,
// scoped by department, decided through the kind's roles (the kind's
// change applied in the same transaction), cancelled by the requester,
// due in working days by the hall's calendar, and flagged once by the
// sweeper when overdue.
//
// The server runs with --now 2026-09-28T10:00:00+08:00 (a Monday before the
// National Day holiday) and --no-jobs; the sweeper runs through
// `onetrip jobs run-once --now <later day>`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-28T10:00:00+08:00';

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
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`request queue (${db})`, () => {
		let srv, hall, scjg, zj, clerk, ducha;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			hall = new Client(srv.url);
			scjg = new Client(srv.url);
			zj = new Client(srv.url);
			clerk = new Client(srv.url);
			ducha = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			await scjg.login(DEMO.scjg_admin, DEMO.password);
			await zj.login(DEMO.zj_admin, DEMO.password);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
			await ducha.login(DEMO.ducha, DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		async function userId(login) {
			const r = await hall.get(`/api/users?q=${login}`);
			return r.json.items.find((u) => u.login === login).id;
		}

		test('staff changes and withdrawals are one queue: filters, scope, paging, decisions, cancel, overdue', async () => {
			const kinds = (await hall.get('/api/requests/kinds')).json.items;
			assert.ok(kinds.some((k) => k.kind === 'staff_change' && k.label === '人员变动' && k.decide_roles.includes('hall_admin')));
			assert.ok(kinds.some((k) => k.kind === 'item_withdrawal' && k.label === '事项撤回'));

			const wins = (await hall.get('/api/windows')).json.items;
			const sj = wins.find((w) => w.name === '市场监管专窗');
			const w2 = wins.find((w) => w.name === '综合窗口2');
			const items = (await hall.get(`/api/windows/${sj.id}/items`)).json.items;
			assert.ok(items.length >= 1);
			const itemId = items[0].id;
			const clerkId = await userId(DEMO.scjg_clerk);

			let r = await scjg.post('/api/staff-changes', { kind: 'move', user_id: clerkId, to_window_id: w2.id, reason: '综合窗口业务量大' });
			assert.equal(r.status, 201, r.text);
			const staffReq = r.json.id;
			// Due in 5 working days by the hall's calendar: 9-29, 9-30, 10-8, 10-9
			// and the working Saturday 10-10 (National Day 10-1..10-7 is off).
			assert.equal(r.json.due_date, '2026-10-10');
			r = await scjg.post(`/api/items/${itemId}/withdrawals`, { scope: 'online', reason: '系统对接暂停' });
			assert.equal(r.status, 201, r.text);
			const wdReq = r.json.id;

			// One list for both kinds, newest first; filters by kind and status.
			// (The demo's own pending requests, such as 差评申诉, are older.)
			r = await hall.get('/api/requests?status=pending');
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.items.map((x) => x.id).slice(0, 2), [wdReq, staffReq]);
			assert.ok(r.json.items.slice(2).every((x) => x.id < staffReq && x.status === 'pending'));
			assert.equal(r.json.items[0].kind_label, '事项撤回');
			assert.equal(r.json.items[0].payload.scope, 'online');
			assert.equal(r.json.items[1].subject_type, 'user');
			assert.equal(r.json.items[1].subject_id, clerkId);
			assert.equal(r.json.items[1].requester_name.length > 0, true);
			r = await hall.get('/api/requests?kind=staff_change');
			assert.deepEqual(r.json.items.map((x) => x.id), [staffReq]);
			assertError(await hall.get('/api/requests?kind=nonsense'), 400, 'kind');
			assertError(await hall.get('/api/requests?status=odd'), 400, 'status');

			// Keyset paging: one row a page, then the next, then the end.
			r = await hall.get('/api/requests?limit=1');
			assert.deepEqual(r.json.items.map((x) => x.id), [wdReq]);
			assert.ok(r.json.next_cursor);
			r = await hall.get(`/api/requests?limit=1&cursor=${encodeURIComponent(r.json.next_cursor)}`);
			assert.deepEqual(r.json.items.map((x) => x.id), [staffReq]);
			// After this test's two come only the demo's older requests.
			if (r.json.next_cursor !== null) {
				r = await hall.get(`/api/requests?limit=100&cursor=${encodeURIComponent(r.json.next_cursor)}`);
				assert.ok(r.json.items.every((x) => x.id < staffReq));
			}
			assertError(await hall.get('/api/requests?cursor=abc'), 400, 'cursor');

			// Scope: the department's admin sees its own, another department none,
			// the supervisor all; a clerk may not look.
			const ours = async (c) => (await c.get('/api/requests?limit=100')).json.items.filter((x) => x.id >= staffReq).length;
			assert.equal(await ours(scjg), 2);
			assert.equal(await ours(zj), 0);
			assert.equal(await ours(ducha), 2);
			assertError(await clerk.get('/api/requests'), 403);
			assert.equal((await zj.get(`/api/requests/${wdReq}`)).status, 404);
			assert.equal((await scjg.get(`/api/requests/${wdReq}`)).status, 200);

			// Deciding: only the kind's roles; a queue's own route only its kind.
			assertError(await scjg.post(`/api/requests/${wdReq}/approve`, {}), 403);
			assertError(await ducha.post(`/api/requests/${wdReq}/approve`, {}), 403);
			assert.equal((await hall.post(`/api/withdrawals/${staffReq}/approve`, {})).status, 404);
			assertError(await hall.post(`/api/requests/${wdReq}/reject`, {}), 422, 'reason');
			r = await hall.post(`/api/requests/${wdReq}/approve`, { reason: '同意' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'approved');
			assert.equal(r.json.decision_comment, '同意');
			// The kind's change was applied in the same transaction.
			r = await hall.get(`/api/guide/items/${itemId}`);
			assert.equal(r.json.item.online, false);
			// The legacy list shows it with its old fields.
			r = await scjg.get('/api/withdrawals?status=approved');
			const old = r.json.items.find((x) => x.id === wdReq);
			assert.equal(old.scope, 'online');
			assert.equal(old.item_id, itemId);
			assert.equal(old.decision_reason, '同意');
			// The requester is told.
			r = await scjg.get('/api/notifications');
			assert.ok(r.json.items.some((n) => n.kind === 'request_approved' && /事项撤回/.test(n.title)), r.text);
			assertError(await hall.post(`/api/requests/${wdReq}/approve`, {}), 409);

			// Cancel: only the requester (or the hall); then nobody decides it.
			assertError(await zj.post(`/api/requests/${staffReq}/cancel`, {}), 403);
			r = await scjg.post(`/api/requests/${staffReq}/cancel`, { reason: '不再需要' });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.status, 'cancelled');
			assertError(await hall.post(`/api/staff-changes/${staffReq}/approve`, {}), 409);
			r = await hall.get(`/api/windows/${sj.id}/staff`);
			assert.ok(r.json.items.some((s) => s.user_id === clerkId), 'a cancelled move leaves the seat');

			// Overdue: a request still pending after its due date is flagged once
			// by the sweeper, and the hall admins are told once.
			r = await scjg.post('/api/staff-changes', { kind: 'remove', user_id: clerkId, reason: '借调' });
			assert.equal(r.status, 201, r.text);
			const late = r.json.id;
			await runJobs(srv, '2026-10-10');
			const overdue = async () => (await hall.get('/api/requests?overdue=1&limit=100')).json.items.filter((x) => x.id >= staffReq).map((x) => x.id);
			assert.deepEqual(await overdue(), [], 'not overdue on its due day');
			await runJobs(srv, '2026-10-12');
			await runJobs(srv, '2026-10-13');
			r = await hall.get(`/api/requests/${late}`);
			assert.ok(r.json.overdue_at > 0, r.text);
			assert.equal(r.json.overdue, true);
			assert.deepEqual(await overdue(), [late]);
			const n = (await hall.get('/api/notifications?limit=100')).json.items.filter((x) => x.kind === 'request_overdue' && x.title.includes('人员变动'));
			assert.equal(n.length, 1, 'told once');
			assert.match(n[0].title, /人员变动申请逾期未审批/);
			// Deciding it late still works and keeps the flag.
			r = await hall.post(`/api/requests/${late}/reject`, { reason: '窗口人员须保持稳定' });
			assert.equal(r.json.status, 'rejected');
			assert.ok(r.json.overdue_at > 0);
		});
	});
}
