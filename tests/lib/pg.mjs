// Throwaway PostgreSQL clusters for tests: initdb in a temporary folder,
// started on a free port of 127.0.0.1, removed on stop() and also when the
// test process exits, fails, is interrupted or even killed (a watchdog
// shell outlives the process just long enough to clean up).
//
//   const pg = await startPostgres();   // {url, port, dir, stop()}
//   await psql(pg.url, 'SELECT 1');     // -> '1'
//   await pg.stop();
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const PG_USER = 'postgres'; // PostgreSQL refuses to run as root
const live = new Set();     // clusters not yet stopped

function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { encoding: 'utf8', timeout: 120000, ...opts },
			(err, stdout, stderr) => {
				if (err) {
					err.message += `\n${stdout}${stderr}`;
					reject(err);
				} else resolve(stdout);
			});
	});
}

// Runs a PostgreSQL server program, as the postgres user when we are root.
function asPg(cmd, args) {
	return IS_ROOT ? ['runuser', ['-u', PG_USER, '--', cmd, ...args]] : [cmd, args];
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function pgIds() {
	const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

// Synchronous, so that it also works from an 'exit' handler.
function stopSync(c) {
	if (c.stopped) return;
	c.stopped = true;
	live.delete(c);
	if (c.started) {
		for (const data of [c.data, ...(c.more || [])]) {
			const [cmd, args] = asPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
			try {
				execFileSync(cmd, args, { stdio: 'ignore', cwd: c.dir, timeout: 30000 });
			} catch {
				// already gone
			}
		}
	}
	rmSync(c.dir, { recursive: true, force: true });
	if (c.watchdog) {
		try { process.kill(c.watchdog.pid, 'SIGKILL'); } catch { /* gone */ }
	}
}

function stopAll() {
	for (const c of [...live]) stopSync(c);
}

let hooked = false;
function hookProcess() {
	if (hooked) return;
	hooked = true;
	process.on('exit', stopAll);
	// Fires for uncaught errors without changing how they end the process.
	process.on('uncaughtExceptionMonitor', stopAll);
	for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
		process.once(sig, () => {
			stopAll();
			process.exit(code);
		});
	}
}

// A detached shell that waits for this process to disappear (even after
// SIGKILL) and then removes the cluster.
function startWatchdog(c) {
	const pgctl = [c.data, ...(c.more || [])].map((d) => (IS_ROOT
		? `runuser -u ${PG_USER} -- pg_ctl -D '${d}' -m immediate -w stop >/dev/null 2>&1`
		: `pg_ctl -D '${d}' -m immediate -w stop >/dev/null 2>&1`)).join('; ');
	const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
		`if [ -d '${c.dir}' ]; then ${pgctl}; rm -rf '${c.dir}'; fi`;
	const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore', cwd: '/' });
	child.unref();
	return child;
}

async function initdb(c) {
	const base = ['-D', c.data, '-A', 'trust', '-U', 'onetrip', '-E', 'UTF8', '--no-sync'];
	try {
		const [cmd, args] = asPg('initdb', [...base, '--locale=C.UTF-8']);
		await run(cmd, args, { cwd: c.dir });
	} catch {
		// No C.UTF-8 locale on this machine: plain C.
		rmSync(c.data, { recursive: true, force: true });
		const [cmd, args] = asPg('initdb', [...base, '--locale=C']);
		await run(cmd, args, { cwd: c.dir });
	}
}

async function pgStart(c, { data = c.data, log = c.log, port = c.port, extra } = {}) {
	const opts = [
		`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${c.dir}`,
		...(extra || ['-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off']),
		'-c max_connections=200',
	].join(' ');
	const [cmd, args] = asPg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', opts, 'start']);
	await run(cmd, args, { cwd: c.dir });
}

// Runs SQL through psql and returns its unaligned output without the
// trailing newline. Throws with psql's message on error.
export async function psql(url, sql) {
	const out = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
		{ env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
	return out.replace(/\n$/, '');
}

// Creates database name in the cluster of url and returns its URL.
export async function createDatabase(url, name) {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
	await psql(url, `CREATE DATABASE ${name}`);
	const u = new URL(url);
	u.pathname = '/' + name;
	return u.toString();
}

function newCluster(dir) {
	const c = {
		dir, data: path.join(dir, 'data'), log: path.join(dir, 'postgres.log'),
		port: 0, started: false, stopped: false, watchdog: null,
	};
	live.add(c);
	return c;
}

// Makes c's data folder (a copy of copyOf, or initdb) and starts the
// cluster on a free port.
async function createAndStart(c, copyOf) {
	if (IS_ROOT) {
		const { uid, gid } = pgIds();
		chownSync(c.dir, uid, gid);
	}
	c.watchdog = startWatchdog(c);
	// cp -a keeps the postgres user's ownership and the 0700 mode.
	if (copyOf) await run('cp', ['-a', copyOf, c.data]);
	else await initdb(c);
	// Another process may take the port between probe and start.
	for (let attempt = 1; ; attempt++) {
		c.port = await freePort();
		try {
			c.started = true;
			await pgStart(c);
			break;
		} catch (e) {
			if (attempt >= 3) throw e;
		}
	}
}

// Removes c and returns e with what and the tail of the cluster's log.
function failed(c, what, e) {
	let tail = '';
	try { tail = execFileSync('tail', ['-n', '30', c.log], { encoding: 'utf8' }); } catch { /* none */ }
	stopSync(c);
	e.message = `${what} failed: ${e.message}\n${tail}`;
	return e;
}

// Options: copyOf, the data folder of a stopped cluster (made by
// makeClusterImage) to start a copy of instead of running initdb: a copy
// takes a fifth of a second, initdb and loading the demo several seconds.
export async function startPostgres({ copyOf } = {}) {
	hookProcess();
	const c = newCluster(mkdtempSync(path.join(tmpdir(), 'onetrip-pg-')));
	try {
		await createAndStart(c, copyOf);
		await psql(`postgresql://onetrip@127.0.0.1:${c.port}/postgres`, 'CREATE DATABASE onetrip');
	} catch (e) {
		throw failed(c, 'startPostgres', e);
	}
	return {
		url: `postgresql://onetrip@127.0.0.1:${c.port}/onetrip`,
		port: c.port,
		dir: c.dir,
		async stop() { stopSync(c); },
	};
}

// Makes dir/data, a stopped cluster for startPostgres({copyOf}): initdb,
// started on a free port, fill(adminUrl) run against it, then stopped
// cleanly. dir must exist and be empty; it is removed if this fails.
export async function makeClusterImage(dir, fill) {
	hookProcess();
	const c = newCluster(dir);
	try {
		await createAndStart(c);
		await fill(`postgresql://onetrip@127.0.0.1:${c.port}/postgres`);
		const [cmd, args] = asPg('pg_ctl', ['-D', c.data, '-m', 'fast', '-w', 'stop']);
		await run(cmd, args, { cwd: c.dir });
	} catch (e) {
		throw failed(c, 'makeClusterImage', e);
	}
	// Stopped cleanly: the folder is the caller's now.
	c.stopped = true;
	live.delete(c);
	try { process.kill(c.watchdog.pid, 'SIGKILL'); } catch { /* gone */ }
}

// True when a cluster folder still exists (for tests of the clean-up).
export function clusterExists(dir) {
	return existsSync(dir);
}

// A primary with a synchronous streaming-replication standby (the province
// set-up, docs/deploy.md): initdb, the primary started with
// synchronous_standby_names='*' and synchronous_commit=remote_apply (a
// commit is acknowledged once the standby has it and shows it), the standby
// made with `pg_basebackup -R` and started. fsync stays off (the test kills
// processes, not machines).
//
//   const pair = await startPostgresPair();
//   pair.url         multi-host URL with target_session_attrs=read-write
//   pair.readUrl     standby first (target_session_attrs=prefer-standby)
//   pair.primaryUrl, pair.standbyUrl
//   await pair.killPrimary();   // SIGKILL to the postmaster and its children
//   await pair.promote();       // pg_ctl promote on the standby
//   await pair.stop();
export async function startPostgresPair() {
	hookProcess();
	const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-pgpair-'));
	const c = {
		dir, data: path.join(dir, 'primary'), log: path.join(dir, 'primary.log'),
		standby: path.join(dir, 'standby'), standbyLog: path.join(dir, 'standby.log'),
		more: [], port: 0, standbyPort: 0, started: false, stopped: false, watchdog: null,
	};
	c.more = [c.standby];
	live.add(c);
	// The standby leaves synchronous_standby_names empty: once promoted it
	// runs alone (with nobody to wait for, a commit would hang).
	const sync = ['-c fsync=off', '-c synchronous_commit=remote_apply', '-c wal_level=replica',
		'-c hot_standby=on'];
	try {
		if (IS_ROOT) {
			const { uid, gid } = pgIds();
			chownSync(dir, uid, gid);
		}
		c.watchdog = startWatchdog(c);
		await initdb(c);
		for (let attempt = 1; ; attempt++) {
			c.port = await freePort();
			try {
				c.started = true;
				await pgStart(c, { extra: [...sync, "-c synchronous_standby_names='*'"] });
				break;
			} catch (e) {
				if (attempt >= 3) throw e;
			}
		}
		const admin = `postgresql://onetrip@127.0.0.1:${c.port}/postgres`;
		const [bcmd, bargs] = asPg('pg_basebackup', ['-h', '127.0.0.1', '-p', String(c.port), '-U', 'onetrip',
			'-D', c.standby, '-R', '-X', 'stream', '--no-sync', '--checkpoint=fast']);
		await run(bcmd, bargs, { cwd: c.dir });
		for (let attempt = 1; ; attempt++) {
			c.standbyPort = await freePort();
			try {
				await pgStart(c, { data: c.standby, log: c.standbyLog, port: c.standbyPort, extra: sync });
				break;
			} catch (e) {
				if (attempt >= 3) throw e;
			}
		}
		// Streaming and synchronous before anything is written.
		const deadline = Date.now() + 30000;
		while ((await psql(admin, 'SELECT sync_state FROM pg_stat_replication')) !== 'sync') {
			if (Date.now() > deadline) throw new Error('the standby did not become synchronous in 30 s');
			await new Promise((r) => setTimeout(r, 100));
		}
		await psql(admin, 'CREATE DATABASE onetrip');
	} catch (e) {
		let tail = '';
		for (const f of [c.log, c.standbyLog]) {
			try { tail += execFileSync('tail', ['-n', '20', f], { encoding: 'utf8' }); } catch { /* none */ }
		}
		stopSync(c);
		e.message = `startPostgresPair failed: ${e.message}\n${tail}`;
		throw e;
	}
	const host = (p) => `127.0.0.1:${p}`;
	return {
		url: `postgresql://onetrip@${host(c.port)},${host(c.standbyPort)}/onetrip?target_session_attrs=read-write`,
		// db.read_url: the standby first, whichever host answers else.
		readUrl: `postgresql://onetrip@${host(c.standbyPort)},${host(c.port)}/onetrip?target_session_attrs=prefer-standby`,
		primaryUrl: `postgresql://onetrip@${host(c.port)}/onetrip`,
		standbyUrl: `postgresql://onetrip@${host(c.standbyPort)}/onetrip`,
		dir,
		// The primary's machine lost at once: SIGKILL to every process of it
		// (children listed first, so none is left behind).
		async killPrimary() {
			const pid = Number(readFileSync(path.join(c.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
			let kids = [];
			try {
				kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
					.split('\n').filter(Boolean).map(Number);
			} catch { /* none */ }
			for (const p of [pid, ...kids]) {
				try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
			}
		},
		async promote() {
			const [cmd, args] = asPg('pg_ctl', ['-D', c.standby, '-w', '-t', '60', 'promote']);
			await run(cmd, args, { cwd: c.dir });
		},
		logs() {
			let out = '';
			for (const f of [c.log, c.standbyLog]) {
				try { out += `--- ${f}\n` + execFileSync('tail', ['-n', '30', f], { encoding: 'utf8' }); } catch { /* none */ }
			}
			return out;
		},
		async stop() { stopSync(c); },
	};
}
