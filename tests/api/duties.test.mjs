// Separation of duties (受审分离, 不相容岗位分离) on every database in
// ONETRIP_DBS: staff accounts and their roles change only through the hall's
// staff-change requests, decided by an administrator other than who asked;
// roles that conflict cannot be held by one account; a department admin asks
// only for their own department. (Who accepted a case does not decide it:
// tests/api/cases.test.mjs, the online case.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const PW = 'Duty#2024x';

function assertError(r, status, code, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code);
	if (field) assert.equal(r.json.error.field, field);
	assert.match(r.json.error.message, CHINESE);
}

async function as(url, login) {
	const c = new Client(url);
	await c.login(login, DEMO.password);
	return c;
}

for (const db of dbKinds()) {
	describe(`separation of duties (${db})`, () => {
		let srv, admin, hall, scjg, zj, scjgId, zjId;

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			[admin, hall, scjg, zj] = await Promise.all([DEMO.admin, DEMO.hall, DEMO.scjg_admin, DEMO.zj_admin]
				.map((l) => as(srv.url, l)));
			const depts = (await hall.get('/api/departments')).json;
			const list = Array.isArray(depts) ? depts : depts.items;
			scjgId = list.find((d) => d.name === '县市场监管局').id;
			zjId = list.find((d) => d.name === '县住建局').id;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('one account cannot hold every role: conflicting roles are refused and nothing is stored', async () => {
			const all = ['clerk', 'approver', 'dept_admin', 'hall_admin', 'supervisor'];
			const before = (await hall.get('/api/requests?kind=staff_change')).json.items.length;
			for (const roles of [all, ['clerk', 'approver'], ['supervisor', 'clerk'], ['hall_admin', 'dept_admin']]) {
				const r = await hall.post('/api/users', {
					login: 'allpower', name: '全能', roles, dept_id: scjgId, password: PW,
				});
				assertError(r, 422, 'roles_conflict', 'roles');
				assert.match(r.json.error.message, /不相容/);
			}
			assert.equal((await hall.get('/api/requests?kind=staff_change')).json.items.length, before);
			assert.equal((await hall.get('/api/users?q=allpower')).json.items.length, 0);
		});

		test('a department admin asks for its own people; another admin decides; roles change by request', async () => {
			// Not for another department, not a hall role.
			assertError(await scjg.post('/api/users', {
				login: 'zj_new', name: '某人', roles: ['approver'], dept_id: zjId, password: PW,
			}), 403);
			assertError(await scjg.post('/api/users', {
				login: 'scjg_hall', name: '某人', roles: ['hall_admin'], dept_id: scjgId, password: PW,
			}), 403);
			let r = await scjg.post('/api/users', {
				login: 'scjg_sp2', name: '市场审批二', roles: ['approver'], password: PW, reason: '新增审批岗',
			});
			assert.equal(r.status, 202, r.text);
			const req = r.json.request;
			assert.equal(req.dept_id, scjgId, 'the department admin\'s own department');
			assert.equal(req.reason, '新增审批岗');
			// The other department's admin does not see it; the hall does.
			assert.equal((await zj.get(`/api/requests/${req.id}`)).status, 404);
			assert.equal((await hall.get(`/api/requests/${req.id}`)).status, 200);
			// A department admin does not decide staff changes.
			assertError(await scjg.post(`/api/requests/${req.id}/approve`, {}), 403);
			// The pending account does not log in.
			const early = await new Client(srv.url).login('scjg_sp2', PW, { strict: false });
			assert.notEqual(early.status, 200);
			r = await hall.post(`/api/staff-changes/${req.id}/approve`, { reason: '同意' });
			assert.equal(r.status, 200, r.text);
			const sp2 = new Client(srv.url);
			await sp2.login('scjg_sp2', PW);
			const me = (await sp2.get('/api/me')).json.user;
			assert.deepEqual(me.roles, ['approver']);
			assert.equal(me.dept_id, scjgId);

			// Roles: a conflicting set is refused; a compatible one waits for approval.
			assertError(await scjg.post('/api/staff-changes', {
				kind: 'roles', user_id: me.id, roles: ['approver', 'clerk'], reason: '兼任窗口',
			}), 422, 'roles_conflict');
			assertError(await scjg.post('/api/staff-changes', {
				kind: 'roles', user_id: me.id, roles: ['approver', 'dept_admin'],
			}), 422, 'reason_required');
			r = await scjg.post('/api/staff-changes', {
				kind: 'roles', user_id: me.id, roles: ['approver', 'dept_admin'], reason: '兼任部门管理员',
			});
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.kind, 'roles');
			assert.deepEqual((await sp2.get('/api/me')).json.user.roles, ['approver'], 'unchanged until approved');
			// The hall admin who asks does not approve their own request.
			r = await hall.post('/api/users', { login: 'hall_sp3', name: '某人', roles: ['approver'], dept_id: zjId, password: PW });
			assert.equal(r.status, 202, r.text);
			assertError(await hall.post(`/api/staff-changes/${r.json.request.id}/approve`, {}), 403, 'own_request');
			assert.equal((await admin.post(`/api/requests/${r.json.request.id}/approve`, {})).status, 200);

			const roleReq = (await hall.get('/api/staff-changes?status=pending')).json.items.find((x) => x.user_id === me.id);
			assert.ok(roleReq, 'the roles request is in the hall\'s staff-change list');
			r = await hall.post(`/api/staff-changes/${roleReq.id}/approve`, {});
			assert.equal(r.status, 200, r.text);
			// A live session sees the new roles.
			assert.deepEqual((await sp2.get('/api/me')).json.user.roles, ['approver', 'dept_admin']);
			// Every step is on the record.
			const done = (await hall.get('/api/requests?kind=staff_change&status=approved')).json.items;
			assert.ok(done.some((x) => x.id === req.id) && done.some((x) => x.id === roleReq.id));
		});
	});
}
