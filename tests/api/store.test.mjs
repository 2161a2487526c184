// The storage layer against real PostgreSQL: the throwaway-cluster helper
// itself (starts, answers, leaves nothing behind, also when the test process
// dies), migrations of the onetrip binary, and the C storage tests pointed
// at a fresh database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, psql, startPostgres } from '../lib/pg.mjs';
import { binPath } from '../lib/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PG_LIB = path.join(ROOT, 'tests/lib/pg.mjs');

function portOpen(port) {
	return new Promise((resolve) => {
		const s = net.connect({ host: '127.0.0.1', port });
		s.once('connect', () => { s.destroy(); resolve(true); });
		s.once('error', () => resolve(false));
	});
}

async function waitGone(dir, ms) {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (!existsSync(dir)) return true;
		await new Promise((r) => setTimeout(r, 100));
	}
	return !existsSync(dir);
}

// Runs a child node program that starts a cluster, prints its folder and
// port, then misbehaves as told; resolves with {dir, port, code, signal}.
function childCluster(misbehave) {
	const program = `
		import { startPostgres } from ${JSON.stringify(PG_LIB)};
		const pg = await startPostgres();
		console.log(JSON.stringify({ dir: pg.dir, port: pg.port }));
		${misbehave}
	`;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--input-type=module', '-e', program],
			{ stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		let info = null;
		child.stdout.on('data', (d) => {
			out += d;
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (line && !info) {
				info = JSON.parse(line);
				if (misbehave.includes('KILLME')) child.kill('SIGKILL');
			}
		});
		child.stderr.on('data', (d) => { err += d; });
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (!info) reject(new Error(`child never started a cluster (${code}): ${err}`));
			else resolve({ ...info, code, signal, err });
		});
	});
}

describe('throwaway PostgreSQL clusters', () => {
	test('a cluster answers queries and is gone after stop()', async () => {
		const pg = await startPostgres();
		assert.match(pg.url, /^postgresql:\/\/onetrip@127\.0\.0\.1:\d+\/onetrip$/);
		assert.ok(existsSync(pg.dir));
		assert.equal(await psql(pg.url, 'SELECT 1'), '1');
		assert.equal(await psql(pg.url, 'SHOW server_encoding'), 'UTF8');
		assert.equal(await psql(pg.url, "SELECT length('白河县')"), '3');
		await assert.rejects(psql(pg.url, 'SELECT * FROM no_such_table'), /no_such_table/);
		const other = await createDatabase(pg.url, 'second_db');
		assert.match(other, /\/second_db$/);
		assert.equal(await psql(other, 'SELECT current_database()'), 'second_db');
		await assert.rejects(createDatabase(pg.url, 'bad;name'), /bad database name/);
		await pg.stop();
		assert.equal(existsSync(pg.dir), false, 'cluster folder removed');
		assert.equal(await portOpen(pg.port), false, 'server stopped');
		await pg.stop(); // twice is harmless
	});

	test('an uncaught error in the test process still removes the cluster', async () => {
		const r = await childCluster("throw new Error('test blew up');");
		assert.notEqual(r.code, 0);
		assert.match(r.err, /test blew up/);
		assert.equal(existsSync(r.dir), false);
		assert.equal(await portOpen(r.port), false);
	});

	test('a test process that never calls stop() leaves nothing behind', async () => {
		const r = await childCluster('/* forgets pg.stop() */');
		assert.equal(r.code, 0);
		assert.equal(existsSync(r.dir), false);
		assert.equal(await portOpen(r.port), false);
	});

	test('even a killed test process leaves no cluster behind', async () => {
		const r = await childCluster('setInterval(() => {}, 1000); // KILLME');
		assert.equal(r.signal, 'SIGKILL');
		assert.ok(await waitGone(r.dir, 15000), `watchdog removed ${r.dir}`);
		assert.equal(await portOpen(r.port), false);
	});
});

