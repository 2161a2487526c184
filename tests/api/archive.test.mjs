// Growth over years (docs/archive.md): on PostgreSQL the audit records are
// partitioned by the hall's year; an old year is detached for the archive
// with the documented SQL while the server keeps answering and appending,
// and attached again for a full verification. SQLite keeps one table.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
