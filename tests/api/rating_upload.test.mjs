// The upload of 好差评 records to the provincial system, on every database
// in ONETRIP_DBS, against a local receiver that misbehaves on purpose: the
// first attempt of each record fails (HTTP 500, a dropped connection or no
// answer until the client times out), one record is refused every time
// until it becomes a dead letter and is resent by `onetrip outbox resend`,
// and the server is killed with SIGKILL in the middle of a delivery. The
// receiver keeps records by their idempotency key: every record arrives
// exactly once by its key, none is lost.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { sqlRunner } from '../lib/sql.mjs';

const NOW = '2026-09-29T09:00:00+08:00';
const LATER = '2026-09-29T12:00:00+08:00';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The receiver: first attempt of a key fails in turn by 500, a dropped
// connection and silence; records matching `poison` always get 500; in `slow` mode
// it takes the record and answers after 3 s (the kill window); in `hold` mode
// it never answers.
function startReceiver() {
	const rx = {
		attempts: new Map(), stored: new Map(), poison: null, slow: false, hold: false,
		failures: { http500: 0, dropped: 0, timeout: 0 }, onRecord: null, onHold: null, seq: 0,
	};
	rx.server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => { body += d; });
		req.on('end', () => {
			const key = req.headers['idempotency-key'];
			const n = (rx.attempts.get(key) || 0) + 1;
			rx.attempts.set(key, n);
			let rec;
			try { rec = JSON.parse(body); } catch { res.writeHead(400); res.end(); return; }
			if (!key || rec.idemKey !== key) { res.writeHead(400); res.end(); return; }
			if (rx.poison && rx.poison(rec)) { res.writeHead(500); res.end('refused'); return; }
			// hold: taken, never answered (the client times out).
			if (rx.hold) { if (rx.onHold) rx.onHold(key); return; }
			if (n === 1 && !rx.slow) {
				const how = rx.seq++ % 3;
				if (how === 0) { rx.failures.http500++; res.writeHead(500); res.end('oops'); return; }
				if (how === 1) { rx.failures.dropped++; req.socket.destroy(); return; }
				rx.failures.timeout++; // no answer: the client gives up after outbox.timeout_seconds
				setTimeout(() => { try { res.writeHead(200); res.end(); } catch { /* closed */ } }, 4000);
				return;
			}
			// Keep the record once by its key; a repeat is answered 200 as a duplicate.
			if (!rx.stored.has(key)) rx.stored.set(key, rec);
			if (rx.onRecord) rx.onRecord(key);
			const answer = () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"ok":true}'); };
			if (rx.slow) setTimeout(answer, 3000);
			else answer();
		});
	});
	return new Promise((resolve) => rx.server.listen(0, '127.0.0.1', () => {
		rx.url = `http://127.0.0.1:${rx.server.address().port}/upload`;
		resolve(rx);
	}));
}

