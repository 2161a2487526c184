// Direct access to a test database with the database's own client (sqlite3,
// psql), as an operator or an attacker with the files has it: for setting
// up what no API writes (a large backlog) and for forging records.
//
//   const db = sqlRunner(dbUrl, workDir);
//   db.query('SELECT ...')   // rows as objects
//   db.exec('...;')          // a script (written to a file in workDir)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function sqlRunner(dbUrl, work) {
	let n = 0;
	const file = (sql) => {
		const f = path.join(work, `script-${++n}.sql`);
		writeFileSync(f, sql);
		return f;
	};
	if (dbUrl.startsWith('sqlite:')) {
		const db = dbUrl.slice(7);
		// A server may be writing: wait for its write lock like it does.
		const init = '.timeout 10000';
		return {
			kind: 'sqlite',
			query(sql) {
				const r = spawnSync('sqlite3', ['-batch', '-json', '-cmd', init, db, sql],
					{ encoding: 'utf8', maxBuffer: 64 << 20 });
				assert.equal(r.status, 0, r.stderr);
				return r.stdout.trim() === '' ? [] : JSON.parse(r.stdout);
			},
			exec(sql) {
				const r = spawnSync('sqlite3', ['-batch', '-cmd', init, db, `.read ${file(sql)}`], { encoding: 'utf8' });
				assert.equal(r.status, 0, r.stderr);
			},
			dropGuards: 'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
		};
	}
	const psql = (args) => {
		const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl, ...args],
			{ encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
		assert.equal(r.status, 0, r.stderr);
		return r.stdout;
	};
	return {
		kind: 'postgresql',
		query(sql) {
			return JSON.parse(psql(['-c', `SELECT coalesce(json_agg(t), '[]') FROM (${sql}) t`]));
		},
		exec(sql) { psql(['-f', file(sql)]); },
		dropGuards: 'DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log; DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log;',
	};
}

// A string as an SQL literal.
export const lit = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);
