// The `onetrip` command line: exit codes, demo idempotence, audit chain,
// online backup, staff accounts, graceful stop, working-day deadlines.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '../lib/demo.mjs';

const BIN = path.resolve(process.env.ONETRIP_BIN || '../bin/onetrip-san');
const DBS = (process.env.ONETRIP_DBS || 'sqlite').split(/[\s,]+/).filter(Boolean);

function cleanEnv() {
	const env = { ...process.env };
	delete env.ONETRIP_DB;
	return env;
}

function run(args, opts = {}) {
	const r = spawnSync(BIN, args, {
		encoding: 'utf8',
		env: { ...cleanEnv(), ...(opts.env || {}) },
		input: opts.input,
		cwd: opts.cwd,
		timeout: 120000,
	});
	if (r.error) throw r.error;
	return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

function tmp() {
	return mkdtempSync(path.join(tmpdir(), 'onetrip-cli-'));
}

function demoCounts(out) {
	const m = /部门 (\d+) 个, 账号 (\d+) 个, 审计记录 (\d+) 条/.exec(out);
	assert.ok(m, `demo summary line missing in: ${out}`);
	return { departments: +m[1], users: +m[2], audit: +m[3] };
}

// Starts `onetrip serve` and resolves once it printed its address.
function serve(args) {
	return new Promise((resolve, reject) => {
		const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', ...args], {
			env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '', err = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`serve did not start: ${err}`));
		}, 60000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = /^onetrip listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(out);
			if (m && !child.url) {
				clearTimeout(timer);
				child.url = m[1];
				child.output = () => out;
				resolve(child);
			}
		});
		child.stderr.on('data', (d) => { err += d; });
		child.on('exit', (code) => {
			clearTimeout(timer);
			if (!child.url) reject(new Error(`serve exited ${code}: ${err}`));
		});
	});
}

function stop(child, sig = 'SIGTERM') {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) {
			resolve({ code: child.exitCode, signal: child.signalCode });
			return;
		}
		child.once('exit', (code, signal) => resolve({ code, signal }));
		child.kill(sig);
	});
}

