// Failover to a synchronous standby (the province set-up, docs/deploy.md):
// a PostgreSQL primary with a streaming-replication standby
// (synchronous_commit=remote_apply), two onetrip servers on the multi-host
// URL (target_session_attrs=read-write). Under load (several clients making
// and accepting cases through both servers) the primary is killed with
// SIGKILL and the standby promoted with `pg_ctl promote`:
// - the servers reconnect by themselves and take writes again;
// - every write acknowledged (2xx) before, during and after the switch is
//   on the promoted standby, with at least the acknowledged version;
// - every request during the switch gets 503 with Retry-After and a Chinese
//   message, never 500 (a write whose commit answer was lost is not run
//   again: it gets 503 "commit_unknown");
// - the service guide, read from the standby (db.read_url), answers 200 while
//   there is no primary;
// - the audit chain verifies on the promoted standby.
// PostgreSQL only.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql, startPostgresPair } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const WORKERS = 4;
const ITEM = '建设项目环境影响登记表备案';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout + stderr }));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

async function waitFor(what, ms, fn) {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const skip = !dbKinds().includes('postgresql') && 'PostgreSQL only (ONETRIP_DBS)';

describe('failover to the synchronous standby', { skip }, () => {
	let pair, varDir;
	const servers = [];
	const tokens = {};

	before(async () => {
		const t0 = Date.now();
		pair = await startPostgresPair();
		varDir = mkdtempSync(path.join(tmpdir(), 'onetrip-var-'));
		const d = await cli(['demo', '--db', pair.url, '--var', varDir]);
		assert.equal(d.code, 0, d.out);
		const share = { dbUrl: pair.url, varDir };
		// The service guide is read from the standby (db.read_url).
		const args = ['--set', `db.read_url=${pair.readUrl}`];
		servers.push(...await Promise.all([0, 1].map(() => startServer({ share, args }))));
		for (const login of [DEMO.person, DEMO.window01]) {
			const c = new Client(servers[0].url);
			await c.login(login, DEMO.password);
			tokens[login] = c.token;
		}
		process.stdout.write(`# primary + synchronous standby, demo and two servers up in ${Date.now() - t0} ms\n`);
	});

	after(async () => {
		let clean = true;
		for (const s of servers) clean = (await s.stop()) === 0 && clean;
		if (pair) await pair.stop();
		if (clean && varDir) rmSync(varDir, { recursive: true, force: true });
	});

	function client(k, login) {
		const c = new Client(servers[k % servers.length].url);
		c.token = tokens[login];
		return c;
	}

	test('SIGKILL of the primary under load: nothing acknowledged is lost, 503 during the switch', async () => {
		const person = client(0, DEMO.person);
		const list = ok(await person.get(`/api/guide/items?q=${encodeURIComponent(ITEM)}&limit=50`));
		const it = list.items.find((i) => i.name === ITEM);
		const nMat = ok(await person.get(`/api/guide/items/${it.id}`)).elements.materials.length;

		const acked = new Map();   // case id -> {case_no, version, at}
		const unavailable = [];    // the 503 answers
		const bad = [];            // anything else that is not 2xx
		const lastOk = [0, 0];     // per server: time of its last acknowledged write
		let stop = false;
		let guideDuringSwitch = false;

		// One answer: 2xx is acknowledged; 503 must say so properly;
		// anything else is a failure of this test.
		function check(r, what, k) {
			if (r.status >= 200 && r.status < 300) {
				lastOk[k % servers.length] = Date.now();
				return r.json;
			}
			if (r.status === 503) unavailable.push({ what, retry: r.headers.get('retry-after'), body: r.json, at: Date.now() });
			else bad.push(`${what}: ${r.status} ${r.text}`);
			return null;
		}

		async function worker(w) {
			for (let k = w; !stop; k++) {
				const p = client(k, DEMO.person);
				const mats = [];
				for (let i = 0; i < nMat && mats.length === i; i++) {
					const body = new TextEncoder().encode(`%PDF-1.4\n% failover ${w} ${k} ${i} ${Math.random()}\n%%EOF\n`);
					const u = check(await p.post(`/api/uploads?name=m${i}.pdf`, body,
						{ headers: { 'Content-Type': 'application/pdf' } }), 'upload', k);
					if (u) mats.push({ index: i, sha256: u.sha256 });
				}
				if (mats.length < nMat) {
					await sleep(100);
					continue;
				}
				const cs = check(await p.post('/api/cases', { item_id: it.id, form: {}, materials: mats }), 'apply', k);
				if (!cs) {
					await sleep(100);
					continue;
				}
				acked.set(cs.id, { case_no: cs.case_no, version: cs.version, at: Date.now() });
				const a = check(await client(k + 1, DEMO.window01).post(`/api/cases/${cs.id}/accept`,
					{ mode: 'normal', version: cs.version }), 'accept', k + 1);
				if (a) acked.set(cs.id, { case_no: a.case_no, version: a.version, at: Date.now() });
				else await sleep(100);
			}
		}

		const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
		try {
			await waitFor('writes before the kill', 30000, () => acked.size >= 6);
			assert.equal(await psql(pair.primaryUrl, 'SELECT sync_state FROM pg_stat_replication'), 'sync');
			const tKill = Date.now();
			const before = acked.size;
			await pair.killPrimary();
			// The switch: writes meet no primary (503) until the standby
			// is promoted.
			await waitFor('503 answers while there is no primary', 20000, () => unavailable.length >= WORKERS);
			// Meanwhile the service guide is answered by the standby, to a
			// visitor and to a logged-in applicant alike (whose session,
			// on the primary, cannot be read now).
			for (let k = 0; k < 2 * servers.length; k++) {
				const g = k < servers.length ? new Client(servers[k].url) : client(k, DEMO.person);
				const l = ok(await g.get(`/api/guide/items?q=${encodeURIComponent(ITEM)}&limit=50`));
				assert.ok(l.items.some((i) => i.id === it.id), JSON.stringify(l));
				assert.equal(ok(await g.get(`/api/guide/items/${it.id}`)).elements.materials.length, nMat);
				ok(await g.get('/api/guide/themes'));
				// A page that needs the primary says so.
				if (g.token) {
					const mine = await g.get('/api/cases');
					assert.equal(mine.status, 503, mine.text);
					assert.ok(Number(mine.headers.get('retry-after')) > 0);
				}
			}
			guideDuringSwitch = true;
			await pair.promote();
			const tPromote = Date.now();
			await waitFor('writes through both servers after the promotion', 30000,
				() => lastOk.every((t) => t > tPromote + 200));
			const back = Math.max(...lastOk.map((t) => t - tPromote));
			await sleep(300);
			stop = true;
			await Promise.all(workers);
			process.stdout.write(`# ${acked.size} cases acknowledged (${before} before the kill), ` +
				`${unavailable.length} answers 503, writes again on both servers ${back} ms after the promotion ` +
				`(killed ${tPromote - tKill} ms before it)\n`);
		} finally {
			stop = true;
			await Promise.all(workers);
		}

		assert.ok(guideDuringSwitch);
		assert.deepEqual(bad, [], `answers other than 2xx or 503:\n${bad.join('\n')}\n` +
			servers.map((s) => s.logTail(30)).join('\n') + pair.logs());
		for (const u of unavailable) {
			assert.ok(Number(u.retry) > 0, `503 without Retry-After: ${JSON.stringify(u)}`);
			assert.ok(u.body && u.body.error && /[\u4e00-\u9fff]/.test(u.body.error.message),
				`503 without a Chinese message: ${JSON.stringify(u)}`);
			assert.ok(['db_unavailable', 'commit_unknown'].includes(u.body.error.code), JSON.stringify(u));
		}

		// Every acknowledged write is on the promoted standby.
		const ids = [...acked.keys()];
		const rows = (await psql(pair.standbyUrl, `SELECT id || ' ' || case_no || ' ' || version FROM cases WHERE id IN (${ids.join(',')})`))
			.split('\n').filter(Boolean).map((l) => l.split(' '));
		const found = new Map(rows.map(([id, no, v]) => [Number(id), { case_no: no, version: Number(v) }]));
		for (const [id, a] of acked) {
			const f = found.get(id);
			assert.ok(f, `acknowledged case ${id} (${a.case_no}) lost`);
			assert.equal(f.case_no, a.case_no);
			assert.ok(f.version >= a.version, `case ${id}: version ${f.version} < acknowledged ${a.version}`);
		}
		assert.equal(await psql(pair.standbyUrl, 'SELECT pg_is_in_recovery()'), 'f');
		assert.equal(await psql(pair.standbyUrl, 'SELECT COUNT(*) FROM (SELECT case_no FROM cases GROUP BY case_no HAVING COUNT(*) > 1) d'), '0');
	});

	test('the audit chain verifies on the promoted standby', async () => {
		const r = await cli(['audit', 'verify', '--db', pair.url, '--var', varDir]);
		assert.equal(r.code, 0, r.out);
	});
});
