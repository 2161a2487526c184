// Several onetrip servers on one PostgreSQL database (the province set-up,
// docs/deploy.md): three servers with their jobs on, one database and one
// shared var folder. Case lives run through all three at once (round robin)
// and nothing happens twice: no case number, warning, document or SMS twice.
// The server holding a job's lease is killed with SIGKILL and another takes
// the lease within jobs.lease_seconds (+ the 2 s retry); a logout reaches
// every server within the session cache's 5 seconds; the audit chain
// verifies at the end. PostgreSQL only (SQLite is one server).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql, createDatabase } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const LEASE_S = 5;
// The servers' clock: four weeks after the demo was loaded (at the real
// time), on a Wednesday, so that the demo's open cases near or past their
// deadlines and the sweepers raise warnings while the servers run.
const NOW = (() => {
	const d = new Date(Date.now() + 28 * 86400e3);
	d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7));
	return `${d.toISOString().slice(0, 10)}T10:00:00+08:00`;
})();
const SESSION_CACHE_MS = 5000;           // docs/deploy.md: the logout bound
const CASES = 9;

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
		await new Promise((r) => setTimeout(r, 100));
	}
}

const skip = !dbKinds().includes('postgresql') && 'PostgreSQL only (ONETRIP_DBS)';

describe('several servers on one PostgreSQL database', { skip }, () => {
	let servers = [];   // {srv, alive}
	let dbUrl, varDir;
	const sessions = {}; // login -> token

	// A client of server i (round robin over the live ones) with login's token.
	function on(i, login) {
		const live = servers.filter((s) => s.alive);
		const c = new Client(live[i % live.length].srv.url);
		c.token = sessions[login];
		return c;
	}

	async function sql(q) {
		return psql(dbUrl, q);
	}

	before(async () => {
		const tb = Date.now();
		const args = ['--set', `jobs.lease_seconds=${LEASE_S}`];
		const first = await startServer({ db: 'postgresql', now: NOW, args });
		({ dbUrl, varDir } = first);
		const rest = await Promise.all([1, 2].map(() => startServer({ db: 'postgresql', now: NOW, args, share: first })));
		servers = [first, ...rest].map((srv) => ({ srv, alive: true }));
		for (const login of [DEMO.person, DEMO.window01]) {
			const c = new Client(first.url);
			await c.login(login, DEMO.password);
			sessions[login] = c.token;
		}
		process.stdout.write(`# three servers up in ${Date.now() - tb} ms\n`);
	});

	after(async () => {
		// The shared folder belongs to the first server: stop it last.
		for (const s of servers.slice(1).reverse()) if (s.alive) assert.equal(await s.srv.stop(), 0);
		if (servers[0] && servers[0].alive) assert.equal(await servers[0].srv.stop(), 0);
	});

	// One case life, each step on the next server: apply, accept, approve,
	// deliver. Returns the case.
	async function caseLife(k, item, nMaterials) {
		const person = on(k, DEMO.person);
		const mats = [];
		for (let i = 0; i < nMaterials; i++) {
			const body = new TextEncoder().encode(`%PDF-1.4\n% ms ${k} ${i} ${Math.random()}\n%%EOF\n`);
			const u = ok(await person.post(`/api/uploads?name=m${i}.pdf`, body,
				{ headers: { 'Content-Type': 'application/pdf' } }), 201);
			mats.push({ index: i, sha256: u.sha256 });
		}
		let cs = ok(await person.post('/api/cases', { item_id: item.id, form: {}, materials: mats }), 201);
		cs = ok(await on(k + 1, DEMO.window01).post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
		cs = ok(await on(k + 2, DEMO.window01).post(`/api/cases/${cs.id}/actions/approve`,
			{ version: cs.version, reason: '准予备案' }));
		cs = ok(await on(k, DEMO.window01).post(`/api/cases/${cs.id}/deliver`, { method: 'download', version: cs.version }));
		assert.equal(cs.state, 'done');
		return cs;
	}

	async function item() {
		const c = on(0, DEMO.person);
		const r = ok(await c.get(`/api/guide/items?q=${encodeURIComponent('建设项目环境影响登记表备案')}&limit=50`));
		const it = r.items.find((i) => i.name === '建设项目环境影响登记表备案');
		const g = ok(await c.get(`/api/guide/items/${it.id}`));
		return { it, n: g.elements.materials.length };
	}

	// Every document of these cases ready, each rendered and sealed once.
	async function documentsOnce(ids) {
		const list = ids.join(',');
		await waitFor('documents ready', 30000, async () =>
			(await sql(`SELECT COUNT(*) FROM documents WHERE case_id IN (${list}) AND status <> 'ready'`)) === '0');
		const docs = Number(await sql(`SELECT COUNT(*) FROM documents WHERE case_id IN (${list})`));
		assert.ok(docs >= ids.length * 2, `documents: ${docs}`);
		assert.equal(await sql("SELECT COUNT(*) FROM (SELECT object_id FROM audit_log WHERE action = 'document.ready' " +
			'GROUP BY object_id HAVING COUNT(*) > 1) d'), '0', 'a document rendered twice');
		assert.equal(await sql('SELECT COUNT(*) FROM (SELECT document_ref FROM seal_usage ' +
			'GROUP BY document_kind, document_ref HAVING COUNT(*) > 1) d'), '0', 'a document sealed twice');
		return docs;
	}

	function smsLines() {
		const f = path.join(varDir, 'sms-outbox.log');
		if (!existsSync(f)) return [];
		return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
	}

	test('case lives through three servers at once: nothing twice', async () => {
		const { it, n } = await item();
		// The demo's own messages are dated by the demo's clock: only this
		// test's count.
		const since = Number(await sql('SELECT COALESCE(MAX(id), 0) FROM outbox'));
		const t0 = Date.now();
		const cases = await Promise.all(Array.from({ length: CASES }, (_, k) => caseLife(k, it, n)));
		const lifeMs = Date.now() - t0;
		const nos = cases.map((c) => c.case_no);
		assert.equal(new Set(nos).size, CASES);
		assert.equal(await sql('SELECT COUNT(*) FROM (SELECT case_no FROM cases GROUP BY case_no HAVING COUNT(*) > 1) d'), '0');
		const docs = await documentsOnce(cases.map((c) => c.id));
		// Warnings: one per case and level, and one notification each.
		assert.equal(await sql('SELECT COUNT(*) FROM (SELECT case_id, level FROM case_warnings ' +
			'GROUP BY case_id, level HAVING COUNT(*) > 1) d'), '0');
		// The SMS outbox: every message delivered, each once (one shared log).
		await waitFor('SMS delivered', 30000, async () =>
			(await sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'sms' AND id > ${since} AND delivered_at IS NULL AND dead_at IS NULL`)) === '0');
		const lines = smsLines();
		const ids = lines.map((l) => l.id);
		assert.equal(new Set(ids).size, ids.length, 'an SMS sent twice');
		assert.equal(String(ids.length), await sql("SELECT COUNT(*) FROM outbox WHERE kind = 'sms' AND delivered_at IS NOT NULL"));
		assert.ok(Number(await sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'sms' AND id > ${since}`)) >= CASES, 'the case lives sent SMS');
		const warnings = await sql('SELECT COUNT(*) FROM case_warnings');
		process.stdout.write(`# ${CASES} case lives on 3 servers in ${lifeMs} ms; ${docs} documents, ` +
			`${ids.length} SMS, ${warnings} warnings, each once\n`);
	});

	test('each job runs on one server; SIGKILL of its holder: another takes the lease', async () => {
		const rows = async () => (await sql("SELECT name || ' ' || holder || ' ' || (expires_at - " +
			"CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)) FROM job_leases ORDER BY name"))
			.split('\n').map((l) => l.split(' ')).map(([name, holder, left]) => ({ name, holder, left: Number(left), live: Number(left) > 0 }));
		const pidOf = (holder) => Number(holder.split(':').pop());
		const pids = servers.map((s) => s.srv.process.pid);
		let now = await rows();
		assert.deepEqual(now.map((r) => r.name), ['deadline_sweeper', 'document_renderer', 'outbox', 'rating_sweeper']);
		// Every job held by one of the servers (a lease may lapse for a
		// moment on a loaded machine; it is taken again within the retry).
		now = await waitFor('every job held', (LEASE_S + 2) * 1000, async () => {
			const rs = await rows();
			return rs.every((r) => r.live && pids.includes(pidOf(r.holder))) && rs;
		}).catch(() => now);
		const leaseLog = () => servers.map((s) => s.srv.logTail(400).split('\n').filter((l) => /lease/.test(l)).join('\n')).join('\n');
		for (const r of now) assert.ok(r.live && pids.includes(pidOf(r.holder)), `${r.name} held by ${r.holder} (${pids}): ${JSON.stringify(now)}\n${leaseLog()}`);

		const victim = servers.find((s) => s.srv.process.pid === pidOf(now.find((r) => r.name === 'document_renderer').holder));
		const theirs = now.filter((r) => pidOf(r.holder) === victim.srv.process.pid).map((r) => r.name);
		victim.srv.process.kill('SIGKILL');
		victim.alive = false;
		const t0 = Date.now();
		now = await waitFor('leases taken over', (LEASE_S + 2) * 1000 + 3000, async () => {
			const rs = await rows();
			return theirs.every((n) => {
				const r = rs.find((x) => x.name === n);
				return r.live && pidOf(r.holder) !== victim.srv.process.pid;
			}) && rs;
		});
		const took = Date.now() - t0;
		assert.ok(took <= (LEASE_S + 2) * 1000 + 1000, `taken over after ${took} ms`);
		const live = servers.filter((s) => s.alive).map((s) => s.srv.process.pid);
		for (const r of now) assert.ok(live.includes(pidOf(r.holder)), `${r.name} held by ${r.holder}`);
		process.stdout.write(`# ${theirs.join(', ')}: taken over ${took} ms after SIGKILL (lease ${LEASE_S} s)\n`);

		// The jobs run: a case life on the two survivors gets its documents.
		const { it, n } = await item();
		const cases = await Promise.all([0, 1].map((k) => caseLife(k, it, n)));
		await documentsOnce(cases.map((c) => c.id));
	});

	test('a logout reaches every server within the session cache time', async () => {
		const live = servers.filter((s) => s.alive);
		const c = new Client(live[0].srv.url);
		await c.login(DEMO.window01, DEMO.password);
		const token = c.token;
		const others = live.slice(1).map((s) => { const o = new Client(s.srv.url); o.token = token; return o; });
		for (const o of others) ok(await o.get('/api/me')); // now cached there
		assert.equal((await c.logout()).status, 204);
		const t0 = Date.now();
		const times = await Promise.all(others.map((o) => waitFor('logout on another server', SESSION_CACHE_MS + 2000,
			async () => (await o.get('/api/me')).status === 401 && Date.now() - t0)));
		for (const t of times) assert.ok(t <= SESSION_CACHE_MS + 500, `logout seen after ${t} ms`);
		process.stdout.write(`# logout seen on the other servers after ${times.join(', ')} ms\n`);
	});

	test('two servers migrating one new database at once: each migration runs once', async () => {
		const url = await createDatabase(dbUrl, 'ms_migrate_race');
		const [a, b] = await Promise.all([cli(['migrate', '--db', url]), cli(['migrate', '--db', url])]);
		assert.equal(a.code, 0, a.out);
		assert.equal(b.code, 0, b.out);
		const files = Number(await sql('SELECT COUNT(*) FROM schema_migrations'));
		assert.equal(await psql(url, 'SELECT COUNT(*) FROM schema_migrations'), String(files));
		// Every migration applied by exactly one of the two.
		const applied = (r) => (r.out.match(/migration \d+\w* applied/g) || []).map((l) => l.split(' ')[1]);
		const both = [...applied(a), ...applied(b)];
		assert.equal(both.length, files, `${a.out}\n${b.out}`);
		assert.equal(new Set(both).size, files);
		process.stdout.write(`# two migrators: ${applied(a).length} + ${applied(b).length} of ${files} migrations\n`);
	});

	// A rolling upgrade: a newer onetrip has migrated the database (an
	// added table and its schema_migrations row). The servers of this
	// version already running keep serving, reads and writes; one started
	// now refuses, saying why, and changes nothing.
	test('rolling upgrade: running servers keep serving a newer schema, a new start is refused', async () => {
		const before = await sql('SELECT COUNT(*) FROM schema_migrations');
		await sql("CREATE TABLE newer_feature (id BIGINT PRIMARY KEY); INSERT INTO schema_migrations (version, applied_at) VALUES ('990_newer_feature', 0)");
		try {
			const { it, n } = await item();
			const cs = await caseLife(0, it, n);
			assert.equal(cs.state, 'done');
			const r = await cli(['serve', '--listen', '127.0.0.1:0', '--db', dbUrl, '--var', varDir, '--no-jobs']);
			assert.notEqual(r.code, 0, r.out);
			assert.match(r.out, /已由更新版本的 onetrip 升级（本程序不认识迁移 990_newer_feature），请使用新版本的 onetrip/);
			assert.equal(await sql('SELECT COUNT(*) FROM schema_migrations'), String(Number(before) + 1));
		} finally {
			await sql("DELETE FROM schema_migrations WHERE version = '990_newer_feature'; DROP TABLE newer_feature");
		}
	});

	test('the audit chain verifies', async () => {
		const r = await cli(['audit', 'verify', '--db', dbUrl, '--var', varDir]);
		assert.equal(r.code, 0, r.out);
	});
});
