// A server stops promptly on SIGTERM even in the middle of a long background
// job (docs/deploy.md, "Stopping"): the deadline sweeper working through a
// backlog of overdue cases ends after the batch it is in, the process exits
// 0 within seconds, everything it did is committed whole (each warning with
// its audit record), the next start takes up the cases still without a
// warning, and the audit chain verifies. Both databases.
//
// The backlog: copies of an open demo case accepted long ago, inserted
// directly (no API makes thousands of cases quickly); each one is a red
// warning to raise with its notifications and audit record, one transaction
// per case, so the first round of the sweeper takes far longer than the
// bound below.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, binPath, dbKinds } from '../lib/server.mjs';
import { sqlRunner } from '../lib/sql.mjs';

const BACKLOG = 20000;
const STOP_BOUND_MS = 5000; // docs/deploy.md, "Stopping": the job's part
const HTTP_STOP_MS = 10000; // and the requests in flight (src/http/server.c STOP_WAIT_MS)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, ms, fn) {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(100);
	}
}

// SIGTERM, then the exit: {code, signal, ms}; SIGKILL after 60 s so that a
// hanging server fails the test instead of outliving it.
function terminate(child) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		const killer = setTimeout(() => child.kill('SIGKILL'), 60000);
		child.once('exit', (code, signal) => {
			clearTimeout(killer);
			resolve({ code, signal, ms: Date.now() - t0 });
		});
		child.kill('SIGTERM');
	});
}

function auditVerify(dbUrl, varDir) {
	const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
	delete env.ONETRIP_DB;
	const r = spawnSync(binPath(), ['audit', 'verify', '--db', dbUrl, '--var', varDir],
		{ encoding: 'utf8', env, timeout: 300000 });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('stopping during a long job', { concurrency: true }, () => {
	test('the systemd unit waits longer than a stop can take', () => {
		const unit = readFileSync(new URL('../../deploy/onetrip.service', import.meta.url), 'utf8');
		const timeout = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)[1]) * 1000;
		assert.ok(timeout > STOP_BOUND_MS + HTTP_STOP_MS, `TimeoutStopSec=${timeout / 1000}`);
	});

	for (const kind of dbKinds()) {
		test(`SIGTERM in the middle of a sweep of ${BACKLOG} overdue cases: exit 0 within ${STOP_BOUND_MS} ms, resumed on the next start (${kind})`, async (t) => {
			const srv = await startServer({ db: kind });
			const db = sqlRunner(srv.dbUrl, srv.varDir);
			try {
				const template = db.query('SELECT id FROM cases WHERE accepted_day IS NOT NULL AND ' +
					'closed_at IS NULL AND suspend_kind IS NULL ORDER BY id LIMIT 1')[0];
				assert.ok(template, 'the demo has an open accepted case');
				// The copies are told by their numbers (…-S<n>), not by their ids:
				// rows inserted without an id take the sequence's (on PostgreSQL
				// below the year-carrying ids of the demo's cases, migration 141).
				const copies = "SELECT id FROM cases WHERE case_no LIKE '%-S%'";
				const series = db.kind === 'sqlite'
					? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BACKLOG}) `
					: '';
				const from = db.kind === 'sqlite' ? 'n' : `generate_series(1, ${BACKLOG}) AS n(i)`;
				const cols = 'item_id, item_version_id, dept_id, window_id, applicant_id, applicant_kind, ' +
					'applicant_name, applicant_idno, applicant_mobile, channel, state, acceptance_mode, ' +
					'accepted_by, budget_days, handler_id, form, created_by';
				db.exec(`${series}INSERT INTO cases (case_no, ${cols}, accepted_at, accepted_day, created_at, updated_at) ` +
					`SELECT k.case_no || '-S' || n.i, ${cols.split(', ').map((c) => `k.${c}`).join(', ')}, ` +
					`1780000000, '2026-05-28', 1780000000, 1780000000 FROM cases k, ${from} WHERE k.id = ${template.id};`);
				const warned = () => Number(db.query(`SELECT COUNT(*) AS n FROM case_warnings WHERE case_id IN (${copies})`)[0].n);
				// Every warning committed with its audit record (one transaction).
				const consistent = () => {
					const audited = Number(db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'case.warning' " +
						`AND object_type = 'case' AND object_id IN (SELECT CAST(id AS TEXT) FROM cases WHERE case_no LIKE '%-S%')`)[0].n);
					assert.equal(audited, warned(), 'a warning without its audit record, or the reverse');
				};

				// A fresh start sweeps at once: wait until it is well into the backlog.
				await srv.restart();
				await waitFor('the sweeper to start on the backlog', 120000, () => warned() >= 50);
				let r = await terminate(srv.process);
				assert.equal(r.signal, null, srv.logTail(20));
				assert.equal(r.code, 0, srv.logTail(20));
				assert.ok(r.ms < STOP_BOUND_MS, `stopped after ${r.ms} ms\n${srv.logTail(20)}`);
				const atStop = warned();
				t.diagnostic(`${kind}: stopped ${r.ms} ms after SIGTERM with ${atStop} of ${BACKLOG} warnings raised`);
				assert.ok(atStop < BACKLOG, `the sweep was over before the stop (${atStop} warnings): not a test of stopping`);
				consistent();

				// The next start takes up the cases still without a warning.
				await srv.restart();
				await waitFor('the sweep to go on after the restart', 120000, () => warned() >= atStop + 50);
				r = await terminate(srv.process);
				t.diagnostic(`${kind}: after the restart, stopped ${r.ms} ms after SIGTERM with ${warned()} warnings`);
				assert.equal(r.code, 0, srv.logTail(20));
				assert.ok(r.ms < STOP_BOUND_MS, `stopped after ${r.ms} ms\n${srv.logTail(20)}`);
				consistent();
				const dup = db.query(`SELECT case_id FROM case_warnings WHERE case_id IN (${copies}) ` +
					'GROUP BY case_id, level HAVING COUNT(*) > 1');
				assert.deepEqual(dup, [], 'a case warned twice');
				if (db.kind === 'sqlite') assert.deepEqual(db.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
				const v = auditVerify(srv.dbUrl, srv.varDir);
				assert.equal(v.code, 0, v.out + v.err);
				assert.match(v.out, /^audit chain intact: \d+ records\n$/);
			} finally {
				assert.equal(await srv.stop(), 0);
			}
		});
	}
});
