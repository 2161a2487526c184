// The deployment an operator follows (docs/deploy.md): `make install` lays out
// the program, front end, settings, systemd unit, nginx site and logrotate;
// the unit passes `systemd-analyze verify`, the site passes `nginx -t`; the
// installed settings drive the installed program; and the backup and restore
// drill gives back every record with the audit chain intact, on both
// databases.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, dbKinds, binPath, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { psql } from '../lib/pg.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function cli(args) {
	const r = spawnSync(binPath(), args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('make install', () => {
	let dest;
	before(() => {
		dest = mkdtempSync(path.join(tmpdir(), 'onetrip-install-'));
		execFileSync('make', ['-s', '-C', ROOT, 'install', `DESTDIR=${dest}`, 'PREFIX=/usr'], { stdio: 'pipe' });
	});
	after(() => rmSync(dest, { recursive: true, force: true }));

	test('lays out the program, the front end, the settings, the unit, the site and logrotate', () => {
		for (const f of ['usr/bin/onetrip', 'usr/share/onetrip/web/index.html', 'etc/onetrip/onetrip.conf',
			'etc/systemd/system/onetrip.service', 'etc/nginx/sites-available/onetrip', 'etc/logrotate.d/onetrip',
			'usr/share/doc/onetrip/deploy.md', 'usr/share/doc/onetrip/configuration.md'])
			assert.ok(existsSync(path.join(dest, f)), f);
		assert.equal(statSync(path.join(dest, 'usr/bin/onetrip')).mode & 0o111, 0o111);
		assert.equal(statSync(path.join(dest, 'etc/onetrip/onetrip.conf')).mode & 0o007, 0, 'settings not world-readable');
		const unit = readFileSync(path.join(dest, 'etc/systemd/system/onetrip.service'), 'utf8');
		assert.match(unit, /^ExecStart=\/usr\/bin\/onetrip --config \/etc\/onetrip\/onetrip\.conf serve$/m);
		for (const k of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'User=onetrip', 'CapabilityBoundingSet='])
			assert.ok(unit.includes(k), k);
		// A second install keeps the operator's settings.
		writeFileSync(path.join(dest, 'etc/onetrip/onetrip.conf'), 'http.listen = 127.0.0.1:9999\n');
		execFileSync('make', ['-s', '-C', ROOT, 'install', `DESTDIR=${dest}`, 'PREFIX=/usr'], { stdio: 'pipe' });
		assert.equal(readFileSync(path.join(dest, 'etc/onetrip/onetrip.conf'), 'utf8'), 'http.listen = 127.0.0.1:9999\n');
	});

	test('the installed settings file is read by the installed program', () => {
		const conf = readFileSync(path.join(ROOT, 'deploy/onetrip.conf'), 'utf8');
		const f = path.join(dest, 'fresh.conf');
		writeFileSync(f, conf);
		const r = spawnSync(path.join(dest, 'usr/bin/onetrip'), ['--config', f, 'config', 'show'], { encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^db = sqlite:\/var\/lib\/onetrip\/onetrip\.db$/m);
		assert.match(r.stdout, /^http\.static_dir = \/usr\/share\/onetrip\/web$/m);
		assert.match(r.stdout, /^http\.public_url = https:\/\/zwfw\.example\.gov\.cn$/m);
	});

	test('the systemd unit passes systemd-analyze verify', (t) => {
		if (!have('systemd-analyze')) return t.skip('systemd-analyze not installed');
		const units = path.join(dest, 'units');
		mkdirSync(units);
		// The targets it names, as stubs: a build machine has no systemd running.
		for (const u of ['sysinit.target', 'basic.target', 'shutdown.target', 'network-online.target',
			'multi-user.target', 'postgresql.target'])
			writeFileSync(path.join(units, u), '[Unit]\nDescription=stub\n');
		const unit = readFileSync(path.join(dest, 'etc/systemd/system/onetrip.service'), 'utf8')
			.replace('/usr/bin/onetrip', path.join(dest, 'usr/bin/onetrip'))
			.replace('postgresql.service', 'postgresql.target');
		writeFileSync(path.join(units, 'onetrip.service'), unit);
		const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(units, 'onetrip.service')],
			{ encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${units}:` } });
		assert.equal(r.status, 0, r.stderr);
		assert.doesNotMatch(r.stderr, /Unknown (key|section)|Failed|Invalid|ignoring/i, r.stderr);
		// The check can fail: a misspelt key is reported.
		writeFileSync(path.join(units, 'bad.service'), unit.replace('NoNewPrivileges', 'NoNewPrivilegs'));
		const bad = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(units, 'bad.service')],
			{ encoding: 'utf8', env: { ...process.env, SYSTEMD_UNIT_PATH: `${units}:` } });
		assert.match(bad.stderr, /Unknown key/);
	});

	test('the nginx site passes nginx -t', (t) => {
		if (!have('nginx') && !existsSync('/usr/sbin/nginx')) return t.skip('nginx not installed');
		const nginx = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
		const dir = path.join(dest, 'nginx');
		mkdirSync(path.join(dir, 'tls'), { recursive: true });
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test',
			'-keyout', path.join(dir, 'tls/privkey.pem'), '-out', path.join(dir, 'tls/fullchain.pem')], { stdio: 'pipe' });
		const site = readFileSync(path.join(dest, 'etc/nginx/sites-available/onetrip'), 'utf8')
			.replaceAll('/etc/onetrip/tls/', path.join(dir, 'tls') + '/')
			.replaceAll('/usr/share/onetrip/web', path.join(dest, 'usr/share/onetrip/web'))
			.replace(/^\s*listen \[::\]:.*\n/gm, '')
			.replace(/listen 80;/g, 'listen 127.0.0.1:18080;')
			.replace(/listen 443 ssl http2;/g, 'listen 127.0.0.1:18443 ssl http2;');
		writeFileSync(path.join(dir, 'site.conf'), site);
		writeFileSync(path.join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\n` +
			`events {}\nhttp {\naccess_log off;\nclient_body_temp_path ${dir};\nproxy_temp_path ${dir};\n` +
			`fastcgi_temp_path ${dir};\nuwsgi_temp_path ${dir};\nscgi_temp_path ${dir};\ninclude ${dir}/site.conf;\n}\n`);
		const r = spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		// The upload limit matches the server's 20 MiB per file.
		assert.match(site, /client_max_body_size 21m;/);
	});
});

