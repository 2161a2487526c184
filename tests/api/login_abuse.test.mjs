// Login abuse, on every database in ONETRIP_DBS: the lock-out is counted in
// the same statement that checks it (a burst of 31 guesses evaluates at most
// login.max_failures passwords and a right password in the burst does not get
// in once the limit is reached); the delay hits the guessing address, not the
// owner elsewhere; unknown and throttled logins answer alike; failures are
// counted, not each audited; passwords are counted in characters and checked
// against a deny-list, the ID number and the login.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const PW = 'Secret#2024';
const VICTIM = '61092919950101001X';   // registered below
const VICTIM2 = '610929199501010028';

// One JSON POST from a chosen loopback source address (127.0.0.x).
function postFrom(url, pathname, body, localAddress) {
	const u = new URL(url + pathname);
	const data = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress,
			headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
		}, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { text += d; });
			res.on('end', () => {
				let json = null;
				try { json = JSON.parse(text); } catch { /* not JSON */ }
				resolve({ status: res.statusCode, text, json });
			});
		});
		req.on('error', reject);
		req.end(data);
	});
}

async function sql(srv, db, q) {
	if (db === 'postgresql') return psql(srv.dbUrl, q);
	return execFileSync('sqlite3', [srv.dbUrl.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
}

for (const db of dbKinds()) {
	describe(`login abuse (${db})`, () => {
		let srv;

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			for (const [kind, idno] of [['person', VICTIM], ['person', VICTIM2]]) {
				const r = await new Client(srv.url).post('/api/auth/register', {
					kind, idno, name: kind === 'person' ? '赵闰年' : '白河县测试商贸有限公司',
					mobile: '13700000009', password: PW,
				});
				assert.equal(r.status, 201, r.text);
			}
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('31 concurrent guesses evaluate at most 5 passwords; the right one in the burst does not get in once locked', async () => {
			const auditBefore = Number(await sql(srv, db,
				"SELECT count(*) FROM audit_log WHERE action LIKE 'auth.login_failed%'"));
			const tries = [];
			for (let i = 0; i < 30; i++) tries.push(postFrom(srv.url, '/api/auth/login', { login: VICTIM, password: `Wrong#${i}aa`, client: 'api' }, '127.0.0.1'));
			tries.push(postFrom(srv.url, '/api/auth/login', { login: VICTIM, password: PW, client: 'api' }, '127.0.0.1'));
			const res = await Promise.all(tries);
			const wrong = res.filter((r) => r.status === 401).length;
			const ok = res.filter((r) => r.status === 200).length;
			const throttled = res.filter((r) => r.status === 429).length;
			assert.equal(wrong + ok + throttled, 31, res.map((r) => r.status).join(','));
			assert.ok(wrong + ok <= 5, `evaluated ${wrong + ok} passwords (${wrong} wrong, ${ok} right)`);
			for (const r of res.filter((x) => x.status === 429)) {
				assert.equal(r.json.error.code, 'account_locked');
				assert.match(r.json.error.message, CHINESE);
			}
			// After the burst the right password is refused from that address.
			const after = await postFrom(srv.url, '/api/auth/login', { login: VICTIM, password: PW, client: 'api' }, '127.0.0.1');
			if (wrong >= 5) assert.equal(after.status, 429, after.text);
			// Failed logins are counted, not each written to the audit log.
			const auditAfter = Number(await sql(srv, db,
				"SELECT count(*) FROM audit_log WHERE action LIKE 'auth.login_failed%'"));
			assert.equal(auditAfter, auditBefore);
			const total = Number(await sql(srv, db,
				`SELECT total FROM login_throttle WHERE scope = 'login' AND key = '${VICTIM}'`));
			assert.equal(total, wrong);
		});

		test('the owner at another address still logs in: the delay hits the guessing address', async () => {
			const r = await postFrom(srv.url, '/api/auth/login', { login: VICTIM, password: PW, client: 'api' }, '127.0.0.2');
			assert.equal(r.status, 200, r.text);
		});

		test('an unknown login and a throttled one get the same answer', async () => {
			const unknown = '610929199501010036';
			const a = [], b = [];
			for (let i = 0; i < 6; i++) {
				a.push(await postFrom(srv.url, '/api/auth/login', { login: unknown, password: 'Wrong#2024x', client: 'api' }, '127.0.0.3'));
				b.push(await postFrom(srv.url, '/api/auth/login', { login: VICTIM2, password: 'Wrong#2024x', client: 'api' }, '127.0.0.3'));
			}
			assert.deepEqual(a.map((r) => r.status), b.map((r) => r.status));
			assert.deepEqual(a.map((r) => r.json.error.code), b.map((r) => r.json.error.code));
			assert.equal(a[5].status, 429);
			assert.equal(a[5].json.error.message, b[5].json.error.message);
		});

		test('passwords: counted in characters, no common ones, not the ID number or login', async () => {
			const c = new Client(srv.url);
			const cases = [
				['密码1a', 'weak_password'],          // 4 characters, 10 bytes
				['Password1!', 'common_password'],
				['P@ssw0rd', 'common_password'],
				[`A#${'610929199501010044'}`, 'password_has_login'],
			];
			for (const [pw, code] of cases) {
				const r = await c.post('/api/auth/register', {
					kind: 'person', idno: '610929199501010044', name: '钱某', mobile: '13700000008', password: pw,
				});
				assert.equal(r.status, 422, `${pw}: ${r.text}`);
				assert.equal(r.json.error.code, code, pw);
				assert.equal(r.json.error.field, 'password');
				assert.match(r.json.error.message, CHINESE);
			}
			const hall = new Client(srv.url);
			await hall.login('admin', 'Baihe@2024');
			const r = await hall.post('/api/users', { login: 'lisi2024', name: '李四', roles: ['clerk'], password: 'Lisi2024#' });
			assert.equal(r.status, 422, r.text);
			assert.equal(r.json.error.code, 'password_has_login');
		});
	});
}
