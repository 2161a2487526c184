// The audit chain needs a key to forge (docs/security.md, "Audit chain").
//
// Whoever can write the database plays the forger of the report: drops the
// guard triggers, changes who approved a case, recomputes every following
// hash as plain SM3 (what the chain was before it had a key) and moves the
// head. `onetrip audit verify` must fail and name the first forged record;
// so must the cleverer variants (remove the key anchor, move it, rewrite a
// record written before the key existed). The untouched chain verifies, the
// restored one again. Both databases; the data are the demo's, loaded on a
// database that already holds records from before the key (as an upgraded
// installation does).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '../lib/demo.mjs';
import { Client, binPath, dbKinds, startServer } from '../lib/server.mjs';
import { lit, sqlRunner } from '../lib/sql.mjs';

const GENESIS = '0'.repeat(64);
const LEGACY = 3; // records written before the key existed

// The demo data are only the fixture: loaded with the release build when
// there is one (several times faster than the sanitizer build); every check
// runs the binary under test.
const RELEASE = path.resolve(path.dirname(binPath()), 'onetrip');
const SETUP_BIN = existsSync(RELEASE) ? RELEASE : binPath();

function cli(args, bin = binPath()) {
	const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
	delete env.ONETRIP_DB;
	const r = spawnSync(bin, args, { encoding: 'utf8', env, timeout: 300000 });
	if (r.error) throw r.error;
	return { code: r.status, out: r.stdout, err: r.stderr };
}

// The canonical text of a record, as src/service/platform/audit.c writes it:
// each field as "<byte length>:<bytes>;".
function recordText(r) {
	const f = (v) => {
		const s = v === null || v === undefined ? '' : String(v);
		return `${Buffer.byteLength(s, 'utf8')}:${s};`;
	};
	return [r.seq, r.at, r.actor_id, r.actor_login, r.actor_role, r.action,
		r.object_type, r.object_id, r.summary, r.client_ip, r.request_id].map(f).join('');
}

const sm3 = (prev, r) => createHash('sm3').update(prev + recordText(r), 'utf8').digest('hex');

const COLS = 'seq, at, actor_id, actor_login, actor_role, action, object_type, object_id, summary, client_ip, request_id, prev_hash, hash';

// The records of one chain (migration 131; the CLI writes chain 1) from seq on.
function rowsFrom(db, seq, chain = 1) {
	return db.query(`SELECT ${COLS} FROM audit_log WHERE chain = ${chain} AND seq >= ${seq} ORDER BY seq`)
		.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at), actor_id: Number(r.actor_id) }));
}

// Rewrites the records of a chain from `from` on with `change` applied to
// the first one and every hash recomputed as plain SM3, then moves the
// chain's head: the forging script of the report. Returns what it needs to
// undo itself.
function forge(db, from, change, chain = 1) {
	const rows = rowsFrom(db, from, chain);
	const head = db.query(`SELECT seq, hash, key_from, key_anchor FROM audit_head WHERE id = ${chain}`)[0];
	const prevRow = db.query(`SELECT hash FROM audit_log WHERE chain = ${chain} AND seq < ${from} ORDER BY seq DESC LIMIT 1`)[0];
	let prev = prevRow ? prevRow.hash : GENESIS;
	const forged = rows.map((r, i) => (i === 0 ? { ...r, ...change } : { ...r }));
	const sql = [db.dropGuards, 'BEGIN;'];
	for (const r of forged) {
		r.prev_hash = prev;
		r.hash = sm3(prev, r);
		prev = r.hash;
		sql.push(`UPDATE audit_log SET actor_id = ${r.actor_id}, actor_login = ${lit(r.actor_login)}, ` +
			`summary = ${lit(r.summary)}, prev_hash = '${r.prev_hash}', hash = '${r.hash}' WHERE seq = ${r.seq};`);
	}
	sql.push(`UPDATE audit_head SET hash = '${prev}' WHERE id = ${chain};`, 'COMMIT;');
	db.exec(sql.join('\n'));
	return { rows, head, chain, count: forged.length };
}

