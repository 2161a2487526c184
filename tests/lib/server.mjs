// Starts a real `onetrip serve` for API and browser tests, and talks to it.
//
//   const srv = await startServer({ db: 'postgresql' });  // {url, dbUrl, varDir, stop()}
//   const c = new Client(srv.url);
//   await c.login(DEMO.admin, DEMO.password);              // bearer token
//   const r = await c.get('/api/me');                       // {status, json, headers, text}
//   await srv.stop();
//
// SQLite servers get a file in their own temporary var folder; PostgreSQL
// servers share one throwaway cluster per test process, each with a fresh
// database (both copied from a demo image made once, see demoImage). The server's stderr goes to <varDir>/server.log; its tail is
// printed when start-up fails.
import { execFile, spawn } from 'node:child_process';
import {
	chmodSync, cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	createDatabase, makeClusterImage, psql, startPostgres,
} from './pg.mjs';

const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 60000;

export function binPath() {
	return process.env.ONETRIP_BIN
		? path.resolve(process.env.ONETRIP_BIN)
		: path.resolve(TESTS_DIR, '../bin/onetrip-san');
}

// The databases to run against, from ONETRIP_DBS ("sqlite postgresql").
export function dbKinds() {
	const kinds = (process.env.ONETRIP_DBS || 'sqlite').split(/[\s,]+/).filter(Boolean);
	for (const k of kinds) {
		if (k !== 'sqlite' && k !== 'postgresql') throw new Error(`ONETRIP_DBS: unknown database ${k}`);
	}
	return kinds;
}

let cluster = null; // Promise of the shared cluster
let dbCounter = 0;
const running = new Set();

process.on('exit', () => {
	for (const child of running) {
		try { child.kill('SIGKILL'); } catch { /* gone */ }
	}
});

// A fresh database in this process's cluster, a copy of the demo's when
// demo is true (the cluster is started from the PostgreSQL demo image).
async function newPgDatabase(demo) {
	if (cluster === null) {
		cluster = pgDemoImage().then((image) =>
			startPostgres({ copyOf: path.join(image, 'cluster', 'data') }));
	}
	const pg = await cluster;
	dbCounter += 1;
	const name = `onetrip_t${dbCounter}`;
	if (!demo) return createDatabase(pg.url, name);
	await psql(pg.url, `CREATE DATABASE ${name} TEMPLATE onetrip_demo`);
	const u = new URL(pg.url);
	u.pathname = '/' + name;
	return u.toString();
}

function childEnv() {
	const env = { ...process.env };
	delete env.ONETRIP_DB;
	// ASan: a leak report must not turn a test server's exit into a failure.
	env.ASAN_OPTIONS = env.ASAN_OPTIONS || 'detect_leaks=0';
	return env;
}

function tail(file, lines = 40) {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

function runCli(args, logFile) {
	return new Promise((resolve, reject) => {
		execFile(binPath(), args, { encoding: 'utf8', env: childEnv(), timeout: 120000 },
			(err, stdout, stderr) => {
				if (err) {
					err.message = `onetrip ${args[0]} failed (${err.code ?? err.signal}):\n${stdout}${stderr}`;
					reject(err);
				} else resolve(stdout);
			});
	}).catch((e) => {
		if (logFile) process.stderr.write(`--- ${logFile}\n${tail(logFile)}\n`);
		throw e;
	});
}

function waitExit(child, ms) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) {
			resolve(true);
			return;
		}
		const timer = setTimeout(() => resolve(false), ms);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