async function login(url, loginName, password) {
	const res = await fetch(`${url}/api/auth/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ login: loginName, password, client: 'api' }),
	});
	let json = null;
	try { json = await res.json(); } catch { /* empty body */ }
	return { status: res.status, json };
}

describe('onetrip usage and exit codes', () => {
	test('help lists every command and exits 0', () => {
		const r = run(['help']);
		assert.equal(r.code, 0);
		for (const c of ['serve', 'migrate', 'init', 'demo', 'user', 'backup',
			'audit', 'calendar', 'seal', 'version', 'help'])
			assert.match(r.out, new RegExp(`^  ${c} `, 'm'), c);
	});

	test('version prints the version and exits 0', () => {
		const r = run(['version']);
		assert.equal(r.code, 0);
		assert.match(r.out, /^onetrip \S+\n$/);
	});

	test('unknown command, no command: usage on stderr, exit 2', () => {
		let r = run(['frobnicate']);
		assert.equal(r.code, 2);
		assert.match(r.err, /未知命令 "frobnicate"/);
		assert.match(r.err, /用法: onetrip/);
		assert.equal(r.out, '');
		r = run([]);
		assert.equal(r.code, 2);
	});

	test('every command answers --help with exit 0', () => {
		for (const c of ['serve', 'migrate', 'init', 'demo', 'user', 'backup',
			'audit', 'calendar', 'seal']) {
			const r = run([c, '--help']);
			assert.equal(r.code, 0, `${c} --help: ${r.err}`);
			assert.match(r.out, /用法/, c);
		}
	});

	test('bad usage exits 2 without touching a database', () => {
		const dir = tmp();
		try {
			const db = `sqlite:${dir}/never.db`;
			for (const args of [
				['serve', '--bogus'],
				['serve', '--now', 'yesterday', '--db', db],
				['serve', '--now', '2026-02-30T09:00:00+08:00', '--db', db],
				['serve', '--now', '2026-09-28T09:00:00', '--db', db],
				['serve', '--listen', 'nocolon', '--db', db],
				['migrate', 'extra', '--db', db],
				['audit', '--db', db],
				['audit', 'fix', '--db', db],
				['backup', '--db', db],
				['user', '--db', db],
				['user', 'remove', '--login', 'x', '--db', db],
				['user', 'add', '--login', 'x', '--name', 'X', '--dept', '1', '--db', db],
				['user', 'add', '--login', 'x', '--name', 'X', '--roles', 'king',
					'--dept', '1', '--password', 'Aa@12345678', '--db', db],
				['user', 'add', '--login', 'x', '--name', 'X', '--roles', 'applicant',
					'--dept', '1', '--password', 'Aa@12345678', '--db', db],
			]) {
				const r = run(args);
				assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
				assert.notEqual(r.err, '');
			}
			assert.equal(existsSync(`${dir}/never.db`), false);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('a database that cannot be opened is a failure (exit 1)', () => {
		const r = run(['migrate', '--db', 'sqlite:/nonexistent-dir/x/y.db']);
		assert.equal(r.code, 1);
		assert.match(r.err, /数据库/);
		const r2 = run(['migrate', '--db', 'mysql://nope']);
		assert.equal(r2.code, 1);
	});

	// 2026 (国办 notice of 2025-11-04): 10-01..10-07 off, Saturday 10-10 is
	// a working day. Three working days after 09-30: 10-08, 10-09, 10-10.
	test('calendar deadline counts working days across the National Day holiday', () => {
		let r = run(['calendar', 'deadline', '2026-09-30', '3']);
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /^2026-10-10$/m);
		const dir = tmp();
		try {
			const db = `sqlite:${dir}/c.db`;
			assert.equal(run(['init', '--db', db, '--var', `${dir}/var`]).code, 0);
			r = run(['calendar', 'deadline', '2026-09-30', '3', '--db', db]);
			assert.equal(r.code, 0, r.err);
			assert.match(r.out, /^2026-10-10$/m);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('onetrip init, migrate and demo on SQLite', () => {
	let dir;
	before(() => { dir = tmp(); });
	after(() => rmSync(dir, { recursive: true, force: true }));

	test('init creates the schema and the var folders; migrate is then a no-op', () => {
		const db = `sqlite:${dir}/init.db`;
		let r = run(['init', '--db', db, '--var', `${dir}/var1`]);
		assert.equal(r.code, 0, r.err);
		for (const sub of ['', '/files', '/keys'])
			assert.ok(statSync(`${dir}/var1${sub}`).isDirectory(), sub);
		r = run(['migrate', '--db', db]);
		assert.equal(r.code, 0, r.err);
		assert.match(r.out, /执行了 0 个升级/);
		r = run(['audit', 'verify', '--db', db]);
		assert.equal(r.code, 0);
		assert.equal(r.out, 'audit chain intact: 0 records\n');
	});

	test('the configuration file and --set give the default for --db; --set wins', () => {
		writeFileSync(`${dir}/onetrip.conf`, `# test\ndb = sqlite:${dir}/file.db\n`);
		let r = run(['--config', `${dir}/onetrip.conf`, 'audit', 'verify']);
		assert.equal(r.code, 0, r.err);
		assert.ok(existsSync(`${dir}/file.db`));
		r = run(['audit', 'verify', '--config', `${dir}/onetrip.conf`, '--set', `db=sqlite:${dir}/set.db`]);
		assert.equal(r.code, 0, r.err);
		assert.ok(existsSync(`${dir}/set.db`));
		r = run(['--set', 'case.supplement_timeout_days=0', 'config', 'show']);
		assert.equal(r.code, 2);
		assert.match(r.err, /case\.supplement_timeout_days 须为 1 至 365 的整数/);
		r = run(['--set', 'no.such.key=1', 'config', 'show']);
		assert.equal(r.code, 2);
		assert.match(r.err, /没有名为 no\.such\.key 的配置项/);
		writeFileSync(`${dir}/bad.conf`, 'db = sqlite:x.db\nthis line is wrong\n');
		r = run(['--config', `${dir}/bad.conf`, 'config', 'show']);
		assert.equal(r.code, 2);
		assert.match(r.err, /第 2 行/);
		r = run(['--set', 'case.supplement_timeout_days=12', 'config', 'show']);
		assert.match(r.out, /case\.supplement_timeout_days = 12/);
	});

	test('demo twice changes nothing; the audit chain covers it', () => {
		const db = `sqlite:${dir}/demo.db`;
		const first = run(['demo', '--db', db, '--var', `${dir}/var2`]);
		assert.equal(first.code, 0, first.err);
		const a = demoCounts(first.out);
		assert.ok(a.departments >= 34, `departments ${a.departments}`);
		assert.ok(a.users >= 12, `users ${a.users}`);
		// Every department and account creation was audited.
		assert.ok(a.audit >= a.departments + a.users, `audit ${a.audit}`);
		const second = run(['demo', '--db', db, '--var', `${dir}/var2`]);
		assert.equal(second.code, 0, second.err);
		assert.deepEqual(demoCounts(second.out), a);
		const v = run(['audit', 'verify', '--db', db, '--var', `${dir}/var2`]);
		assert.equal(v.code, 0, v.err);
		assert.equal(v.out, `audit chain intact: ${a.audit} records\n`);
		// The chain is keyed: without the data directory's key it is not
		// checked, and a command that would extend it refuses.
		const nokey = run(['audit', 'verify', '--db', db, '--var', `${dir}/elsewhere`]);
		assert.equal(nokey.code, 1);
		assert.match(nokey.err, /找不到密钥文件 .*elsewhere\/keys\/audit\.key/);
	});
});