function undo(db, saved) {
	const sql = [db.dropGuards, 'BEGIN;'];
	for (const r of saved.rows)
		sql.push(`UPDATE audit_log SET actor_id = ${r.actor_id}, actor_login = ${lit(r.actor_login)}, ` +
			`summary = ${lit(r.summary)}, prev_hash = '${r.prev_hash}', hash = '${r.hash}' WHERE seq = ${r.seq};`);
	sql.push(`UPDATE audit_head SET hash = '${saved.head.hash}', key_from = ${saved.head.key_from}, ` +
		`key_anchor = '${saved.head.key_anchor}' WHERE id = ${saved.chain};`, 'COMMIT;');
	db.exec(sql.join('\n'));
}

describe('audit chain forgery', { concurrency: true }, () => {
	for (const kind of dbKinds()) {
		describe(`the keyed audit chain resists a forger (${kind})`, { concurrency: 1 }, () => {
			let work, dbUrl, varDir, db, pg, total;
			const verify = (extra = []) => cli(['audit', 'verify', '--db', dbUrl, '--var', varDir, ...extra]);
			const expectIntact = () => {
				const v = verify();
				assert.equal(v.code, 0, v.out + v.err);
				assert.equal(v.out, `audit chain intact: ${total} records\n`);
			};

			before(async () => {
				work = mkdtempSync(path.join(tmpdir(), 'onetrip-forge-'));
				varDir = path.join(work, 'var');
				if (kind === 'sqlite') {
					dbUrl = `sqlite:${path.join(work, 'onetrip.db')}`;
				} else {
					const { startPostgres, createDatabase } = await import('../lib/pg.mjs');
					pg = await startPostgres();
					dbUrl = await createDatabase(pg.url, 'forge');
				}
				// An installation from before the key: its schema and records
				// hashed with plain SM3, as the earlier onetrip wrote them.
				let r = cli(['migrate', '--db', dbUrl]);
				assert.equal(r.code, 0, r.err);
				db = sqlRunner(dbUrl, work);
				let prev = GENESIS;
				const ins = [];
				for (let i = 1; i <= LEGACY; i++) {
					const rec = { seq: i, at: 1780000000 + i, actor_id: 0, actor_login: 'cli', actor_role: 'system',
						action: 'user.add_staff', object_type: 'user', object_id: String(i),
						summary: JSON.stringify({ login: `legacy${i}` }), client_ip: '', request_id: '' };
					const h = sm3(prev, rec);
					ins.push(`INSERT INTO audit_log (${COLS}) VALUES (${rec.seq}, ${rec.at}, 0, 'cli', 'system', ` +
						`'user.add_staff', 'user', '${i}', ${lit(rec.summary)}, '', '', '${prev}', '${h}');`);
					prev = h;
				}
				ins.push(`UPDATE audit_head SET seq = ${LEGACY}, hash = '${prev}' WHERE id = 1;`);
				db.exec(ins.join('\n'));
				// The first command that sets up the data directory makes the
				// key and anchors it after the old records.
				r = cli(['demo', '--db', dbUrl, '--var', varDir], SETUP_BIN);
				assert.equal(r.code, 0, r.err);
				total = Number(/审计记录 (\d+) 条/.exec(r.out)[1]);
			});
			after(async () => {
				if (pg) await pg.stop();
				rmSync(work, { recursive: true, force: true });
			});

			test('the key is a 0600 file in the data directory; the chain verifies; old records stay plain SM3', () => {
				const st = statSync(path.join(varDir, 'keys', 'audit.key'));
				assert.equal(st.mode & 0o777, 0o600);
				const head = db.query('SELECT key_from FROM audit_head WHERE id = 1')[0];
				assert.equal(Number(head.key_from), LEGACY + 1);
				const v = verify();
				assert.equal(v.code, 0, v.out + v.err);
				assert.equal(v.out, `audit chain intact: ${total} records\n`);
				assert.match(v.err, new RegExp(`第 1–${LEGACY} 条为启用密钥前的 SM3 记录`));
				// The old records are what the earlier onetrip wrote; the rest
				// is not plain SM3 any more.
				const rows = rowsFrom(db, 1).slice(0, LEGACY + 1);
				assert.equal(sm3(rows[1].prev_hash, rows[1]), rows[1].hash);
				assert.notEqual(sm3(rows[LEGACY].prev_hash, rows[LEGACY]), rows[LEGACY].hash);
				// Without the key the keyed part cannot be checked: said so.
				const nokey = cli(['audit', 'verify', '--db', dbUrl, '--var', path.join(work, 'nokey')]);
				assert.equal(nokey.code, 1);
				assert.match(nokey.err, /找不到密钥文件/);
			});

			test('changing who approved a case and recomputing every SM3 hash fails, naming the forged record', () => {
				const approvals = db.query("SELECT seq, actor_id, actor_login, object_id FROM audit_log " +
					"WHERE action = 'case.approve' ORDER BY seq");
				assert.ok(approvals.length > 0, 'the demo approves cases');
				const target = approvals[0];
				const other = db.query("SELECT id, login FROM users WHERE login <> " + lit(target.actor_login) +
					" AND roles <> 0 ORDER BY id LIMIT 1")[0];
				const saved = forge(db, Number(target.seq), { actor_id: Number(other.id), actor_login: other.login });
				assert.ok(saved.count > 1, `hashes recomputed: ${saved.count}`);
				// The forged chain is a valid plain-SM3 chain (what fooled the
				// earlier verify) ...
				const rows = rowsFrom(db, Number(target.seq));
				for (const r of rows) assert.equal(sm3(r.prev_hash, r), r.hash);
				assert.equal(rows[0].actor_login, other.login);
				// ... and the keyed verify names its first forged record.
				const v = verify();
				assert.equal(v.code, 1, v.out + v.err);
				assert.match(v.out, new RegExp(`^audit chain broken at record ${target.seq} \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, case\\.approve${kind === 'postgresql' ? ', chain 1' : ''}\\)\\n$`));
				assert.match(v.err, new RegExp(`第 ${target.seq} 条记录（.*case\\.approve）处断裂`));
				// A server on this data refuses nothing yet: verify is the check.
				undo(db, saved);
				expectIntact();
			});

			test('removing the key anchor as well does not make the rewritten chain pass', () => {
				const target = Number(db.query("SELECT seq FROM audit_log WHERE action = 'case.approve' ORDER BY seq LIMIT 1")[0].seq);
				const saved = forge(db, target, { actor_login: 'someone_else' });
				db.exec("UPDATE audit_head SET key_from = 0, key_anchor = '' WHERE id = 1;");
				let v = verify();
				assert.equal(v.code, 1, v.out + v.err);
				assert.match(v.err, /没有密钥锚点/);
				// Every record after the old ones as plain SM3, anchor moved past
				// the head: the anchor no longer matches.
				undo(db, saved);
				const all = forge(db, LEGACY + 1, {});
				const head = db.query('SELECT seq FROM audit_head WHERE id = 1')[0];
				db.exec(`UPDATE audit_head SET key_from = ${Number(head.seq) + 1} WHERE id = 1;`);
				v = verify();
				assert.equal(v.code, 1, v.out + v.err);
				assert.match(v.err, /密钥锚点不符/);
				// And a command that writes refuses to extend a chain whose
				// anchor does not match its key.
				const w = cli(['--set', `var=${varDir}`, 'user', 'passwd', '--login', DEMO.hall,
					'--password', 'Forged#Pass2026', '--db', dbUrl]);
				assert.equal(w.code, 1, w.out + w.err);
				assert.match(w.err, /密钥锚点不符/);
				undo(db, all);
				expectIntact();
			});

			test('rewriting a record from before the key breaks the chain at the anchor', () => {
				// The first keyed record: LEGACY + 1 with one chain; on
				// PostgreSQL the next number of chain 1 (migration 131).
				const firstKeyed = Number(db.query(`SELECT MIN(seq) AS s FROM audit_log WHERE seq > ${LEGACY}`)[0].s);
				const saved = forge(db, 2, { summary: JSON.stringify({ login: 'not_legacy' }) });
				const v = verify();
				assert.equal(v.code, 1, v.out + v.err);
				assert.match(v.out, new RegExp(`^audit chain broken at record ${firstKeyed} `));
				assert.match(v.err, /密钥锚点不符/);
				undo(db, saved);
				expectIntact();
			});

			test('another key in the data directory is refused by the commands that write', () => {
				const other = path.join(work, 'other');
				const r = cli(['init', '--db', `sqlite:${path.join(work, 'fresh.db')}`, '--var', other]);
				assert.equal(r.code, 0, r.err);
				const s = cli(['demo', '--db', dbUrl, '--var', other]);
				assert.equal(s.code, 1, s.out + s.err);
				assert.match(s.err, /密钥锚点不符/);
				expectIntact();
			});
		});
	}
});