for (const db of dbKinds()) {
	describe(`backup and restore drill (${db})`, () => {
		let srv, work;
		before(async () => {
			srv = await startServer({ db });
			work = mkdtempSync(path.join(tmpdir(), 'onetrip-drill-'));
		});
		after(async () => {
			if (srv) await srv.stop();
			rmSync(work, { recursive: true, force: true });
		});

		test('a backup taken while serving restores every record; the audit chain verifies', async (t) => {
			// Something to lose: a staff change of the data after start-up.
			const hall = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			const before = await hall.get('/api/departments');
			assert.equal(before.status, 200, before.text);
			const n = (before.json.items || before.json).length;
			// The keys the chain needs travel with the state directory.
			const verify = (url) => {
				const r = cli(['--set', `var=${srv.varDir}`, 'audit', 'verify', '--db', url]);
				assert.equal(r.code, 0, r.err + r.out);
				const m = /intact: (\d+) records/.exec(r.out);
				assert.ok(m, r.out);
				return Number(m[1]);
			};
			let restoredUrl;
			const atBackup = verify(srv.dbUrl);
			assert.ok(atBackup > 0);
			if (db === 'sqlite') {
				const copy = path.join(work, 'backup.db');
				const r = cli(['backup', copy, '--db', srv.dbUrl]);
				assert.equal(r.code, 0, r.err);
				restoredUrl = `sqlite:${path.join(work, 'restored.db')}`;
				copyFileSync(copy, path.join(work, 'restored.db'));
			} else {
				if (!have('pg_dump') || !have('pg_restore')) return t.skip('pg_dump not installed');
				const dump = path.join(work, 'onetrip.dump');
				execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, srv.dbUrl], { stdio: 'pipe' });
				const u = new URL(srv.dbUrl);
				const name = `restored_${process.pid}`;
				await psql(srv.dbUrl, `CREATE DATABASE ${name}`);
				u.pathname = '/' + name;
				restoredUrl = u.toString();
				execFileSync('pg_restore', ['--no-owner', `--dbname=${restoredUrl}`, dump], { stdio: 'pipe' });
			}
			// The server's jobs keep writing while the copy is taken: the copy
			// holds every record of the moment it was taken, at most those after.
			const after = verify(srv.dbUrl);
			const restored = verify(restoredUrl);
			assert.ok(restored >= atBackup && restored <= after, `every audit record restored: ${atBackup} <= ${restored} <= ${after}`);
			if (db === 'postgresql')
				assert.equal(Number(await psql(restoredUrl, 'SELECT COUNT(*) FROM departments')), n);
			// A damaged copy is caught: one byte of the SQLite file changed
			// inside the audit table would fail verify; here, a truncated copy
			// does not open as a database at all.
			if (db === 'sqlite') {
				const broken = path.join(work, 'broken.db');
				writeFileSync(broken, readFileSync(path.join(work, 'restored.db')).subarray(0, 4096));
				const r = cli(['--set', `var=${srv.varDir}`, 'audit', 'verify', '--db', `sqlite:${broken}`]);
				assert.notEqual(r.code, 0);
			}
		});
	});
}