// Spawns serve and resolves with its URL once it printed
// "onetrip listening on http://HOST:PORT".
function spawnServe(args, logFile) {
	return new Promise((resolve, reject) => {
		const log = createWriteStream(logFile, { flags: 'a' });
		const child = spawn(binPath(), args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		running.add(child);
		let out = '';
		let done = false;
		const fail = (msg) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			child.kill('SIGKILL');
			// Give the log stream a moment to flush before reading it.
			setTimeout(() => reject(new Error(`${msg}\n--- stdout:\n${out}\n--- ${logFile}:\n${tail(logFile)}`)), 100);
		};
		const timer = setTimeout(() => fail('onetrip serve did not print its address in time'), START_TIMEOUT_MS);
		child.stderr.pipe(log);
		child.stdout.on('data', (d) => {
			out += d;
			log.write(d);
			const m = /onetrip listening on (http:\/\/[^\s]+)/.exec(out);
			if (m && !done) {
				done = true;
				clearTimeout(timer);
				resolve({ child, url: m[1].replace(/\/$/, '') });
			}
		});
		child.on('error', (e) => fail(`cannot run ${binPath()}: ${e.message}`));
		child.on('exit', (code, signal) => {
			running.delete(child);
			if (!done) fail(`onetrip serve exited (${code ?? signal}) before listening`);
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The demo is built once per binary, day and database kind and copied for
// each server: the same data `onetrip demo` writes (database, files, keys),
// without paying for it in every test file. Test files run in parallel
// processes, so the first to need an image builds it under a lock folder
// and the others wait for the finished folder to appear.
function removeOldImages() {
	const dayAgo = Date.now() - 24 * 3600 * 1000;
	for (const name of readdirSync(tmpdir())) {
		if (!name.startsWith('onetrip-demo-')) continue;
		const p = path.join(tmpdir(), name);
		try {
			if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
		} catch { /* gone meanwhile */ }
	}
}

// The folder of image `kind`, made by build(workFolder) the first time.
async function demoImage(kind, build) {
	const bin = binPath();
	const st = statSync(bin);
	const key = createHash('sha256')
		.update(`${bin}|${st.size}|${st.mtimeMs}|${new Date().toISOString().slice(0, 10)}`)
		.digest('hex').slice(0, 16);
	const image = path.join(tmpdir(), `onetrip-demo-${kind}-${key}`);
	const lock = `${image}.lock`;
	const deadline = Date.now() + 3 * 60000;
	while (!existsSync(image)) {
		let mine = false;
		try {
			mkdirSync(lock);
			mine = true;
		} catch {
			// Another process builds it; a lock left by a killed process is
			// taken over after two minutes.
			try {
				if (Date.now() - statSync(lock).mtimeMs > 120000) rmSync(lock, { recursive: true, force: true });
			} catch { /* gone meanwhile */ }
		}
		if (mine) {
			removeOldImages();
			const work = mkdtempSync(`${image}.build-`);
			try {
				await build(work);
				renameSync(work, image);
			} catch (e) {
				rmSync(work, { recursive: true, force: true });
				throw e;
			} finally {
				rmSync(lock, { recursive: true, force: true });
			}
			break;
		}
		if (Date.now() > deadline) throw new Error(`demo image ${image} not built in time`);
		await sleep(200);
	}
	return image;
}

// SQLite: the var folder with onetrip.db in it.
function sqliteDemoImage() {
	return demoImage('sqlite', (work) =>
		runCli(['demo', '--db', `sqlite:${path.join(work, 'onetrip.db')}`, '--var', work]));
}

// PostgreSQL: data/, a stopped cluster whose database onetrip_demo holds the
// demo, and var/, its files and keys. A test process starts a copy of the
// cluster, and each server gets a database made from onetrip_demo as a
// template and a copy of var/.
function pgDemoImage() {
	return demoImage('pg', async (work) => {
		const cluster = path.join(work, 'cluster');
		chmodSync(work, 0o755); // the postgres user passes through to its cluster
		mkdirSync(cluster);
		mkdirSync(path.join(work, 'var'));
		await makeClusterImage(cluster, async (admin) => {
			const url = await createDatabase(admin, 'onetrip_demo');
			await runCli(['demo', '--db', url, '--var', path.join(work, 'var')]);
		});
	});
}

async function waitHealthy(url, child, logFile) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	let last = '';
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) break;
		try {
			const r = await fetch(url + '/healthz');
			if (r.status === 200) return;
			last = `status ${r.status}`;
		} catch (e) {
			last = e.message;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	child.kill('SIGKILL');
	throw new Error(`${url}/healthz never answered 200 (${last})\n--- ${logFile}:\n${tail(logFile)}`);
}

// Starts a server with its own database. Options: db ('sqlite' |
// 'postgresql'), demo (load the demo data first, default true; otherwise
// `onetrip init`), now (ISO time for --now), args (extra serve arguments).
// share: another server of startServer() whose database and var folder this
// one uses too (several servers on one database: nothing is loaded, the
// folder is left to the first server; the log is <var>/server-N.log).
let shareCounter = 0;
export async function startServer({ db = 'sqlite', demo = true, now, args = [], share } = {}) {
	const varDir = share ? share.varDir : mkdtempSync(path.join(tmpdir(), 'onetrip-var-'));
	shareCounter += share ? 1 : 0;
	const logFile = path.join(varDir, share ? `server-${shareCounter}.log` : 'server.log');
	let dbUrl;
	if (share) dbUrl = share.dbUrl;
	else if (db === 'sqlite') dbUrl = `sqlite:${path.join(varDir, 'onetrip.db')}`;
	else if (db === 'postgresql') dbUrl = await newPgDatabase(demo);
	else throw new Error(`startServer: unknown db ${db}`);

	if (!share) {
		if (demo && db === 'sqlite') cpSync(await sqliteDemoImage(), varDir, { recursive: true });
		else if (demo) cpSync(path.join(await pgDemoImage(), 'var'), varDir, { recursive: true });
		else await runCli(['init', '--db', dbUrl, '--var', varDir]);
	}
	const serveArgs = ['serve', '--listen', '127.0.0.1:0', '--db', dbUrl, '--var', varDir,
		'--static', path.resolve(TESTS_DIR, '../web/dist')];
	if (now) serveArgs.push('--now', now);
	serveArgs.push(...args);
	let { child, url } = await spawnServe(serveArgs, logFile);
	await waitHealthy(url, child, logFile);

	let stopped = false;
	return {
		url, dbUrl, varDir, logFile,
		process: child,
		logTail: (n) => tail(logFile, n),
		// Stops the server and starts it again on the same database and
		// files with another --now (time passing in a test); the URL may
		// change, so it resolves with the new one (also in this.url).
		async restart({ now: later } = {}) {
			child.kill('SIGTERM');
			if (!(await waitExit(child, 15000))) {
				child.kill('SIGKILL');
				await waitExit(child, 5000);
			}
			running.delete(child);
			const args = serveArgs.filter((a, i) => a !== '--now' && serveArgs[i - 1] !== '--now');
			if (later) args.push('--now', later);
			({ child, url } = await spawnServe(args, logFile));
			await waitHealthy(url, child, logFile);
			this.url = url;
			this.process = child;
			return url;
		},
		// Graceful stop (SIGTERM); SIGKILL after 15 s. Resolves with the exit code.
		async stop() {
			if (stopped) return child.exitCode;
			stopped = true;
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				if (!(await waitExit(child, 15000))) {
					child.kill('SIGKILL');
					await waitExit(child, 5000);
				}
			}
			running.delete(child);
			const code = child.exitCode;
			if (code === 0) {
				if (!share) rmSync(varDir, { recursive: true, force: true });
			} else process.stderr.write(`onetrip serve exited ${code ?? child.signalCode}; log kept: ${logFile}\n${tail(logFile)}\n`);
			return code;
		},
	};
}

function parseBody(text, headers) {
	if (!text) return null;
	if (!(headers.get('content-type') || '').includes('json')) return null;
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

// One HTTP request without any session handling.
// Returns {status, headers, text, json}.
export async function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
	const r = await fetch(url, { method, headers, body, redirect: 'manual' });
	const text = await r.text();
	return { status: r.status, headers: r.headers, text, json: parseBody(text, r.headers) };
}

// A client of one server. login() uses the API mode (bearer token);
// loginBrowser() the browser mode (session cookie + CSRF header). Cookies the
// server sets are always kept and sent back; X-CSRF-Token goes with every
// write once a token is known (pass {csrf: false} to leave it out).
export class Client {
	constructor(url) {
		this.url = url.replace(/\/$/, '');
		this.token = null;
		this.csrfToken = null;
		this.cookies = new Map();
		this.user = null;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keepCookies(headers) {
		const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
		for (const sc of list) {
			const [pair, ...attrs] = sc.split(';');
			const eq = pair.indexOf('=');
			if (eq < 0) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) ||
				attrs.some((a) => {
					const m = /^\s*expires\s*=(.*)$/i.exec(a);
					return m && Date.parse(m[1]) < Date.now();
				});
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	async request(method, pathname, body, { headers = {}, csrf = true } = {}) {
		const h = { ...headers };
		if (this.token && !('authorization' in lower(h))) h.Authorization = `Bearer ${this.token}`;
		if (this.cookies.size && !('cookie' in lower(h))) h.Cookie = this.cookieHeader();
		if (csrf && this.csrfToken && method !== 'GET' && method !== 'HEAD' && !('x-csrf-token' in lower(h))) {
			h['X-CSRF-Token'] = this.csrfToken;
		}
		let payload;
		if (body !== undefined && body !== null) {
			if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
			else {
				payload = JSON.stringify(body);
				if (!('content-type' in lower(h))) h['Content-Type'] = 'application/json';
			}
		}
		const r = await fetch(this.url + pathname, { method, headers: h, body: payload, redirect: 'manual' });
		this.keepCookies(r.headers);
		const text = await r.text();
		const json = parseBody(text, r.headers);
		if (json && typeof json.csrf_token === 'string') this.csrfToken = json.csrf_token;
		return { status: r.status, headers: r.headers, text, json };
	}

	get(p, opts) { return this.request('GET', p, undefined, opts); }
	post(p, body, opts) { return this.request('POST', p, body ?? {}, opts); }
	put(p, body, opts) { return this.request('PUT', p, body ?? {}, opts); }
	patch(p, body, opts) { return this.request('PATCH', p, body ?? {}, opts); }
	del(p, body, opts) { return this.request('DELETE', p, body, opts); }

	// API login (bearer token). Returns the response; throws unless 200 when
	// strict (default).
	async login(login, password, { strict = true } = {}) {
		const r = await this.post('/api/auth/login', { login, password, client: 'api' });
		if (r.status === 200 && r.json) {
			this.token = r.json.token || null;
			this.user = r.json.user || null;
		} else if (strict) {
			throw new Error(`login ${login} failed: ${r.status} ${r.text}`);
		}
		return r;
	}

	// Browser-style login: keeps the session cookie and the CSRF token.
	async loginBrowser(login, password, { strict = true } = {}) {
		this.token = null;
		const r = await this.post('/api/auth/login', { login, password });
		if (r.status === 200 && r.json) this.user = r.json.user || null;
		else if (strict) throw new Error(`login ${login} failed: ${r.status} ${r.text}`);
		return r;
	}

	async logout() {
		const r = await this.post('/api/auth/logout', {});
		this.token = null;
		this.csrfToken = null;
		this.cookies.clear();
		this.user = null;
		return r;
	}
}

function lower(h) {
	const o = {};
	for (const k of Object.keys(h)) o[k.toLowerCase()] = true;
	return o;
}

// Whether the binary the tests run exists (API tests skip otherwise).
export function haveBinary() {
	return existsSync(binPath());
}
