// Growth over years (docs/archive.md): on PostgreSQL the audit records are
// partitioned by the hall's year; an old year is detached for the archive
// with the documented SQL while the server keeps answering and appending,
// and attached again for a full verification. Cases are partitioned by the
// year their id carries; a closed year leaves with everything that refers
// to it (archive_cases_year) while the server answers for the other years,
// and a database filled before the partitioning is partitioned by
// `onetrip migrate` with its rows and references. SQLite keeps one table.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '../lib/demo.mjs';
import { psql } from '../lib/pg.mjs';
import { Client, binPath, dbKinds, startServer } from '../lib/server.mjs';

const Y2025_FROM = Date.UTC(2025, 0, 1) / 1000 - 8 * 3600;
const Y2025_TO = Date.UTC(2026, 0, 1) / 1000 - 8 * 3600;

function verify(srv) {
	const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
	delete env.ONETRIP_DB;
	const r = spawnSync(binPath(), ['audit', 'verify', '--db', srv.dbUrl, '--var', srv.varDir],
		{ encoding: 'utf8', env, timeout: 120000 });
	return { code: r.status, out: r.stdout + r.stderr };
}

for (const db of dbKinds()) {
	describe(`audit records by year (${db})`, () => {
		let srv;
		before(async () => {
			srv = await startServer({ db, now: '2025-06-02T10:00:00+08:00' });
		});
		after(async () => { await srv?.stop(); });

		if (db === 'sqlite') {
			test('SQLite keeps the audit records in one table', async () => {
				const c = new Client(srv.url);
				await c.login(DEMO.hall, DEMO.password);
				assert.equal(verify(srv).code, 0);
			});
			return;
		}

		test('an old year is detached for the archive and attached again', async () => {
			const c = new Client(srv.url);
			await c.login(DEMO.hall, DEMO.password);
			await c.login(DEMO.window01, DEMO.password);
			assert.equal(await psql(srv.dbUrl,
				"SELECT relkind FROM pg_class WHERE relname = 'audit_log'"), 'p');
			assert.ok(Number(await psql(srv.dbUrl, 'SELECT count(*) FROM audit_log_y2025')) >= 2);
			assert.equal(verify(srv).code, 0);

			// A year later the 2025 records go to the archive (docs/archive.md).
			await srv.restart({ now: '2026-12-01T10:00:00+08:00' });
			const in2025 = Number(await psql(srv.dbUrl, 'SELECT count(*) FROM audit_log_y2025'));
			await psql(srv.dbUrl, 'ALTER TABLE audit_log DETACH PARTITION audit_log_y2025');
			assert.equal(Number(await psql(srv.dbUrl, `SELECT count(*) FROM audit_log WHERE at >= ${Y2025_FROM} AND at < ${Y2025_TO}`)), 0);
			assert.equal(Number(await psql(srv.dbUrl, 'SELECT count(*) FROM audit_log_y2025')), in2025);
			const total = Number(await psql(srv.dbUrl, 'SELECT count(*) FROM audit_log'));
			assert.equal(await psql(srv.dbUrl,
				"SELECT relispartition FROM pg_class WHERE relname = 'audit_log_y2025'"), 'f');

			// The server goes on: logins and look-ups are recorded.
			const h = new Client(srv.url);
			await h.login(DEMO.hall, DEMO.password);
			const r = await h.get(`/api/cases/lookup?idno=${DEMO.person}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(Number(await psql(srv.dbUrl, 'SELECT count(*) FROM audit_log')) > total);

			// The chain cannot be verified without the archived records: the
			// first missing one is named.
			const v = verify(srv);
			assert.notEqual(v.code, 0, v.out);

			// Attached again, the whole chain verifies.
			await psql(srv.dbUrl, `ALTER TABLE audit_log ATTACH PARTITION audit_log_y2025 FOR VALUES FROM (${Y2025_FROM}) TO (${Y2025_TO})`);
			const again = verify(srv);
			assert.equal(again.code, 0, again.out);
		});
	});
}

const YEAR = 10000000000;

async function upload(c) {
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${Math.random()}\n%%EOF\n`);
	const r = await c.post('/api/uploads?name=m.pdf', body, { headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

// An online application for 建设项目环境影响登记表备案 (accepted, decided and
// delivered at the comprehensive window).
async function apply(person) {
	const r = await person.get('/api/guide/items?q=' + encodeURIComponent('建设项目环境影响登记表备案') + '&limit=50');
	const item = r.json.items.find((i) => i.name === '建设项目环境影响登记表备案');
	const g = (await person.get(`/api/guide/items/${item.id}`)).json;
	const materials = [];
	for (let i = 0; i < g.elements.materials.length; i++) materials.push({ index: i, sha256: await upload(person) });
	const a = await person.post('/api/cases', { item_id: item.id, form: {}, materials });
	assert.equal(a.status, 201, a.text);
	return a.json;
}

async function ok(p, status = 200) {
	const r = await p;
	assert.equal(r.status, status, r.text);
	return r.json;
}

async function closeByDelivery(window01, cs) {
	cs = await ok(window01.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
	cs = await ok(window01.post(`/api/cases/${cs.id}/actions/approve`, { version: cs.version, reason: '准予备案' }));
	cs = await ok(window01.post(`/api/cases/${cs.id}/deliver`, { method: 'download', version: cs.version }));
	assert.ok(cs.closed_at, JSON.stringify(cs));
	return cs;
}

for (const db of dbKinds()) {
	describe(`cases by year (${db})`, () => {
		let srv;
		before(async () => {
			srv = await startServer({ db, now: '2025-06-02T10:00:00+08:00' });
		});
		after(async () => { await srv?.stop(); });

		test('a case\'s id carries the year of its day, and its number is never given twice', async () => {
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			const cs = await apply(person);
			assert.equal(Math.floor(cs.id / YEAR), 2025, String(cs.id));
			const again = await apply(person);
			assert.ok(again.id > cs.id);
			assert.notEqual(again.case_no, cs.case_no);
			if (db === 'sqlite') return;
			assert.equal(await psql(srv.dbUrl, `SELECT tableoid::regclass FROM cases WHERE id = ${cs.id}`), 'cases_y2025');
			// The number is held by case_numbers, across every year.
			await assert.rejects(psql(srv.dbUrl, `INSERT INTO cases (id, case_no, item_id, item_version_id, dept_id, applicant_kind,
				applicant_name, applicant_idno, channel, state, created_at, updated_at) SELECT ${2030 * YEAR + 1}, case_no, item_id,
				item_version_id, dept_id, 'P', 'x', 'x', 'online', 'submitted', 0, 0 FROM cases WHERE id = ${cs.id};
				INSERT INTO case_numbers (case_no, case_id) SELECT case_no, ${2030 * YEAR + 1} FROM cases WHERE id = ${cs.id}`),
			/case_numbers_pkey/);
		});

		if (db === 'sqlite') return;

		test('a closed year of cases is archived while the server answers for the others', async () => {
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			const window01 = new Client(srv.url);
			await window01.login(DEMO.window01, DEMO.password);
			// 2025: one case delivered, one withdrawn; the others of this
			// file's first test are withdrawn too.
			const done = await closeByDelivery(window01, await apply(person));
			const open = await apply(person);
			const mine = JSON.parse(await psql(srv.dbUrl, `SELECT json_agg(json_build_object('id', id, 'version', version))
				FROM cases WHERE id >= ${2025 * YEAR} AND id < ${2026 * YEAR} AND closed_at IS NULL`));
			assert.ok(mine.some((x) => x.id === open.id));
			await assert.rejects(psql(srv.dbUrl, 'SELECT archive_cases_year(2025)'), /not closed/);
			assert.equal(await psql(srv.dbUrl, "SELECT to_regnamespace('archive_cases_y2025') IS NULL"), 't');
			for (const x of mine) await ok(person.post(`/api/cases/${x.id}/actions/withdraw`, { version: x.version }));
			const events = Number(await psql(srv.dbUrl, `SELECT count(*) FROM case_events WHERE case_id >= ${2025 * YEAR} AND case_id < ${2026 * YEAR}`));
			const docs = Number(await psql(srv.dbUrl, `SELECT count(*) FROM documents WHERE case_id = ${done.id}`));
			assert.ok(events > 0 && docs > 0, `${events} events, ${docs} documents`);

			// 2026: a new case, open.
			await srv.restart({ now: '2026-12-01T10:00:00+08:00' });
			const person26 = new Client(srv.url);
			await person26.login(DEMO.person, DEMO.password);
			const window26 = new Client(srv.url);
			await window26.login(DEMO.window01, DEMO.password);
			const live = await apply(person26);
			assert.equal(Math.floor(live.id / YEAR), 2026);

			// The documented procedure: archive, export, drop (docs/archive.md).
			assert.equal(await psql(srv.dbUrl, 'SELECT archive_cases_year(2025)'), 'archive_cases_y2025');
			assert.equal(await psql(srv.dbUrl, "SELECT relispartition FROM pg_class WHERE oid = 'archive_cases_y2025.cases_y2025'::regclass"), 'f');
			assert.equal(Number(await psql(srv.dbUrl, `SELECT count(*) FROM cases WHERE id >= ${2025 * YEAR} AND id < ${2026 * YEAR}`)), 0);
			assert.equal(Number(await psql(srv.dbUrl, `SELECT count(*) FROM case_events WHERE case_id >= ${2025 * YEAR} AND case_id < ${2026 * YEAR}`)), 0);
			assert.equal(Number(await psql(srv.dbUrl, `SELECT count(*) FROM archive_cases_y2025.case_events`)), events);
			assert.equal(Number(await psql(srv.dbUrl, `SELECT count(*) FROM archive_cases_y2025.documents WHERE case_id = ${done.id}`)), docs);
			assert.equal(await psql(srv.dbUrl, `SELECT case_no FROM archive_cases_y2025.cases_y2025 WHERE id = ${done.id}`), done.case_no);
			const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-archive-'));
			try {
				const file = path.join(dir, 'cases_y2025.dump');
				const d = spawnSync('pg_dump', ['-d', srv.dbUrl, '-n', 'archive_cases_y2025', '-Fc', '-f', file], { encoding: 'utf8' });
				assert.equal(d.status, 0, d.stderr);
				assert.ok(statSync(file).size > 0);
			} finally { rmSync(dir, { recursive: true, force: true }); }
			await psql(srv.dbUrl, 'DROP SCHEMA archive_cases_y2025 CASCADE');

			// The server goes on: the 2026 case is found by id, number and ID
			// number, the inboxes answer, the archived case is gone, its
			// number stays taken.
			assert.equal((await ok(window26.get(`/api/cases/${live.id}`))).case_no, live.case_no);
			const byNo = await ok(window26.get(`/api/cases/lookup?no=${live.case_no}`));
			assert.ok(JSON.stringify(byNo).includes(live.case_no));
			const byIdno = await ok(window26.get(`/api/cases/lookup?idno=${DEMO.person}`));
			assert.ok(JSON.stringify(byIdno).includes(live.case_no));
			assert.ok(!JSON.stringify(byIdno).includes(done.case_no));
			const inbox = await ok(window26.get('/api/work/inbox?queue=accept'));
			assert.ok(inbox.items.some((x) => x.id === live.id));
			assert.equal((await window26.get(`/api/cases/${done.id}`)).status, 404);
			assert.equal(await psql(srv.dbUrl, `SELECT case_id FROM case_numbers WHERE case_no = '${done.case_no}'`), String(done.id));
			const next = await apply(person26);
			assert.ok(next.id > live.id);
		});
	});
}

// A new year never finds its cases without a partition: the sweeper makes
// this year's and next year's (case_partitions_ensure), so that no case
// lands in cases_default, where its year could no longer get one.
describe('the next year\'s partition of cases (postgresql)', () => {
	let srv;
	after(async () => { await srv?.stop(); });

	test('a server in December 2031 adds the partitions of 2031 and 2032 by itself', { skip: !dbKinds().includes('postgresql') }, async () => {
		srv = await startServer({ db: 'postgresql', now: '2030-06-02T10:00:00+08:00' });
		const exists = async (y) => (await psql(srv.dbUrl, `SELECT to_regclass('cases_y${y}') IS NOT NULL`)) === 't';
		assert.equal(await exists(2030), true);
		await srv.restart({ now: '2031-12-20T10:00:00+08:00' });
		const deadline = Date.now() + 60000;
		while (!(await exists(2032)) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 250));
		assert.equal(await exists(2031), true, 'this year\'s partition');
		assert.equal(await exists(2032), true, 'next year\'s partition, made ahead of its first case');
		assert.equal(await exists(2033), false);
		// A case of the new year goes to its own partition, not the default.
		const person = new Client(srv.url);
		await person.login(DEMO.person, DEMO.password);
		const cs = await apply(person);
		assert.equal(Math.floor(cs.id / YEAR), 2031);
		assert.equal(await psql(srv.dbUrl, `SELECT tableoid::regclass FROM cases WHERE id = ${cs.id}`), 'cases_y2031');
		assert.equal(Number(await psql(srv.dbUrl, 'SELECT count(*) FROM cases_default')), 0);
	});
});

// Turns the partitioned cases of a database back into the table it was
// before migration 141 (ids given by the identity, UNIQUE case_no and
// query_code, the 18 foreign keys) and forgets migrations 140 and later.
const UNPARTITION = `DO $$
DECLARE
	r record;
	fks text[] := '{}';
	d text;
	cols text;
BEGIN
	FOR r IN SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def,
	    (SELECT attname FROM pg_attribute WHERE attrelid = conrelid AND attnum = conkey[1]) AS col
	    FROM pg_constraint WHERE confrelid = 'cases'::regclass AND contype = 'f' AND conparentid = 0 LOOP
		fks := fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
		EXECUTE format('UPDATE %s SET %I = %I %% ${YEAR}', r.tbl, r.col, r.col);
	END LOOP;
	SELECT string_agg(format('%I', attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
	    WHERE attrelid = 'cases'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
	CREATE TABLE cases_flat (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS);
	EXECUTE format('INSERT INTO cases_flat (%s) SELECT %s FROM cases', cols, cols);
	UPDATE cases_flat SET id = id % ${YEAR};
	ALTER TABLE cases_flat ALTER id DROP DEFAULT;
	DROP TABLE cases;
	ALTER TABLE cases_flat RENAME TO cases;
	ALTER TABLE cases DROP COLUMN swept_day;
	ALTER TABLE cases ALTER id ADD GENERATED BY DEFAULT AS IDENTITY;
	PERFORM setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases));
	ALTER TABLE cases ADD CONSTRAINT cases_pkey PRIMARY KEY (id);
	ALTER TABLE cases ADD CONSTRAINT cases_case_no_key UNIQUE (case_no);
	CREATE UNIQUE INDEX cases_query_code ON cases (query_code);
	CREATE INDEX cases_dept_inbox ON cases (dept_id, state, inbox_rank, id);
	CREATE INDEX cases_window_inbox ON cases (window_id, state, inbox_rank, id);
	CREATE INDEX cases_item_submitted ON cases (item_id, inbox_rank, id) WHERE state = 'submitted';
	CREATE INDEX cases_dept_open ON cases (dept_id, inbox_rank, id) WHERE closed_at IS NULL;
	CREATE INDEX cases_applicant ON cases (applicant_idno, id);
	CREATE INDEX cases_bundle ON cases (bundle_id) WHERE bundle_id IS NOT NULL;
	FOREACH d IN ARRAY fks LOOP
		EXECUTE d;
	END LOOP;
	DROP TABLE case_numbers;
	DROP FUNCTION archive_cases_year(int);
	DROP FUNCTION archive_rows(text, text, text, int);
	DROP FUNCTION cases_add_year(int);
	DROP TRIGGER audit_log_head ON audit_log;
	DROP FUNCTION audit_log_head();
	DELETE FROM schema_migrations WHERE version >= '140';
END
$$`;

for (const db of dbKinds().filter((d) => d === 'postgresql')) {
	describe(`cases partitioned by migration (${db})`, () => {
		let srv;
		before(async () => {
			srv = await startServer({ db, now: '2026-03-02T10:00:00+08:00' });
		});
		after(async () => { await srv?.stop(); });

		test('a database with cases from before the partitioning is partitioned with its rows and references', async () => {
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			const window01 = new Client(srv.url);
			await window01.login(DEMO.window01, DEMO.password);
			const done = await closeByDelivery(window01, await apply(person));
			// The server stops (restarted below on the same files).
			const child = srv.process;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
			await psql(srv.dbUrl, UNPARTITION);
			const count = (t) => psql(srv.dbUrl, `SELECT count(*) FROM ${t}`);
			const before = { cases: await count('cases'), events: await count('case_events'), docs: await count('documents') };
			const fks = "SELECT count(*) FROM pg_constraint WHERE confrelid = 'cases'::regclass AND contype = 'f' AND conparentid = 0";
			const nfks = Number(await psql(srv.dbUrl, fks));
			assert.ok(nfks >= 18, String(nfks));
			const oldId = done.id % YEAR;
			const oldMax = Number(await psql(srv.dbUrl, 'SELECT max(id) FROM cases'));
			assert.equal(await psql(srv.dbUrl, "SELECT relkind FROM pg_class WHERE relname = 'cases'"), 'r');

			const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
			delete env.ONETRIP_DB;
			const m = spawnSync(binPath(), ['migrate', '--db', srv.dbUrl], { encoding: 'utf8', env, timeout: 120000 });
			assert.equal(m.status, 0, m.stdout + m.stderr);
			assert.equal(await psql(srv.dbUrl, "SELECT relkind FROM pg_class WHERE relname = 'cases'"), 'p');
			assert.deepEqual({ cases: await count('cases'), events: await count('case_events'), docs: await count('documents') }, before);
			assert.equal(await count('case_numbers'), before.cases);
			assert.equal(Number(await psql(srv.dbUrl, fks)), nfks);
			assert.equal(await psql(srv.dbUrl, `SELECT tableoid::regclass FROM cases WHERE id = ${oldId}`), 'cases_legacy');
			assert.equal(await psql(srv.dbUrl, "SELECT count(*) FROM pg_indexes WHERE tablename = 'cases'"), '11');

			// The server serves the old case and gives new ones the year's ids
			// above every id given before.
			await srv.restart({ now: '2026-03-03T10:00:00+08:00' });
			const w = new Client(srv.url);
			await w.login(DEMO.window01, DEMO.password);
			const p = new Client(srv.url);
			await p.login(DEMO.person, DEMO.password);
			assert.equal((await ok(w.get(`/api/cases/${oldId}`))).case_no, done.case_no);
			const cs = await apply(p);
			assert.equal(Math.floor(cs.id / YEAR), 2026);
			assert.ok(cs.id % YEAR > oldMax, `${cs.id} after ${oldMax}`);
			const byIdno = await ok(w.get(`/api/cases/lookup?idno=${DEMO.person}`));
			const s = JSON.stringify(byIdno);
			assert.ok(s.includes(cs.case_no) && s.includes(done.case_no));
			assert.ok(s.indexOf(cs.case_no) < s.indexOf(done.case_no), 'newest first');
		});
	});
}
