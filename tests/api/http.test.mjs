// The HTTP layer against a real server: request limits, JSON checks, routing
// errors, security headers, static files and keep-alive. Requests that fetch
// would refuse or normalise (huge headers, "..", raw bytes) go over a raw
// socket. After every test the server must still answer /healthz.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbKinds, rawRequest, Client, haveBinary } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const INDEX_HTML = '<!doctype html><title>onetrip test index</title>';
const ASSET_JS = 'console.log("hashed asset");';
const SECRET = 'TOP-SECRET-OUTSIDE-THE-STATIC-ROOT';

// A static root with an index, a hashed asset, and a secret next to it.
function makeStaticRoot() {
	const base = mkdtempSync(path.join(tmpdir(), 'onetrip-static-'));
	const root = path.join(base, 'dist');
	mkdirSync(path.join(root, 'assets'), { recursive: true });
	writeFileSync(path.join(root, 'index.html'), INDEX_HTML);
	writeFileSync(path.join(root, 'assets', 'app-3f2a91c.js'), ASSET_JS);
	writeFileSync(path.join(base, 'secret.txt'), SECRET);
	return { base, root };
}

// Parses one HTTP/1.1 response at the start of buf; null when incomplete.
function parseResponse(buf) {
	const end = buf.indexOf('\r\n\r\n');
	if (end < 0) return null;
	const head = buf.subarray(0, end).toString('latin1').split('\r\n');
	const status = Number(head[0].split(' ')[1]);
	const headers = {};
	for (const line of head.slice(1)) {
		const i = line.indexOf(':');
		headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
	if (len === null) return null;
	if (buf.length < end + 4 + len) return null;
	const body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
	let json = null;
	try { json = JSON.parse(body); } catch { /* not JSON */ }
	return { status, headers, body, json, rest: buf.subarray(end + 4 + len) };
}

// A raw connection: send bytes, read whole responses, survive early closes.
class RawConn {
	constructor(url) {
		const u = new URL(url);
		this.sock = net.connect(Number(u.port), u.hostname);
		this.buf = Buffer.alloc(0);
		this.closed = false;
		this.waiters = [];
		this.sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
		this.sock.on('close', () => { this.closed = true; this.wake(); });
		this.sock.on('error', () => { this.closed = true; this.wake(); });
	}

	wake() { for (const w of this.waiters.splice(0)) w(); }

	send(data) {
		return new Promise((resolve) => {
			if (this.closed) { resolve(false); return; }
			this.sock.write(data, (err) => resolve(!err));
		});
	}

	async response(timeoutMs = 10000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const r = parseResponse(this.buf);
			if (r) {
				this.buf = r.rest;
				return r;
			}
			if (this.closed) return null;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error('no complete response in time');
			await new Promise((resolve) => {
				const t = setTimeout(resolve, left);
				this.waiters.push(() => { clearTimeout(t); resolve(); });
			});
		}
	}

	async waitClosed(timeoutMs = 5000) {
		const deadline = Date.now() + timeoutMs;
		while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		return this.closed;
	}

	close() { this.sock.destroy(); }
}

async function rawOnce(url, requestText) {
	const c = new RawConn(url);
	try {
		await c.send(requestText);
		return await c.response();
	} finally {
		c.close();
	}
}

function get(target, extra = '') {
	return `GET ${target} HTTP/1.1\r\nHost: t\r\n${extra}Connection: close\r\n\r\n`;
}

function assertError(r, status, code) {
	assert.equal(r.status, status, `status ${r.status}: ${r.text ?? r.body}`);
	assert.ok(r.json && r.json.error, `error JSON expected: ${r.text ?? r.body}`);
	if (code) assert.equal(r.json.error.code, code);
	assert.equal(typeof r.json.error.message, 'string');
	assert.ok(r.json.error.message.length > 0);
}

