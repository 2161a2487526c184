// Real-name levels (实名等级) over HTTP, on every database in ONETRIP_DBS:
// the identity-squatting attack (someone registers with a citizen's ID number
// and reads the walk-in cases a clerk registered for that citizen) now finds
// nothing; a second registration of a taken number gets the same answer as a
// new one and stores nothing; a one-time code sent to the mobile of a walk-in
// case verifies the account (wrong codes spend it); the provincial identity
// service (a local double) verifies or refuses; a clerk confirms an account
// at the window, or reclaims a squatted number for its holder.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday
const PW = 'Squat#2024x';
const PW2 = 'Owner#2024y';
const REGISTERED = '注册成功，请登录后完成实名核验';

// Valid ID numbers (GB 11643 check digit) that the demo does not use.
function personId(first17) {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	let s = 0;
	for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
	return first17 + '10X98765432'[s % 11];
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

// The last SMS code texted to mobile (through the outbox) of this kind.
async function lastCode(srv, mobile, kind) {
	const payload = await sql(srv, `SELECT payload FROM outbox WHERE recipient = '${mobile}' ` +
		`AND payload LIKE '%${kind}%' ORDER BY id DESC LIMIT 1`);
	const m = /验证码(\d{6})/.exec(payload);
	assert.ok(m, `no ${kind} code to ${mobile}: ${payload}`);
	return m[1];
}

// The provincial identity service double: a match only for the triples it
// knows (ID number, name, mobile registered with the carrier).
const KNOWN = new Set();
let provincial, provincialUrl, provincialCalls = 0;

before(async () => {
	provincial = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => { body += d; });
		req.on('end', () => {
			provincialCalls++;
			let match = false;
			try {
				const q = JSON.parse(body);
				match = KNOWN.has(`${q.idno}|${q.name}|${q.mobile}`);
			} catch { /* a bad request matches nothing */ }
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ match }));
		});
	});
	await new Promise((resolve) => provincial.listen(0, '127.0.0.1', resolve));
	provincialUrl = `http://127.0.0.1:${provincial.address().port}/verify`;
});
after(() => new Promise((resolve) => provincial.close(resolve)));