// A server appends from several threads: on PostgreSQL each thread's records
// go to its own chain (migration 131; 8 chains), so a forged record in chain
// 2 or higher must be found as surely as one in chain 1, and named with its
// chain. SQLite keeps the one chain, whatever the concurrency.
describe('a forged record in a chain written by the server', { concurrency: true }, () => {
	const ACCOUNTS = Object.entries(DEMO).filter(([k]) => k !== 'password').map(([, v]) => v);

	for (const kind of dbKinds()) {
		test(`concurrent requests fill the chains; a forgery in a chain after the first is named with its chain (${kind})`, async () => {
			const srv = await startServer({ db: kind });
			const db = sqlRunner(srv.dbUrl, srv.varDir);
			const verify = () => cli(['audit', 'verify', '--db', srv.dbUrl, '--var', srv.varDir]);
			try {
				const chains = Number(db.query('SELECT COUNT(*) AS n FROM audit_head')[0].n);
				assert.equal(chains, kind === 'postgresql' ? 8 : 1);
				const before = Number(db.query('SELECT MAX(seq) AS m FROM audit_log')[0].m);
				// Logins of every demo account at once (one in flight per
				// account, below the login throttle), until a thread other
				// than the first has written a few records.
				// The chain forged is the fullest but the first (on SQLite, the
				// one chain): at least two new records, so that the forger has
				// later hashes of that chain to recompute.
				const fullest = () => db.query(`SELECT chain, COUNT(*) AS n FROM audit_log WHERE seq > ${before} ` +
					`AND chain >= ${chains > 1 ? 2 : 1} GROUP BY chain ORDER BY COUNT(*) DESC, chain DESC LIMIT 1`)[0];
				const enough = () => { const f = fullest(); return f && Number(f.n) >= 2; };
				for (let round = 0; round < 20 && (round < 3 || !enough()); round++) {
					const answers = await Promise.all(ACCOUNTS.map((login) => new Client(srv.url).login(login, DEMO.password)));
					for (const r of answers) assert.equal(r.status, 200, r.text);
				}
				assert.ok(enough(), 'two records in one chain after the first');
				const last = Number(fullest().chain);
				if (kind === 'postgresql') assert.ok(last >= 2, `records only in chain ${last}`);
				else assert.equal(last, 1);
				// The forger works on a stopped server's database.
				const exited = new Promise((r) => srv.process.once('exit', r));
				srv.process.kill('SIGTERM');
				assert.equal(await exited, 0);
				const intact = verify();
				assert.equal(intact.code, 0, intact.out + intact.err);
				const total = Number(/^audit chain intact: (\d+) records\n$/.exec(intact.out)[1]);
				assert.equal(total, Number(db.query('SELECT COUNT(*) AS n FROM audit_log')[0].n), 'every record checked');

				// The first record the server wrote in that chain: who acted
				// is changed and every later hash of the chain recomputed; the
				// other chains are left as they are.
				const target = db.query(`SELECT seq, action FROM audit_log WHERE chain = ${last} AND seq > ${before} ` +
					'ORDER BY seq LIMIT 1')[0];
				const saved = forge(db, Number(target.seq), { actor_login: 'someone_else' }, last);
				assert.ok(saved.count > 1, `hashes recomputed: ${saved.count}`);
				const v = verify();
				assert.equal(v.code, 1, v.out + v.err);
				const action = target.action.replace(/\./g, '\\.');
				const chainText = kind === 'postgresql' ? `, chain ${last}` : '';
				assert.match(v.out, new RegExp(`^audit chain broken at record ${target.seq} ` +
					`\\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, ${action}${chainText}\\)\\n$`));
				assert.match(v.err, new RegExp(`审计日志链${kind === 'postgresql' ? `（第 ${last} 条链）` : ''}` +
					`在第 ${target.seq} 条记录（.*${action}）处断裂`));
				undo(db, saved);
				const again = verify();
				assert.equal(again.code, 0, again.out + again.err);
				assert.equal(again.out, `audit chain intact: ${total} records\n`);
			} finally {
				assert.equal(await srv.stop(), 0);
			}
		});
	}
});