for (const db of dbKinds()) {
	describe(`HTTP layer (${db})`, { skip: !haveBinary() && 'no onetrip binary' }, () => {
		let srv;
		let stat;

		before(async () => {
			stat = makeStaticRoot();
			srv = await startServer({ db, args: ['--static', stat.root] });
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
			rmSync(stat.base, { recursive: true, force: true });
		});
		afterEach(async () => {
			const r = await rawRequest(srv.url + '/healthz');
			assert.equal(r.status, 200, 'server must keep answering /healthz');
		});

		test('/healthz and /readyz answer with security headers', async () => {
			const h = await rawRequest(srv.url + '/healthz');
			assert.equal(h.status, 200);
			assert.deepEqual(h.json, { status: 'ok' });
			assert.match(h.headers.get('content-type'), /^application\/json; charset=utf-8$/);
			assert.match(h.headers.get('x-request-id'), /^[0-9a-f]{8,23}$/);
			assert.equal(h.headers.get('x-content-type-options'), 'nosniff');
			assert.equal(h.headers.get('x-frame-options'), 'DENY');
			assert.equal(h.headers.get('referrer-policy'), 'same-origin');
			const h2 = await rawRequest(srv.url + '/healthz');
			assert.notEqual(h2.headers.get('x-request-id'), h.headers.get('x-request-id'));
			const r = await rawRequest(srv.url + '/readyz');
			assert.equal(r.status, 200);
			assert.deepEqual(r.json, { status: 'ready' });
		});

		test('keep-alive survives several requests on one connection', async () => {
			const c = new RawConn(srv.url);
			try {
				for (let i = 0; i < 3; i++) {
					await c.send('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
					const r = await c.response();
					assert.ok(r, `response ${i} on the same connection`);
					assert.equal(r.status, 200);
					assert.notEqual((r.headers.connection || '').toLowerCase(), 'close');
				}
				// An error without a body keeps the connection too.
				await c.send('GET /api/no-such-thing HTTP/1.1\r\nHost: t\r\n\r\n');
				const nf = await c.response();
				assert.equal(nf.status, 404);
				await c.send('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
				assert.equal((await c.response()).status, 200);
			} finally {
				c.close();
			}
		});

		test('unknown routes are 404 JSON, wrong methods 405 with Allow', async () => {
			const nf = await rawRequest(srv.url + '/api/no-such-thing');
			assertError(nf, 404, 'not_found');
			const nf2 = await rawRequest(srv.url + '/api/no-such-thing', { method: 'POST', body: '{}' });
			assertError(nf2, 404, 'not_found');
			const m = await rawRequest(srv.url + '/healthz', { method: 'DELETE' });
			assertError(m, 405, 'method_not_allowed');
			assert.match(m.headers.get('allow'), /GET/);
			const m2 = await rawRequest(srv.url + '/api/auth/login', { method: 'GET' });
			assertError(m2, 405, 'method_not_allowed');
			assert.match(m2.headers.get('allow'), /POST/);
		});

		test('malformed, invalid UTF-8 and over-deep JSON are 400', async () => {
			const url = srv.url + '/api/auth/login';
			const hdr = { 'Content-Type': 'application/json' };
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: '{"login":' }), 400, 'bad_json');
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: '{"a":1,"a":2}' }), 400, 'bad_json');
			// A body that is not declared JSON is refused before parsing.
			assertError(await rawRequest(url, { method: 'POST', body: 'login=x&password=y' }), 415, 'json_required');
			const bad = Buffer.concat([Buffer.from('{"login":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]);
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: bad }), 400);
			const deep = '['.repeat(17) + ']'.repeat(17);
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: deep }), 400, 'json_too_deep');
			// The login route takes at most a few KiB: keep bodies small.
			const veryDeep = '['.repeat(3000);
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: veryDeep }), 400, 'json_too_deep');
			const wide = '[' + Array(257).fill('1').join(',') + ']';
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: wide }), 400, 'json_too_many_fields');
			const wideObj = JSON.stringify(Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, 1])));
			assertError(await rawRequest(url, { method: 'POST', headers: hdr, body: wideObj }), 400, 'json_too_many_fields');
			// Within the limits the handler runs (and refuses the unknown login itself).
			const r = await rawRequest(url, { method: 'POST', headers: hdr, body: JSON.stringify({ login: 'nobody-here', password: 'x' }) });
			assertError(r, 401, 'bad_credentials');
		});

		test('bodies over 1 MiB are 413, announced or streamed', async () => {
			// Announced: refused before the body is read.
			const early = await rawOnce(srv.url, 'POST /api/auth/login HTTP/1.1\r\nHost: t\r\n' +
				'Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{"login":"');
			assert.ok(early, 'a response before the body');
			assert.equal(early.status, 413);
			assert.equal(early.json.error.code, 'too_large');
			// Streamed in chunks without a length.
			const c = new RawConn(srv.url);
			try {
				await c.send('POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
					'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
				const chunk = Buffer.alloc(64 * 1024, 0x20);
				const framed = Buffer.concat([Buffer.from(chunk.length.toString(16) + '\r\n'), chunk, Buffer.from('\r\n')]);
				for (let sent = 0; sent <= (1 << 20) + chunk.length; sent += chunk.length) await c.send(framed);
				await c.send('0\r\n\r\n');
				const r = await c.response();
				assert.ok(r, 'a response to the streamed body');
				assert.equal(r.status, 413);
				assert.equal(r.json.error.code, 'too_large');
			} finally {
				c.close();
			}
			// A fetch with a 1 MiB + 1 byte body.
			const body = Buffer.alloc((1 << 20) + 1, 0x20);
			try {
				const r = await rawRequest(srv.url + '/api/auth/login', {
					method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
				});
				assert.equal(r.status, 413);
			} catch (e) {
				// The server may close before fetch has written everything.
				assert.match(String(e.cause?.code ?? e.message), /ECONNRESET|EPIPE|other side closed|fetch failed/);
			}
		});

		test('headers over 16 KiB are 431, URIs over 4 KiB are 414', async () => {
			const big = await rawOnce(srv.url, get('/healthz', `X-Filler: ${'a'.repeat(17 * 1024)}\r\n`));
			assert.ok(big, 'a response to big headers');
			assert.equal(big.status, 431);
			const many = Array.from({ length: 80 }, (_, i) => `X-H${i}: v\r\n`).join('');
			assert.equal((await rawOnce(srv.url, get('/healthz', many))).status, 431);
			const huge = await rawOnce(srv.url, get('/healthz', `X-Filler: ${'a'.repeat(100 * 1024)}\r\n`));
			if (huge) assert.equal(huge.status, 431);
			// Headers just under the limit are fine.
			const ok = await rawOnce(srv.url, get('/healthz', `X-Filler: ${'a'.repeat(12 * 1024)}\r\n`));
			assert.equal(ok.status, 200);

			const longUri = await rawOnce(srv.url, get('/healthz?q=' + 'x'.repeat(5000)));
			assert.ok(longUri, 'a response to a long URI');
			assert.equal(longUri.status, 414);
			const hugeUri = await rawOnce(srv.url, get('/healthz?q=' + 'x'.repeat(60000)));
			if (hugeUri) assert.equal(hugeUri.status, 414);
			const okUri = await rawOnce(srv.url, get('/healthz?q=' + 'x'.repeat(3000)));
			assert.equal(okUri.status, 200);
		});

		test('invalid UTF-8 in path or query and too many query args are 400', async () => {
			const p = await rawOnce(srv.url, get('/api/%ff%fe'));
			assert.equal(p.status, 400);
			assert.equal(p.json.error.code, 'bad_utf8');
			const q = await rawOnce(srv.url, get('/healthz?name=%c0%af'));
			assert.equal(q.status, 400);
			assert.equal(q.json.error.code, 'bad_utf8');
			const nul = await rawOnce(srv.url, get('/index.html%00.js'));
			assert.equal(nul.status, 400);
			const args = Array.from({ length: 33 }, (_, i) => `a${i}=1`).join('&');
			const many = await rawRequest(`${srv.url}/healthz?${args}`);
			assertError(many, 400);
		});

		test('path traversal never leaves the static root', async () => {
			const targets = [
				'/../secret.txt', '/../../etc/passwd', '/%2e%2e/secret.txt', '/%2E%2E/%2e%2e/etc/passwd',
				'/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt',
				'/assets\\..\\..\\secret.txt', '/.%2e/secret.txt', '//../secret.txt',
			];
			for (const t of targets) {
				const r = await rawOnce(srv.url, get(t));
				assert.ok(r, `a response for ${t}`);
				assert.ok(!r.body.includes(SECRET), `${t} leaked the secret`);
				assert.ok(!r.body.includes('root:'), `${t} leaked /etc/passwd`);
				assert.ok(r.status === 404 || r.status === 400, `${t}: status ${r.status}`);
			}
		});

		test('static files: SPA fallback, hashed assets, 404 for missing files', async () => {
			const root = await rawRequest(srv.url + '/');
			assert.equal(root.status, 200);
			assert.equal(root.text, INDEX_HTML);
			assert.match(root.headers.get('content-type'), /^text\/html/);
			assert.equal(root.headers.get('cache-control'), 'no-cache');
			assert.match(root.headers.get('content-security-policy'), /default-src 'self'/);
			assert.equal(root.headers.get('x-frame-options'), 'DENY');

			const spa = await rawRequest(srv.url + '/cases/123/detail');
			assert.equal(spa.status, 200);
			assert.equal(spa.text, INDEX_HTML);
			assert.equal(spa.headers.get('cache-control'), 'no-cache');

			const js = await rawRequest(srv.url + '/assets/app-3f2a91c.js');
			assert.equal(js.status, 200);
			assert.equal(js.text, ASSET_JS);
			assert.match(js.headers.get('content-type'), /^text\/javascript/);
			assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
			const head = await rawRequest(srv.url + '/assets/app-3f2a91c.js', { method: 'HEAD' });
			assert.equal(head.status, 200);
			assert.equal(head.text, '');

			const missing = await rawRequest(srv.url + '/assets/app-missing.js');
			assert.equal(missing.status, 404);
			assert.equal(missing.json.error.code, 'not_found');
			// Unknown /api/ paths never fall back to the page.
			const api = await rawRequest(srv.url + '/api/unknown/page');
			assert.equal(api.status, 404);
			assert.ok(!api.text.includes(INDEX_HTML));
			// Files are not writable through HTTP.
			const post = await rawRequest(srv.url + '/index.html', { method: 'POST', body: 'x' });
			assert.equal(post.status, 404);
		});

		test('cookie sessions need the CSRF header on writes; bad tokens are anonymous', async () => {
			// A stale bearer token on a public route is just anonymous ...
			const pub = await rawRequest(srv.url + '/healthz', { headers: { Authorization: 'Bearer not-a-session' } });
			assert.equal(pub.status, 200);
			// ... and on a protected route a 401.
			const me = await rawRequest(srv.url + '/api/me', { headers: { Authorization: 'Bearer not-a-session' } });
			assertError(me, 401);
			const anon = await rawRequest(srv.url + '/api/me');
			assertError(anon, 401);

			const c = new Client(srv.url);
			await c.loginBrowser(DEMO.window01, DEMO.password);
			assert.ok(c.cookies.size > 0, 'a session cookie');
			const ok = await c.get('/api/me');
			assert.equal(ok.status, 200);
			const noCsrf = await c.post('/api/auth/logout', {}, { csrf: false });
			assertError(noCsrf, 403, 'csrf_failed');
			assert.equal(noCsrf.json.error.message, '安全校验失败，请刷新页面后重试');
			const wrong = await c.post('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': 'f'.repeat(64) } });
			assertError(wrong, 403, 'csrf_failed');
			// Still logged in, then a proper logout.
			assert.equal((await c.get('/api/me')).status, 200);
			const out = await c.post('/api/auth/logout', {});
			assert.ok(out.status === 204 || out.status === 200, `logout: ${out.status}`);
		});
	});
}