describe('storage on PostgreSQL', () => {
	let pg;
	before(async () => { pg = await startPostgres(); });
	after(async () => { await pg?.stop(); });

	const migrations = readdirSync(path.join(ROOT, 'src/store/migrations'))
		.filter((f) => f.endsWith('.sql')).sort();

	test('onetrip migrate applies every migration once', { skip: !existsSync(binPath()) && 'no onetrip binary' }, async () => {
		const url = await createDatabase(pg.url, 'migrate_db');
		const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		for (let i = 0; i < 2; i++) {
			const r = spawnSync(binPath(), ['migrate', '--db', url], { encoding: 'utf8', env, timeout: 60000 });
			assert.equal(r.status, 0, `migrate run ${i + 1}: ${r.stdout}${r.stderr}`);
		}
		const rows = (await psql(url, 'SELECT version FROM schema_migrations ORDER BY version')).split('\n');
		assert.deepEqual(rows, migrations.map((f) => f.replace(/\.sql$/, '')));
		// A database that does not exist fails clearly.
		const bad = spawnSync(binPath(), ['migrate', '--db', `postgresql://onetrip@127.0.0.1:${pg.port}/nope`],
			{ encoding: 'utf8', env, timeout: 60000 });
		assert.equal(bad.status, 1);
		assert.match(bad.stdout + bad.stderr, /无法连接 PostgreSQL 数据库.*"nope" does not exist/);
	});

	// A database a newer version has migrated: this version neither migrates
	// nor serves it, and says why; nothing in it changes.
	test('a schema newer than the program is refused, on both databases', { skip: !existsSync(binPath()) && 'no onetrip binary' }, async () => {
		const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-newer-'));
		const urls = [`sqlite:${dir}/a.db`, await createDatabase(pg.url, 'newer_db')];
		try {
			for (const url of urls) {
				let r = spawnSync(binPath(), ['migrate', '--db', url], { encoding: 'utf8', env, timeout: 60000 });
				assert.equal(r.status, 0, r.stdout + r.stderr);
				const insert = "INSERT INTO schema_migrations (version, applied_at) VALUES ('990_from_a_newer_version', 0)";
				if (url.startsWith('sqlite:')) spawnSync('sqlite3', [url.slice(7), insert]);
				else await psql(url, insert);
				for (const cmd of [['migrate'], ['serve', '--listen', '127.0.0.1:0', '--var', `${dir}/var`]]) {
					r = spawnSync(binPath(), [...cmd, '--db', url], { encoding: 'utf8', env, timeout: 60000 });
					assert.equal(r.status, 1, `${cmd[0]} on ${url}: ${r.stdout}${r.stderr}`);
					assert.match(r.stderr, /已由更新版本的 onetrip 升级（本程序不认识迁移 990_from_a_newer_version），请使用新版本的 onetrip/);
				}
				const count = url.startsWith('sqlite:')
					? spawnSync('sqlite3', [url.slice(7), 'SELECT COUNT(*) FROM schema_migrations'], { encoding: 'utf8' }).stdout.trim()
					: await psql(url, 'SELECT COUNT(*) FROM schema_migrations');
				assert.equal(+count, migrations.length + 1);
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	const unit = path.join(ROOT, 'build/unit/test_db');
	test('the C storage tests pass on PostgreSQL', { skip: !existsSync(unit) && 'build/unit/test_db not built (make unit)' }, async () => {
		const url = await createDatabase(pg.url, 'unit_db');
		const r = spawnSync(unit, [], {
			encoding: 'utf8', timeout: 120000,
			env: { ...process.env, ONETRIP_TEST_PG_URL: url, ASAN_OPTIONS: 'detect_leaks=1' },
		});
		const all = r.stdout + r.stderr;
		assert.equal(r.status, 0, all);
		assert.doesNotMatch(all, /SKIPPED \] db postgresql/);
		// One group without a database, then SQLite and PostgreSQL.
		assert.equal((all.match(/\[ {2}PASSED {2}\]/g) || []).length, 3, all);
	});
});
