// The administration pages' routes, on every database in ONETRIP_DBS: who
// may call each (anonymous 401, other roles 403); the audit log's filters,
// paging, CSV export (itself audited) and chain check; the settings of the
// one configuration, read-only, with their source and without secrets; the
// users page's data and its staff-change requests (a new account, a
// rejected or withdrawn one that leaves nothing behind, conflicting roles,
// disabling and enabling). Bad input gets a Chinese error, the right status
// and changes nothing. One server per database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const PW = 'Kx9#admin-page';

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

// Today in the hall's time zone (UTC+8), as the server dates records.
function today() {
	return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

for (const db of dbKinds()) {
	describe(`administration pages (${db})`, () => {
		let srv, anon, hall, ducha, admin, scjg, clerk, person;
		let scjgId;

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs', '--set', 'rules.rongque_reminder_days=3'] });
			anon = new Client(srv.url);
			[hall, ducha, admin, scjg, clerk, person] = [1, 2, 3, 4, 5, 6].map(() => new Client(srv.url));
			await Promise.all([
				hall.login(DEMO.hall, DEMO.password), ducha.login(DEMO.ducha, DEMO.password),
				admin.login(DEMO.admin, DEMO.password), scjg.login(DEMO.scjg_admin, DEMO.password),
				clerk.login(DEMO.window01, DEMO.password), person.login(DEMO.person, DEMO.password),
			]);
			const depts = ok(await anon.get('/api/departments')).items;
			scjgId = depts.find((d) => d.name === '县市场监管局').id;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('who may call each route: anonymous 401, other roles 403', async () => {
			const routes = [
				['GET', '/api/audit', [hall, ducha], [person, clerk, scjg, admin]],
				['GET', '/api/audit/export', [hall, ducha], [person, clerk, scjg, admin]],
				['POST', '/api/audit/verify', [hall, ducha], [person, clerk, scjg, admin]],
				['GET', '/api/settings', [hall, admin], [person, clerk, scjg, ducha]],
				['GET', '/api/users', [hall, admin], [person, clerk, scjg, ducha]],
			];
			for (const [method, path, yes, no] of routes) {
				const call = (c) => (method === 'GET' ? c.get(path) : c.post(path, {}));
				assert.equal((await call(anon)).status, 401, `${method} ${path} anonymous`);
				for (const c of no) assertError(await call(c), 403);
				for (const c of yes) assert.equal((await call(c)).status, 200, `${method} ${path}`);
			}
		});

		test('audit log: filters, paging, export of the filtered records, chain check', async () => {
			// Paging: newest first, a keyset cursor.
			const p1 = ok(await hall.get('/api/audit?limit=5'));
			assert.equal(p1.items.length, 5);
			assert.ok(p1.next_before);
			for (let i = 1; i < 5; i++) assert.ok(p1.items[i].seq < p1.items[i - 1].seq);
			const p2 = ok(await hall.get(`/api/audit?limit=5&before=${p1.next_before}`));
			assert.equal(p2.items.length, 5);
			assert.ok(p2.items[0].seq < p1.items[4].seq);

			// Actor (as typed in either case), action family, object, department.
			const byHall = ok(await hall.get('/api/audit?actor=HALL&limit=200')).items;
			assert.ok(byHall.length > 0);
			assert.ok(byHall.every((a) => a.actor_login === 'hall'));
			const logins = ok(await ducha.get('/api/audit?action=auth&limit=200')).items;
			assert.ok(logins.length > 0);
			assert.ok(logins.every((a) => a.action.startsWith('auth.')));
			const exact = ok(await ducha.get('/api/audit?action=auth.login&limit=200')).items;
			assert.ok(exact.every((a) => a.action === 'auth.login'));
			const obj = logins.find((a) => a.object_type && a.object_id);
			if (obj) {
				const one = ok(await hall.get(`/api/audit?object_type=${obj.object_type}&object_id=${obj.object_id}`)).items;
				assert.ok(one.length > 0 && one.every((a) => a.object_type === obj.object_type && a.object_id === obj.object_id));
			}
			const dept = ok(await hall.get(`/api/audit?dept_id=${scjgId}&limit=200`)).items;
			assert.ok(dept.length > 0, 'the department admin logged in');
			assert.ok(dept.every((a) => a.dept_name === '县市场监管局'));
			// An applicant's login is masked; the filter still finds it.
			const mine = ok(await hall.get(`/api/audit?actor=${DEMO.person}&action=auth.login`)).items;
			assert.ok(mine.length > 0);
			assert.ok(mine.every((a) => a.actor_login !== DEMO.person && a.actor_login.includes('*')));
			// Time range, by the hall's days.
			const t = today();
			assert.ok(ok(await hall.get(`/api/audit?from=${t}&to=${t}`)).items.length > 0);
			assert.equal(ok(await hall.get('/api/audit?from=2000-01-01&to=2000-01-31')).items.length, 0);

			// Bad filters: 400, naming the field, in Chinese.
			assertError(await hall.get('/api/audit?from=2026-13-01'), 400, 'from');
			assertError(await hall.get('/api/audit?from=2026-05-02&to=2026-05-01'), 400, 'to');
			assertError(await hall.get(`/api/audit?actor=${'a'.repeat(65)}`), 400, 'actor');
			assertError(await hall.get('/api/audit?object_id=%01x'), 400, 'object_id');
			assertError(await hall.get('/api/audit?limit=500'), 400, 'limit');
			assertError(await hall.get('/api/audit?before=abc'), 400, 'before');
			assertError(await hall.get('/api/audit?dept_id=-1'), 400, 'dept_id');

			// Export: the filtered records as CSV for Excel; the export is audited.
			const exportsBefore = ok(await hall.get('/api/audit?action=audit.export')).items.length;
			assertError(await hall.get('/api/audit/export?from=bad'), 400, 'from');
			assert.equal(ok(await hall.get('/api/audit?action=audit.export')).items.length, exportsBefore,
				'a refused export leaves no record');
			const r = await ducha.get('/api/audit/export?action=auth.login&limit=200');
			assert.equal(r.status, 200, r.text);
			assert.match(r.headers.get('content-type'), /text\/csv/);
			assert.match(r.headers.get('content-disposition'), /attachment/);
			const raw = new Uint8Array(await (await fetch(`${srv.url}/api/audit/export?action=auth.login`, {
				headers: { Authorization: `Bearer ${ducha.token}` },
			})).arrayBuffer());
			assert.deepEqual([...raw.slice(0, 3)], [0xef, 0xbb, 0xbf], 'byte order mark for Excel');
			const lines = r.text.replace(/^\ufeff/, '').trim().split('\r\n');
			assert.match(lines[0], /^序号,时间,账号,姓名,部门,角色,操作/);
			const all = ok(await ducha.get('/api/audit?action=auth.login&limit=200')).items;
			assert.equal(lines.length - 1, all.length);
			assert.ok(lines.slice(1).every((l) => l.includes(',auth.login,')));
			assert.ok(!r.text.includes(DEMO.person), 'applicant logins stay masked in the file');
			const ex = ok(await hall.get('/api/audit?action=audit.export')).items;
			assert.equal(ex.length, exportsBefore + 2);
			assert.equal(ex[0].actor_login, 'ducha');
			assert.match(ex[0].summary, /auth\.login/);

			// The chain check: the same verification as `onetrip audit verify`.
			const v = ok(await ducha.post('/api/audit/verify', {}));
			assert.equal(v.intact, true, JSON.stringify(v));
			assert.ok(v.checked > 10);
			assert.match(v.message, CHINESE);
		});

		test('settings: every setting read-only, with default, source and basis; no secrets', async () => {
			const items = ok(await hall.get('/api/settings')).items;
			const by = new Map(items.map((s) => [s.key, s]));
			const sup = by.get('case.supplement_timeout_days');
			assert.equal(sup.rule, true);
			assert.equal(sup.group, 'case');
			assert.equal(sup.value, sup.default);
			assert.equal(sup.source, 'default');
			assert.match(sup.basis, /本地规定/);
			const ext = by.get('rules.extension_max_days');
			assert.equal(ext.rule, true);
			assert.match(ext.basis, /行政许可法/);
			const rem = by.get('rules.rongque_reminder_days');
			assert.equal(rem.value, '3');
			assert.equal(rem.source, 'command');
			assert.equal(by.get('http.listen').source, 'command');
			assert.equal(by.get('login.lock_seconds').rule, false);
			const dbs = by.get('db');
			assert.equal(dbs.source, 'command');
			if (db === 'postgresql') {
				assert.match(dbs.value, /^postgresql:\/\/\*\*\*@/);
				assert.ok(!dbs.value.includes('onetrip@'));
			} else {
				assert.match(dbs.value, /^sqlite:/);
			}
			// Sorted as the table, every key once.
			const keys = items.map((s) => s.key);
			assert.deepEqual([...keys].sort(), keys);
			assert.equal(new Set(keys).size, keys.length);
			// Read-only: there is no route that writes a setting.
			assert.equal((await hall.put('/api/settings', { key: 'rules.extension_max_days', value: '30' })).status, 405);
			assert.equal(by.get('rules.extension_max_days').value,
				ok(await admin.get('/api/settings')).items.find((s) => s.key === 'rules.extension_max_days').value);
		});

		test('users and roles: masked list, new accounts by request, rejection leaves nothing, disable and enable', async () => {
			const persons = ok(await hall.get('/api/users?kind=person')).items;
			assert.ok(persons.length > 0);
			assert.ok(persons.every((u) => u.login.includes('*') && u.login.length === 18));
			assert.ok(persons.every((u) => u.realname === 'verified' || u.realname === 'unverified'), 'real-name level');
			const staff = ok(await hall.get('/api/users?kind=staff&limit=200')).items;
			const w1 = staff.find((u) => u.login === DEMO.window01);
			assert.equal(w1.status, 'active');
			assert.equal(w1.realname, null);
			assert.ok(w1.window_name, 'the window of a seated clerk');

			const requests = async () => ok(await hall.get('/api/requests?kind=staff_change&limit=200')).items.length;
			const n0 = await requests();

			// Conflicting roles: the service's message, nothing stored.
			let r = await hall.post('/api/users', {
				login: 'adm_clash', name: '冲突', roles: ['clerk', 'approver'], dept_id: scjgId, password: PW,
			});
			assertError(r, 422, 'roles');
			assert.match(r.json.error.message, /不相容岗位不能由一人兼任/);
			assertError(await hall.post('/api/users', { login: 'x', name: '短', roles: ['clerk'], dept_id: scjgId, password: PW }), 400);
			assert.equal(await requests(), n0);
			assert.equal(ok(await hall.get('/api/users?q=adm_clash')).items.length, 0);

			// A new account is a request; until decided it shows as pending.
			r = await hall.post('/api/users', {
				login: 'adm_new', name: '新窗口人员', roles: ['clerk'], dept_id: scjgId, password: PW, reason: '新增窗口人员',
			});
			const req1 = ok(r, 202).request;
			let u = ok(await hall.get('/api/users?q=adm_new')).items[0];
			assert.equal(u.status, 'pending');
			assert.equal(u.pending_request_id, req1.id);
			// Rejected: no disabled account is left behind, the login is free.
			assertError(await admin.post(`/api/requests/${req1.id}/reject`, {}), 422, 'reason');
			ok(await admin.post(`/api/requests/${req1.id}/reject`, { reason: '编制未批' }));
			assert.equal(ok(await hall.get('/api/users?q=adm_new')).items.length, 0);
			const kept = ok(await hall.get(`/api/requests/${req1.id}`));
			assert.equal(kept.status, 'rejected');
			assert.equal(kept.payload.login, 'adm_new', 'the request keeps what was asked');
			const discard = ok(await hall.get(`/api/audit?action=user.discard&object_type=user&object_id=${req1.subject_id}`)).items;
			assert.equal(discard.length, 1);

			// Withdrawn by the requester: the same.
			const req2 = ok(await hall.post('/api/users', {
				login: 'adm_new', name: '新窗口人员', roles: ['clerk'], dept_id: scjgId, password: PW,
			}), 202).request;
			ok(await hall.post(`/api/requests/${req2.id}/cancel`, {}));
			assert.equal(ok(await hall.get('/api/users?q=adm_new')).items.length, 0);

			// Asked again and approved by another administrator.
			const req3 = ok(await hall.post('/api/users', {
				login: 'adm_new', name: '新窗口人员', roles: ['clerk'], dept_id: scjgId, password: PW,
			}), 202).request;
			assertError(await hall.post(`/api/requests/${req3.id}/approve`, {}), 403);
			ok(await admin.post(`/api/requests/${req3.id}/approve`, {}));
			u = ok(await hall.get('/api/users?q=adm_new')).items[0];
			assert.equal(u.status, 'active');
			assert.deepEqual(u.roles, ['clerk']);
			assert.equal(u.pending_request_id, null);
			const newbie = new Client(srv.url);
			await newbie.login('adm_new', PW);
			assert.equal(ok(await newbie.get('/api/me')).user.login, 'adm_new');

			// Disabling: a request with a reason; bad ones change nothing.
			const n1 = await requests();
			assertError(await hall.post('/api/staff-changes', { kind: 'disable', user_id: u.id }), 422, 'reason');
			assertError(await hall.post('/api/staff-changes', { kind: 'disable', reason: '离职' }), 400, 'user_id');
			assertError(await hall.post('/api/staff-changes', { kind: 'enable', user_id: u.id, reason: '复岗' }), 422, 'user_id');
			assertError(await hall.post('/api/staff-changes', { kind: 'freeze', user_id: u.id, reason: '离职' }), 400, 'kind');
			const hallId = ok(await hall.get('/api/me')).user.id;
			assertError(await hall.post('/api/staff-changes', { kind: 'disable', user_id: hallId, reason: '离职' }), 403);
			const personId = ok(await person.get('/api/me')).user.id;
			assertError(await hall.post('/api/staff-changes', { kind: 'disable', user_id: personId, reason: '离职' }), 422, 'user_id');
			assertError(await clerk.post('/api/staff-changes', { kind: 'disable', user_id: u.id, reason: '离职' }), 403);
			assert.equal(await requests(), n1);

			const dis = ok(await hall.post('/api/staff-changes', { kind: 'disable', user_id: u.id, reason: '调离本县' }), 201);
			assert.equal(dis.kind, 'disable');
			assertError(await hall.post('/api/staff-changes', { kind: 'disable', user_id: u.id, reason: '再次' }), 409);
			assert.equal(ok(await hall.get('/api/users?q=adm_new')).items[0].pending_request_id, dis.id);
			assert.equal((await newbie.get('/api/me')).status, 200, 'works until approved');
			ok(await admin.post(`/api/requests/${dis.id}/approve`, {}));
			assert.equal(ok(await hall.get('/api/users?q=adm_new')).items[0].status, 'disabled');
			assert.equal((await newbie.get('/api/me')).status, 401, 'its sessions ended');
			const again = new Client(srv.url);
			assertError(await again.post('/api/auth/login', { login: 'adm_new', password: PW }), 403);

			// Enabled again the same way.
			const en = ok(await hall.post('/api/staff-changes', { kind: 'enable', user_id: u.id, reason: '返岗' }), 201);
			ok(await admin.post(`/api/requests/${en.id}/approve`, {}));
			assert.equal(ok(await hall.get('/api/users?q=adm_new')).items[0].status, 'active');
			await again.login('adm_new', PW);

			// Roles change by request; a conflicting one is refused.
			assertError(await hall.post('/api/staff-changes', {
				kind: 'roles', user_id: u.id, roles: ['clerk', 'supervisor'], reason: '兼任督查',
			}), 422, 'roles');
			const rr = ok(await hall.post('/api/staff-changes', {
				kind: 'roles', user_id: u.id, roles: ['approver'], reason: '转审批岗',
			}), 201);
			ok(await admin.post(`/api/requests/${rr.id}/approve`, {}));
			assert.deepEqual(ok(await hall.get('/api/users?q=adm_new')).items[0].roles, ['approver']);
		});
	});
}