for (const db of dbKinds()) {
	describe(`realname (${db})`, () => {
		let srv, window01, item, nmat;
		const suffix = db === 'sqlite' ? '1' : '2';
		const VICTIM = personId(`61092919780312${suffix}11`);
		const VICTIM_MOBILE = `1399150${suffix}001`;
		const SMSER = personId(`61092919820405${suffix}21`);
		const SMSER_MOBILE = `1399150${suffix}002`;
		const PROV = personId(`61092919910716${suffix}31`);
		const CLERKED = personId(`61092919930101${suffix}41`);
		const ids = {};

		async function walkin(idno, name, mobile) {
			const materials = [];
			for (let i = 0; i < nmat; i++) {
				const body = new TextEncoder().encode(`%PDF-1.4\n% ${idno} m${i} ${Math.random()}\n%%EOF\n`);
				const u = await window01.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			return ok(await window01.post('/api/cases/walkin', {
				item_id: item.id, applicant: { kind: 'person', idno, name, mobile }, materials,
			}), 201);
		}

		async function register(idno, name, mobile, password = PW) {
			const r = await new Client(srv.url).post('/api/auth/register', { kind: 'person', idno, name, mobile, password });
			assert.equal(r.status, 201, r.text);
			return r;
		}

		async function loggedIn(idno, password = PW) {
			const c = new Client(srv.url);
			await c.login(idno, password);
			return c;
		}

		// Every applicant path to a case: the case, its timeline, its
		// documents, the list, withdrawing, supplementing, rating.
		async function seesNothing(c, cs) {
			assert.ok(!ok(await c.get('/api/cases')).items.some((x) => x.id === cs.id), 'the list');
			assertError(await c.get(`/api/cases/${cs.id}`), 404, 'case_not_found');
			assertError(await c.get(`/api/cases/${cs.id}/timeline`), 404);
			assertError(await c.get(`/api/cases/${cs.id}/documents`), 404);
			assertError(await c.post(`/api/cases/${cs.id}/actions/withdraw`, { version: cs.version }), 404);
			assertError(await c.post(`/api/cases/${cs.id}/supplement`, { version: cs.version, materials: [] }), 404);
			const rate = await c.post(`/api/cases/${cs.id}/ratings`, { level: 5, text: '很好' });
			assert.ok(rate.status === 404 || rate.status === 403, rate.text);
			const seen = await c.get(`/api/cases/${cs.id}/rating`);
			assert.ok(seen.status === 404 || seen.status === 403, seen.text);
			const notes = ok(await c.get('/api/notifications'));
			assert.ok(!notes.items.some((n) => n.case_id === cs.id), 'notifications');
		}

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs', '--set', `realname.provincial_url=${provincialUrl}`] });
			window01 = new Client(srv.url);
			await window01.login(DEMO.window01, DEMO.password);
			// A promised item the comprehensive window accepts.
			const depts = ok(await window01.get('/api/departments'));
			const sthj = (Array.isArray(depts) ? depts : depts.items).find((d) => d.name === '县生态环境分局');
			const items = ok(await window01.get(`/api/guide/items?dept_id=${sthj.id}&limit=50`)).items;
			item = items.find((i) => i.case_kind === 2);
			assert.ok(item, 'a promised item at window01');
			const g = ok(await window01.get(`/api/guide/items/${item.id}`));
			nmat = (g.elements || g.item || g).materials.length;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('squatting: an account registered with a citizen\'s ID number sees none of their walk-in cases', async () => {
			const cs = await walkin(VICTIM, '秦守业', VICTIM_MOBILE);
			ids.victimCase = cs;
			const reg = await register(VICTIM, '秦守业', '13700009001');
			const squatter = await loggedIn(VICTIM);
			// The attack: every applicant path to the victim's case.
			await seesNothing(squatter, cs);
			assert.deepEqual(reg.json, { message: REGISTERED }, 'no account data in the answer');
			const me = ok(await squatter.get('/api/me'));
			assert.equal(me.user.realname, 'unverified');
			const st = ok(await squatter.get('/api/me/realname'));
			assert.equal(st.level, 'unverified');
			assert.match(st.sms_mobile_masked, /^139\*+\d{4}$/, 'the code would go to the walk-in mobile, not the squatter\'s');
			// A later walk-in case is not linked to the unverified account either.
			const cs2 = await walkin(VICTIM, '秦守业', VICTIM_MOBILE);
			assert.equal(await sql(srv, `SELECT COALESCE(applicant_id, 0) FROM cases WHERE id = ${cs2.id}`), '0');
			await seesNothing(squatter, cs2);
			// Still open: the squatter cannot withdraw it.
			assert.equal(ok(await window01.get(`/api/cases/${cs.id}`)).state, 'submitted');
			// The account still sees what it created itself: its own list works.
			ids.squatter = squatter;
		});

		test('a second registration of a taken number gets the same answer and stores nothing', async () => {
			const before = await sql(srv, `SELECT count(*) FROM users`);
			const hash = await sql(srv, `SELECT password_hash FROM users WHERE login = '${VICTIM}'`);
			const r2 = await register(VICTIM.toLowerCase(), '秦守业', VICTIM_MOBILE, PW2);
			assert.deepEqual(r2.json, { message: REGISTERED }, 'the same answer as a new number');
			assert.equal(await sql(srv, `SELECT count(*) FROM users`), before);
			assert.equal(await sql(srv, `SELECT password_hash FROM users WHERE login = '${VICTIM}'`), hash);
			// The holder's mobile is told how to reclaim the number.
			const sms = await sql(srv, `SELECT payload FROM outbox WHERE recipient = '${VICTIM_MOBILE}' AND payload LIKE '%register_taken%'`);
			assert.match(sms, /窗口/);
			const r = await new Client(srv.url).login(VICTIM, PW2, { strict: false });
			assertError(r, 401, 'bad_credentials');
		});

		test('an SMS code to the walk-in mobile verifies; wrong codes spend it', async () => {
			const cs = await walkin(SMSER, '韩立信', SMSER_MOBILE);
			await register(SMSER, '韩立信', '13700009002');
			const c = await loggedIn(SMSER);
			await seesNothing(c, cs);
			assertError(await c.post('/api/me/realname/sms/confirm', { code: '12' }), 400, 'invalid_code');
			assertError(await c.post('/api/me/realname/sms/confirm', { code: '123456' }), 422, 'bad_code');

			const r = ok(await c.post('/api/me/realname/sms', {}), 202);
			assert.equal(r.mobile_masked, SMSER_MOBILE.slice(0, 3) + '****' + SMSER_MOBILE.slice(7));
			const first = await lastCode(srv, SMSER_MOBILE, 'realname_code');
			assert.equal(await sql(srv, `SELECT count(*) FROM realname_codes WHERE code_hash LIKE '%${first}%'`), '0', 'only a hash is kept');
			const wrong = first === '000000' ? '000001' : '000000';
			for (let i = 0; i < 5; i++)
				assertError(await c.post('/api/me/realname/sms/confirm', { code: wrong }), 422, 'bad_code');
			// Five wrong tries spent the code: the right one no longer works.
			assertError(await c.post('/api/me/realname/sms/confirm', { code: first }), 422, 'bad_code');
			assert.equal(ok(await c.get('/api/me/realname')).level, 'unverified');
			await seesNothing(c, cs);
			// A new code (the second this minute); a third at once is throttled.
			ok(await c.post('/api/me/realname/sms', {}), 202);
			const second = await lastCode(srv, SMSER_MOBILE, 'realname_code');
			assertError(await c.post('/api/me/realname/sms', {}), 429);
			ok(await c.post('/api/me/realname/sms/confirm', { code: second }));
			const st = ok(await c.get('/api/me/realname'));
			assert.equal(st.level, 'verified');
			assert.equal(st.method, 'sms');
			assert.equal(ok(await c.get('/api/me')).user.realname, 'verified');
			// Now the walk-in case is theirs: listed, readable, linked.
			assert.ok(ok(await c.get('/api/cases')).items.some((x) => x.id === cs.id));
			assert.equal(ok(await c.get(`/api/cases/${cs.id}`)).id, cs.id);
			ok(await c.get(`/api/cases/${cs.id}/documents`));
			assert.equal(await sql(srv, `SELECT applicant_id FROM cases WHERE id = ${cs.id}`),
				await sql(srv, `SELECT id FROM users WHERE login = '${SMSER}'`));
			assertError(await c.post('/api/me/realname/sms/confirm', { code: second }), 409, 'already_verified');
			const audit = await sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'realname.verify'`);
			assert.ok(Number(audit) >= 1);
		});

		test('no walk-in mobile: the SMS way says to come to a window', async () => {
			const idno = personId(`61092919950505${suffix}51`);
			await register(idno, '陆无件', '13700009005');
			const c = await loggedIn(idno);
			assert.equal(ok(await c.get('/api/me/realname')).sms_mobile_masked, null);
			assertError(await c.post('/api/me/realname/sms', {}), 422, 'no_walkin_mobile');
		});

		test('the provincial identity service verifies a matching person and refuses a squatter', async () => {
			const cs = await walkin(PROV, '严省核', '13991509003');
			await register(PROV, '严省核', '13700009003');
			const c = await loggedIn(PROV);
			assert.equal(ok(await c.get('/api/me/realname')).provincial, true);
			const calls = provincialCalls;
			assertError(await c.post('/api/me/realname/provincial', {}), 422, 'provincial_mismatch');
			assert.equal(provincialCalls, calls + 1);
			assert.equal(ok(await c.get('/api/me/realname')).level, 'unverified');
			await seesNothing(c, cs);
			KNOWN.add(`${PROV}|严省核|13700009003`);
			ok(await c.post('/api/me/realname/provincial', {}));
			assert.equal(ok(await c.get('/api/me/realname')).method, 'provincial');
			assert.ok(ok(await c.get('/api/cases')).items.some((x) => x.id === cs.id));
		});

		test('a clerk confirms an account at the window when the holder gives its mobile', async () => {
			await register(CLERKED, '魏窗核', '13700009004');
			const c = await loggedIn(CLERKED);
			// Only clerks: the applicant cannot confirm itself.
			assertError(await c.post('/api/realname/confirm', { idno: CLERKED, mobile: '13700009004' }), 403);
			assertError(await c.get(`/api/realname/lookup?idno=${CLERKED}`), 403);
			assertError(await window01.get('/api/realname/lookup?idno=610929199001010000'), 400, 'invalid_id_number');
			const look = ok(await window01.get(`/api/realname/lookup?idno=${CLERKED.toLowerCase()}`));
			assert.equal(look.account.name, '魏窗核');
			assert.equal(look.account.realname, 'unverified');
			assert.match(look.account.mobile_masked, /^137\*+9004$/);
			assert.equal(await sql(srv, `SELECT actor_login FROM audit_log WHERE action = 'realname.lookup' ` +
				`AND object_id = '${look.account.id}' ORDER BY seq DESC LIMIT 1`), DEMO.window01, 'the look-up is audited');
			assertError(await window01.post('/api/realname/confirm', { idno: CLERKED, mobile: '13700000000' }), 422, 'mobile_mismatch');
			ok(await window01.post('/api/realname/confirm', { idno: CLERKED, mobile: '13700009004' }));
			const st = ok(await c.get('/api/me/realname'));
			assert.equal(st.level, 'verified');
			assert.equal(st.method, 'window');
			const who = await sql(srv, `SELECT actor_login FROM audit_log WHERE action = 'realname.verify' ORDER BY seq DESC LIMIT 1`);
			assert.equal(who, DEMO.window01);
		});

		test('the holder reclaims a squatted number at a window and then sees their case', async () => {
			const cs = ids.victimCase;
			const look = ok(await window01.get(`/api/realname/lookup?idno=${VICTIM}`));
			assert.equal(look.account.realname, 'unverified');
			// The holder's mobile is not the account's: this account is not theirs.
			assertError(await window01.post('/api/realname/confirm', { idno: VICTIM, mobile: VICTIM_MOBILE }), 422, 'mobile_mismatch');
			assertError(await window01.post('/api/realname/reclaim', { idno: VICTIM, name: '', mobile: VICTIM_MOBILE }), 400);
			const squatterId = await sql(srv, `SELECT id FROM users WHERE login = '${VICTIM}'`);
			const r = ok(await window01.post('/api/realname/reclaim', { idno: VICTIM, name: '秦守业', mobile: VICTIM_MOBILE }));
			assert.equal(r.reclaimed, true);
			assert.notEqual(String(r.user_id), squatterId);
			// The squatter is out: its session ended, its password opens nothing.
			assert.equal((await ids.squatter.get('/api/me')).status, 401);
			const sl = await new Client(srv.url).login(VICTIM, PW, { strict: false });
			assert.ok(sl.status === 401, sl.text);
			assert.equal(await sql(srv, `SELECT disabled FROM users WHERE id = ${squatterId}`), '1');
			const audit = await sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'realname.reclaim' AND object_id = '${r.user_id}'`);
			assert.equal(audit, '1');
			// The holder sets a password with a code to the mobile given at the window.
			const anon = new Client(srv.url);
			assert.equal((await anon.post('/api/auth/reset/request', { login: VICTIM, mobile: VICTIM_MOBILE })).status, 202);
			const code = await lastCode(srv, VICTIM_MOBILE, 'password_reset');
			assert.equal((await anon.post('/api/auth/reset/confirm', { login: VICTIM, code, password: PW2 })).status, 204);
			const holder = await loggedIn(VICTIM, PW2);
			assert.equal(ok(await holder.get('/api/me/realname')).level, 'verified');
			assert.ok(ok(await holder.get('/api/cases')).items.some((x) => x.id === cs.id));
			assert.equal(ok(await holder.get(`/api/cases/${cs.id}`)).id, cs.id);
			// Nothing to reclaim any more: the number is the holder's.
			assertError(await window01.post('/api/realname/reclaim', { idno: VICTIM, name: '秦守业', mobile: VICTIM_MOBILE }), 409, 'already_verified');
		});

		test('the demo people are verified and keep their cases', async () => {
			const p = await loggedIn(DEMO.person, DEMO.password);
			assert.equal(ok(await p.get('/api/me')).user.realname, 'verified');
			const staff = ok(await window01.get('/api/me'));
			assert.equal(staff.user.realname, null);
			assertError(await window01.get('/api/me/realname'), 403);
		});
	});
}