describe('onetrip serve with SQLite', () => {
	let dir, db, srv;
	before(async () => {
		dir = tmp();
		db = `sqlite:${dir}/srv.db`;
		const r = run(['demo', '--db', db, '--var', `${dir}/var`]);
		assert.equal(r.code, 0, r.err);
		srv = await serve(['--db', db, '--var', `${dir}/var`,
			'--now', '2026-09-28T09:00:00+08:00']);
	});
	after(async () => {
		if (srv) await stop(srv, 'SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	});

	test('prints the demo accounts after the listening line', async () => {
		const out = srv.output();
		assert.match(out, /^onetrip listening on http:\/\/127\.0\.0\.1:\d+\n/);
		assert.match(out, new RegExp(`密码均为 ${DEMO.password}`));
		for (const l of [DEMO.admin, DEMO.window01, DEMO.person, DEMO.enterprise])
			assert.match(out, new RegExp(`^  ${l} `, 'm'), l);
		const h = await fetch(`${srv.url}/healthz`);
		assert.equal(h.status, 200);
	});

	test('demo accounts log in with the demo password', async () => {
		for (const l of [DEMO.admin, DEMO.scjg_sp, DEMO.person]) {
			const r = await login(srv.url, l, DEMO.password);
			assert.equal(r.status, 200, `${l}: ${JSON.stringify(r.json)}`);
			assert.ok(r.json.token);
		}
	});

	test('user add, then login over HTTP; user passwd from stdin', async () => {
		// Roles that must stay apart (受理 and 审批) are refused here too.
		let r = run(['--set', `var=${dir}/var`, 'user', 'add', '--login', 'scjg_clerk2', '--name', '钱多多',
			'--roles', 'clerk,approver', '--dept', '县市场监管局',
			'--password', 'Shichang@2026', '--db', db]);
		assert.equal(r.code, 1);
		assert.match(r.err, /不相容岗位不能由一人兼任/);
		r = run(['--set', `var=${dir}/var`, 'user', 'add', '--login', 'scjg_clerk2', '--name', '钱多多',
			'--roles', 'approver,dept_admin', '--dept', '县市场监管局',
			'--password', 'Shichang@2026', '--db', db]);
		assert.equal(r.code, 0, r.err);
		let res = await login(srv.url, 'scjg_clerk2', 'Shichang@2026');
		assert.equal(res.status, 200, JSON.stringify(res.json));
		assert.deepEqual([...res.json.user.roles].sort(), ['approver', 'dept_admin']);
		assert.equal(res.json.user.dept_name, '县市场监管局');
		res = await login(srv.url, 'scjg_clerk2', 'Wrong@2026x');
		assert.equal(res.status, 401);
		assert.equal(res.json.error.code, 'bad_credentials');

		// The same login again is refused.
		r = run(['--set', `var=${dir}/var`, 'user', 'add', '--login', 'scjg_clerk2', '--name', '钱多多',
			'--roles', 'clerk', '--dept', '县市场监管局',
			'--password', 'Shichang@2026', '--db', db]);
		assert.equal(r.code, 1);
		assert.notEqual(r.err, '');
		// An unknown department is a failure, not a usage error.
		r = run(['--set', `var=${dir}/var`, 'user', 'add', '--login', 'nobody1', '--name', '某人',
			'--roles', 'clerk', '--dept', '县魔法局', '--password', 'Shichang@2026',
			'--db', db]);
		assert.equal(r.code, 1);
		assert.match(r.err, /县魔法局/);
		// A weak password is refused by the service.
		r = run(['--set', `var=${dir}/var`, 'user', 'add', '--login', 'nobody2', '--name', '某人',
			'--roles', 'clerk', '--dept', '县住建局', '--password', 'short',
			'--db', db]);
		assert.equal(r.code, 1);

		r = run(['--set', `var=${dir}/var`, 'user', 'passwd', '--login', 'scjg_clerk2', '--db', db],
			{ input: 'Newpass#2026\n' });
		assert.equal(r.code, 0, r.err);
		assert.equal((await login(srv.url, 'scjg_clerk2', 'Shichang@2026')).status, 401);
		assert.equal((await login(srv.url, 'scjg_clerk2', 'Newpass#2026')).status, 200);
		r = run(['--set', `var=${dir}/var`, 'user', 'passwd', '--login', 'no_such_user', '--password',
			'Newpass#2026', '--db', db]);
		assert.equal(r.code, 1);
	});

	test('backup while serving gives a copy whose audit chain verifies', async () => {
		// Writes in flight while the copy is taken: fewer than
		// login.max_failures (5), since every login in flight holds one
		// claim of the account's throttle at this address until it ends.
		const logins = Array.from({ length: 4 }, () =>
			login(srv.url, DEMO.hall, DEMO.password));
		const copy = `${dir}/copy.db`;
		const r = run(['backup', copy, '--db', db]);
		assert.equal(r.code, 0, r.err);
		for (const l of await Promise.all(logins)) assert.equal(l.status, 200);
		assert.ok(statSync(copy).size > 0);
		const v = run(['audit', 'verify', '--db', `sqlite:${copy}`, '--var', `${dir}/var`]);
		assert.equal(v.code, 0, v.err);
		assert.match(v.out, /^audit chain intact: \d+ records\n$/);
		const orig = run(['audit', 'verify', '--db', db, '--var', `${dir}/var`]);
		assert.equal(orig.code, 0, orig.err);
		const n = (s) => +/(\d+) records/.exec(s)[1];
		assert.ok(n(orig.out) >= n(v.out));
		assert.ok(n(v.out) > 0);
		// The copy is a whole database: the demo accounts are in it.
		const again = run(['demo', '--db', `sqlite:${copy}`, '--var', `${dir}/var`]);
		assert.equal(again.code, 0, again.err);
		assert.ok(demoCounts(again.out).users >= 12);
	});

	test('SIGTERM stops the server gracefully with exit 0', async () => {
		const { code, signal } = await stop(srv, 'SIGTERM');
		assert.equal(signal, null);
		assert.equal(code, 0);
		srv = null;
	});

	test('SIGINT also stops it with exit 0', async () => {
		const s2 = await serve(['--db', db, '--var', `${dir}/var`]);
		const r = await fetch(`${s2.url}/healthz`);
		assert.equal(r.status, 200);
		const { code, signal } = await stop(s2, 'SIGINT');
		assert.equal(signal, null);
		assert.equal(code, 0);
	});
});

describe('onetrip on PostgreSQL', { skip: !DBS.includes('postgresql') }, () => {
	let pg;
	before(async () => {
		const { startPostgres } = await import('../lib/pg.mjs');
		pg = await startPostgres();
	});
	after(async () => { if (pg) await pg.stop(); });

	test('demo twice is idempotent and audited; backup points to pg_dump', () => {
		const dir = tmp();
		try {
			const first = run(['demo', '--db', pg.url, '--var', `${dir}/var`]);
			assert.equal(first.code, 0, first.err);
			const a = demoCounts(first.out);
			assert.ok(a.departments >= 34);
			const second = run(['demo', '--db', pg.url, '--var', `${dir}/var`]);
			assert.equal(second.code, 0, second.err);
			assert.deepEqual(demoCounts(second.out), a);
			const v = run(['audit', 'verify', '--db', pg.url, '--var', `${dir}/var`]);
			assert.equal(v.code, 0, v.err);
			assert.equal(v.out, `audit chain intact: ${a.audit} records\n`);
			const b = run(['backup', `${dir}/x.dump`, '--db', pg.url]);
			assert.equal(b.code, 1);
			assert.match(b.err, /pg_dump/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