async function upload(c) {
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${Math.random()}\n%%EOF\n`);
	const r = await c.post('/api/uploads?name=m.pdf', body, { headers: { 'Content-Type': 'application/pdf' } });
	return ok(r, 201).sha256;
}

for (const db of dbKinds()) {
	describe(`rating upload (${db})`, () => {
		let srv, rx, clerk, person, item, firstId = 0;

		before(async () => {
			rx = await startReceiver();
			srv = await startServer({ db, now: NOW, args: ['--set', `rating.upload_url=${rx.url}`,
				'--set', 'outbox.backoff_seconds=1', '--set', 'outbox.timeout_seconds=1',
				'--set', 'outbox.max_attempts=4'] });
			clerk = new Client(srv.url);
			person = new Client(srv.url);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
			await person.login(DEMO.person, DEMO.password);
			const r = ok(await clerk.get(`/api/guide/items?q=${encodeURIComponent('个体工商户设立登记')}&limit=50`));
			item = r.items.find((i) => i.name === '个体工商户设立登记');
			// The demo's history was uploaded when it happened; only what follows counts.
			const hist = await outboxStatus('delivered');
			firstId = hist.items.length ? hist.items[0].id : 0;
		});
		after(async () => {
			if (srv) await srv.stop();
			rx.server.closeAllConnections();
			rx.server.close();
		});

		async function newDelivered() {
			return (await outboxStatus('delivered')).items.filter((m) => m.id > firstId).map((m) => m.idem_key).sort();
		}

		async function ratedCase(level) {
			const materials = [];
			for (let i = 0; i < 3; i++) materials.push({ index: i, sha256: await upload(clerk) });
			let cs = ok(await clerk.post('/api/cases/walkin', { item_id: item.id, materials,
				applicant: { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' } }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', approve: true, deliver_method: 'window', version: cs.version }));
			return ok(await person.post(`/api/cases/${cs.id}/ratings`, { level, channel: '2', dims: ['501'] }), 201);
		}

		// counts cover every kind (the demo's SMS among them); by_kind.upload
		// is this test's part.
		async function outboxStatus(status) {
			const r = await cli(['outbox', 'status', '--db', srv.dbUrl, '--json', '--kind', 'upload', ...(status ? ['--status', status] : [])]);
			assert.equal(r.code, 0, r.err);
			return JSON.parse(r.out);
		}

		async function waitUntil(pred, ms, what) {
			const end = Date.now() + ms;
			while (Date.now() < end) {
				if (await pred()) return;
				await sleep(500);
			}
			const st = await outboxStatus();
			assert.fail(`timed out waiting for ${what}\n${JSON.stringify(st)}\n${srv.logTail(40)}`);
		}

		test('500, dropped connections, time-outs, a dead letter and its resend: each record once', async () => {
			// The one rating of level 4 is refused every time.
			rx.poison = (rec) => rec.recordType === 'evaluation' && rec.satisfaction === '4';
			const ratings = [];
			for (const level of [5, 4, 1, 3, 5]) ratings.push(await ratedCase(level));
			const poisonKey = `610929-rating-${ratings[1].id}`;
			// Everything but the poisoned record arrives; that one becomes dead.
			await waitUntil(async () => {
				const s = await outboxStatus();
				const u = s.by_kind.upload;
				return u.waiting === 0 && u.failed === 0 && u.dead === 1;
			}, 90000, 'all uploads delivered or dead');
			const dead = (await outboxStatus('dead')).items;
			assert.equal(dead.length, 1);
			assert.equal(dead[0].idem_key, poisonKey);
			assert.equal(dead[0].attempts, 4);
			assert.match(dead[0].last_error, /HTTP 500/);
			const st = await cli(['outbox', 'status', '--db', srv.dbUrl, '--status', 'dead']);
			assert.match(st.out, /死信 1/);
			assert.ok(rx.failures.http500 > 0 && rx.failures.dropped > 0 && rx.failures.timeout > 0, JSON.stringify(rx.failures));
			// The receiver is fixed; resend puts the dead letter back.
			rx.poison = null;
			const admin = new Client(srv.url);
			await admin.login(DEMO.admin, DEMO.password);
			assert.equal((await clerk.post(`/api/outbox/${dead[0].id}/resend`, {})).status, 403);
			ok(await admin.post(`/api/outbox/${dead[0].id}/resend`, {}));
			await waitUntil(async () => (await outboxStatus()).by_kind.upload.dead === 0 && rx.stored.has(poisonKey), 30000, 'the resent record');

			const delivered = await newDelivered();
			assert.deepEqual([...rx.stored.keys()].sort(), delivered);
			for (const r of ratings) {
				const rec = rx.stored.get(`610929-rating-${r.id}`);
				assert.ok(rec, `rating ${r.id} arrived`);
				assert.equal(rec.satisfaction, String(r.level));
				assert.equal(rec.pf, '2');
				assert.equal(rec.evalDetail, '501');
				assert.equal(rec.areaCode, '610929');
				assert.match(rec.assessTime, /^\d{8}T\d{6}$/);
				assert.equal(rec.projectNo, r.case_no);
			}
			// The bad rating's loop step went up too.
			assert.ok([...rx.stored.values()].some((x) => x.recordType === 'rectification' && x.step === 'verify'));
		});

		test('a server stopping in the middle of a batch gives back what it did not try: sent at once by the next', async () => {
			const work = mkdtempSync(path.join(tmpdir(), 'onetrip-outbox-'));
			const sql = sqlRunner(srv.dbUrl, work);
			try {
				// Two records refused until they are dead letters, then made due
				// together by one statement: the next round claims both in one batch.
				rx.poison = () => true;
				const keys = [];
				for (const level of [5, 3]) keys.push(`610929-rating-${(await ratedCase(level)).id}`);
				const rows = () => sql.query(`SELECT idem_key, attempts, next_attempt_at, dead_at, delivered_at FROM outbox WHERE idem_key IN ('${keys[0]}', '${keys[1]}') ORDER BY id`);
				await waitUntil(async () => rows().every((m) => m.dead_at !== null), 60000, 'both records dead');
				rx.poison = null;
				rx.hold = true;
				const held = new Promise((resolve) => { rx.onHold = resolve; });
				sql.exec(`UPDATE outbox SET dead_at = NULL, attempts = 0, last_error = NULL, next_attempt_at = 0 WHERE idem_key IN ('${keys[0]}', '${keys[1]}');`);
				const first = await Promise.race([held, sleep(30000).then(() => {
					throw new Error(`no delivery began within 30 s\n${srv.logTail(30)}`);
				})]);
				assert.equal(first, keys[0]);
				// SIGTERM while the first is in flight: it times out and is marked;
				// the second, never tried, is given back.
				srv.process.kill('SIGTERM');
				await new Promise((resolve) => {
					if (srv.process.exitCode !== null) resolve();
					else srv.process.once('exit', resolve);
				});
				assert.equal(srv.process.exitCode, 0, srv.logTail(30));
				const [a, b] = rows();
				assert.equal(a.attempts, 1, JSON.stringify(a));
				assert.equal(b.attempts, 0, `the untried record counts no attempt: ${JSON.stringify(b)}`);
				assert.equal(b.delivered_at, null);
				assert.ok(Number(b.next_attempt_at) <= Number(a.next_attempt_at),
					`due at once, not after the claim's lease: ${JSON.stringify([a, b])}`);
				// The next server sends both; the receiver keeps each once.
				rx.hold = false;
				rx.onHold = null;
				// Half an hour on (still before LATER), with new clients on the new address.
				await srv.restart({ now: '2026-09-29T09:30:00+08:00' });
				clerk = new Client(srv.url);
				person = new Client(srv.url);
				await clerk.login(DEMO.scjg_clerk, DEMO.password);
				await person.login(DEMO.person, DEMO.password);
				await waitUntil(async () => rows().every((m) => m.delivered_at !== null), 30000, 'both records delivered');
				for (const k of keys) assert.ok(rx.stored.has(k), k);
			} finally {
				rx.poison = null;
				rx.hold = false;
				rmSync(work, { recursive: true, force: true });
			}
		});

		test('kill -9 during a delivery: the record is delivered again with the same key, kept once', async () => {
			rx.slow = true;
			let got = null;
			const arrived = new Promise((resolve) => { rx.onRecord = (k) => { if (!got) { got = k; resolve(k); } }; });
			const r = await ratedCase(4);
			const key = await Promise.race([arrived, sleep(60000).then(() => {
				throw new Error(`no delivery began within 60 s\n${srv.logTail(30)}`);
			})]);
			assert.equal(key, `610929-rating-${r.id}`);
			srv.process.kill('SIGKILL');
			await sleep(500);
			rx.slow = false;
			rx.onRecord = null;
			// The message was taken but never marked: it waits, leased.
			let s = await outboxStatus();
			assert.ok(s.items.some((m) => m.idem_key === key), JSON.stringify(s.items));
			// After the lease the next run delivers it again, with the same key.
			const before = rx.attempts.get(key);
			const run = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', LATER,
				'--set', `rating.upload_url=${rx.url}`, '--set', 'outbox.timeout_seconds=2']);
			assert.equal(run.code, 0, run.err + run.out);
			assert.ok(rx.attempts.get(key) > before);
			s = await outboxStatus();
			const u = s.by_kind.upload;
			assert.equal(u.waiting + u.failed + u.dead, 0, JSON.stringify(u));
			const delivered = await newDelivered();
			assert.deepEqual([...rx.stored.keys()].sort(), delivered);
			assert.equal(new Set(delivered).size, delivered.length);
		});
	});
}
