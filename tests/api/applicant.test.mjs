// The applicant's side over HTTP, on every database in ONETRIP_DBS: the
// public progress look-up (办件进度查询) by case number or query code with
// the mobile number or name, its answers (nothing personal beyond the masked
// name, the same 404 for a wrong pair as for an unknown case, 429 past the
// limit), and password recovery by an SMS code through the outbox.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday

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

for (const db of dbKinds()) {
	describe(`applicant (${db})`, () => {
		let srv, anon, kase;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			anon = new Client(srv.url);
			// The demo person applies online for 建筑工程施工许可证核发; the
			// department's hall window (住建专窗, zj_clerk) accepts it.
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			const zj = new Client(srv.url);
			await zj.login(DEMO.zj_clerk, DEMO.password);
			let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
			const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
			const materials = [];
			for (let i = 0; i < 5; i++) {
				const body = new TextEncoder().encode(`%PDF-1.4\n% m${i} ${Math.random()}\n%%EOF\n`);
				const u = await person.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 3 号楼' }, materials });
			assert.equal(r.status, 201, r.text);
			r = await zj.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
			assert.equal(r.status, 200, r.text);
			const row = await sql(srv, `SELECT c.id || '|' || c.case_no || '|' || c.query_code || '|' ||
				c.applicant_mobile || '|' || c.applicant_name || '|' || c.applicant_idno || '|' || c.state
				FROM cases c WHERE c.id = ${r.json.id}`);
			const [id, no, code, mobile, name, idno, state] = row.split('|');
			kase = { id: Number(id), no, code, mobile, name, idno, state };
			assert.match(kase.mobile, /^1\d{10}$/);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('progress by case number and mobile: the step, the dates, nothing personal', async () => {
			assert.match(kase.code, /^[2-9A-HJKMNP-Z]{8}$/);
			const r = await anon.post('/api/public/progress', { no: kase.no, mobile: kase.mobile });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.case_no, kase.no);
			assert.equal(r.json.state, kase.state);
			assert.ok(r.json.step >= 1 && r.json.step <= 4, `step ${r.json.step}`);
			assert.ok(r.json.item_name && r.json.dept_name);
			assert.ok(r.json.accepted_day);
			assert.equal(r.json.applicant_name_masked, [...kase.name][0] + '*'.repeat([...kase.name].length - 1));
			assert.ok(Array.isArray(r.json.events) && r.json.events.length >= 1);
			assert.ok(r.json.events.every((e) => e.at > 0 && CHINESE.test(e.label)));
			for (const secret of [kase.mobile, kase.idno, kase.name, kase.code]) {
				assert.ok(!r.text.includes(secret), `the answer must not contain ${secret}`);
			}
		});

		test('progress by query code (any case) and name', async () => {
			const r = await anon.post('/api/public/progress', { no: kase.code.toLowerCase(), name: kase.name });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.case_no, kase.no);
			// the applicant sees the query code on the case page
			const who = await sql(srv, `SELECT u.login FROM users u JOIN cases c ON c.applicant_id = u.id WHERE c.id = ${kase.id}`);
			if (who) {
				const me = new Client(srv.url);
				await me.login(who, DEMO.password);
				const cs = await me.get(`/api/cases/${kase.id}`);
				assert.equal(cs.status, 200, cs.text);
				assert.equal(cs.json.query_code, kase.code);
			}
		});

		test('a wrong pair is the same 404 as an unknown case; bad input is 400', async () => {
			const wrong = await anon.post('/api/public/progress', { no: kase.no, mobile: '13900000000' });
			assertError(wrong, 404, 'case_not_found');
			const unknown = await anon.post('/api/public/progress', { no: 'NOSUCHCASE', mobile: kase.mobile });
			assertError(unknown, 404, 'case_not_found');
			assert.equal(wrong.json.error.message, unknown.json.error.message);
			assertError(await anon.post('/api/public/progress', { no: kase.no, name: '王' + kase.name }), 404);
			assertError(await anon.post('/api/public/progress', { no: kase.no }), 400);
			assertError(await anon.post('/api/public/progress', { mobile: kase.mobile }), 400);
			assertError(await anon.post('/api/public/progress', { no: 'x'.repeat(60), mobile: kase.mobile }), 400);
			assertError(await anon.post('/api/public/progress', { no: 7, mobile: kase.mobile }), 400);
		});

		test('password recovery: a code by SMS to the registered mobile', async () => {
			const login = DEMO.person2;
			const mobile = await sql(srv, `SELECT mobile FROM users WHERE login = '${login}'`);
			assert.match(mobile, /^1\d{10}$/);
			const sms = () => sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${mobile}' AND payload LIKE '%password_reset%'`);
			const before = Number(await sms());

			// A wrong mobile: the same answer, and no message.
			let r = await anon.post('/api/auth/reset/request', { login, mobile: '13900000000' });
			assert.equal(r.status, 202, r.text);
			const sameText = r.json.message;
			assert.equal(Number(await sms()), before);
			r = await anon.post('/api/auth/reset/request', { login, mobile });
			assert.equal(r.status, 202, r.text);
			assert.equal(r.json.message, sameText);
			assert.equal(Number(await sms()), before + 1);
			const payload = await sql(srv, `SELECT payload FROM outbox WHERE recipient = '${mobile}' AND payload LIKE '%password_reset%' ORDER BY id DESC LIMIT 1`);
			const code = /验证码(\d{6})/.exec(JSON.parse(payload).text)[1];
			assert.ok([...JSON.parse(payload).text].length <= 70, 'one SMS segment');
			assert.ok(!(await sql(srv, `SELECT code_hash FROM password_resets ORDER BY id DESC LIMIT 1`)).includes(code));

			const old = new Client(srv.url);
			await old.login(login, DEMO.password);
			const wrongCode = code === '000000' ? '111111' : '000000';
			assertError(await anon.post('/api/auth/reset/confirm', { login, code: wrongCode, password: 'Newpass@2026' }), 422, 'bad_code');
			assertError(await anon.post('/api/auth/reset/confirm', { login, code, password: 'short' }), 422);
			r = await anon.post('/api/auth/reset/confirm', { login, code, password: 'Newpass@2026' });
			assert.equal(r.status, 204, r.text);
			// The old session has ended; the new password works, the old one not.
			assert.equal((await old.get('/api/me')).status, 401);
			const fresh = new Client(srv.url);
			const li = await fresh.request('POST', '/api/auth/login', { login, password: 'Newpass@2026' }, { csrf: false });
			assert.equal(li.status, 200, li.text);
			const bad = await new Client(srv.url).request('POST', '/api/auth/login', { login, password: DEMO.password }, { csrf: false });
			assert.equal(bad.status, 401, bad.text);
			// A code is used once.
			assertError(await anon.post('/api/auth/reset/confirm', { login, code, password: 'Other@2026x' }), 422, 'bad_code');
			assert.ok(Number(await sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'auth.password_reset'`)) >= 1);
		});

		test('the look-up is rate-limited per client address (429)', async () => {
			let last;
			for (let i = 0; i < 12; i++) last = await anon.post('/api/public/progress', { no: kase.no, mobile: kase.mobile });
			assertError(last, 429);
		});
	});
}
