// Transport attacks, each of which held the server before its control:
// trickling connections from one address (slowloris), unfinished large
// bodies (memory), bodies that are not JSON on JSON routes, cross-site
// writes (login CSRF), downloads named by the uploader, and cookies and HSTS
// behind an https public URL. Run on both databases where one matters.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startServer, dbKinds, rawRequest, Client, haveBinary } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid) {
	const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(m[1]);
}

// Opens a socket (from localAddress) and resolves once connected or failed.
function openSocket(port, localAddress) {
	return new Promise((resolve) => {
		const s = net.connect({ host: '127.0.0.1', port, localAddress });
		s.closedAt = null;
		s.on('connect', () => resolve(s));
		s.on('error', () => { s.closedAt ??= Date.now(); resolve(s); });
		s.on('close', () => { s.closedAt ??= Date.now(); });
		s.on('data', () => {});
	});
}

async function timedGet(url) {
	const t0 = Date.now();
	const r = await fetch(url, { signal: AbortSignal.timeout(10000) });
	await r.arrayBuffer();
	return { status: r.status, ms: Date.now() - t0 };
}

describe('transport attacks', { skip: !haveBinary() }, () => {
	test('slowloris: 300 trickling connections from one address do not starve another client', async () => {
		const srv = await startServer({ db: 'sqlite', args: ['--set', 'http.max_conns_per_ip=50',
			'--set', 'http.header_timeout_s=3'] });
		try {
			const port = Number(new URL(srv.url).port);
			const socks = [];
			for (let i = 0; i < 300; i++) socks.push(await openSocket(port, '127.0.0.2'));
			// Every open socket starts a request head and trickles a header line
			// every 500 ms, never finishing it.
			for (const s of socks) if (!s.closedAt) s.write('GET /api/guide/items HTTP/1.1\r\nHost: x\r\n');
			const trickle = setInterval(() => {
				for (const s of socks) if (!s.closedAt && !s.destroyed) s.write('X-Slow: 1\r\n');
			}, 500);
			try {
				await sleep(1000);
				// Beyond the per-address limit the server closed at once.
				const closedEarly = socks.filter((s) => s.closedAt).length;
				assert.ok(closedEarly >= 240, `only ${closedEarly} of 300 refused by the per-address limit`);
				// A client from another address is served promptly meanwhile.
				const lat = [];
				for (let i = 0; i < 5; i++) {
					const r = await timedGet(srv.url + '/api/guide/items?limit=5');
					assert.equal(r.status, 200);
					lat.push(r.ms);
				}
				process.stdout.write(`# slowloris: normal client latencies ${lat.join(',')} ms\n`);
				assert.ok(Math.max(...lat) < 3000, `latency ${lat}`);
				// The head deadline cuts the rest although they keep trickling.
				await sleep(4500);
				const open = socks.filter((s) => !s.closedAt).length;
				assert.equal(open, 0, `${open} trickling connections still held after the head deadline`);
			} finally {
				clearInterval(trickle);
				for (const s of socks) s.destroy();
			}
			assert.equal((await rawRequest(srv.url + '/healthz')).status, 200);
		} finally {
			await srv.stop();
		}
	});

	test('slow body: a body below the minimum rate is cut off', async () => {
		const srv = await startServer({ db: 'sqlite', args: ['--set', 'http.body_min_rate=20000'] });
		try {
			const port = Number(new URL(srv.url).port);
			const s = await openSocket(port);
			s.write('POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: 1000000\r\n\r\n');
			const trickle = setInterval(() => { if (!s.closedAt && !s.destroyed) s.write('%'); }, 200);
			const t0 = Date.now();
			while (!s.closedAt && Date.now() - t0 < 20000) await sleep(200);
			clearInterval(trickle);
			s.destroy();
			assert.ok(s.closedAt && s.closedAt - t0 < 15000, 'slow body still held after 15 s');
		} finally {
			await srv.stop();
		}
	});

	test('40 unfinished 20 MiB bodies do not grow memory; past the memory budget 503', async () => {
		// No jobs: the renderer working through the demo's documents would
		// grow the memory measured here on its own.
		const srv = await startServer({ db: 'sqlite', args: ['--no-jobs'] });
		const socks = [];
		try {
			const port = Number(new URL(srv.url).port);
			await timedGet(srv.url + '/healthz');
			const before = rssKiB(srv.process.pid);
			const chunk = Buffer.alloc(1 << 20, 0x41);
			for (let i = 0; i < 40; i++) {
				const s = await openSocket(port);
				socks.push(s);
				s.write(`POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: ${20 << 20}\r\n\r\n`);
				for (let k = 0; k < 15; k++) s.write(chunk);
			}
			// Let the server read what was sent.
			for (let i = 0; i < 50; i++) {
				await sleep(200);
				if (socks.every((s) => s.writableLength === 0)) break;
			}
			await sleep(500);
			const grown = rssKiB(srv.process.pid) - before;
			process.stdout.write(`# large bodies: RSS grew by ${(grown / 1024).toFixed(1)} MiB for 40 x 15 MiB unfinished\n`);
			assert.ok(grown < 120 * 1024, `RSS grew by ${grown} KiB`);
			const r = await timedGet(srv.url + '/healthz');
			assert.equal(r.status, 200);
		} finally {
			for (const s of socks) s.destroy();
			await srv.stop();
		}
		// A small memory budget: in-memory bodies past it are refused.
		const srv2 = await startServer({ db: 'sqlite', args: ['--set', 'http.body_memory_mb=4',
			'--set', 'http.body_spool_kb=65536'] });
		const held = [];
		try {
			const port = Number(new URL(srv2.url).port);
			for (let i = 0; i < 3; i++) {
				const s = await openSocket(port);
				held.push(s);
				s.write(`POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: ${4 << 20}\r\n\r\n`);
				s.write(Buffer.alloc(1500 << 10, 0x25));
			}
			await sleep(1000);
			const r = await rawRequest(srv2.url + '/api/verify', { method: 'POST',
				headers: { 'Content-Type': 'application/pdf' }, body: Buffer.alloc(1 << 20, 0x25) });
			assert.equal(r.status, 503, r.text);
		} finally {
			for (const s of held) s.destroy();
			await srv2.stop();
		}
	});

	for (const db of dbKinds()) {
		describe(`requests a browser may be tricked into (${db})`, () => {
			let srv;
			before(async () => { srv = await startServer({ db }); });
			after(async () => { await srv?.stop(); });

			test('a JSON route refuses a body not declared JSON (415)', async () => {
				const body = JSON.stringify({ login: DEMO.person, password: DEMO.password });
				for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
					const r = await rawRequest(srv.url + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': ct }, body });
					assert.equal(r.status, 415, `${ct}: ${r.status}`);
					assert.equal(r.json.error.code, 'json_required');
					assert.equal(r.headers.get('set-cookie'), null);
				}
			});

			test('login and cookie writes from another site are refused (403)', async () => {
				const body = JSON.stringify({ login: DEMO.person, password: DEMO.password });
				const json = { 'Content-Type': 'application/json' };
				let r = await rawRequest(srv.url + '/api/auth/login', { method: 'POST', body,
					headers: { ...json, Origin: 'https://evil.example' } });
				assert.equal(r.status, 403);
				assert.equal(r.json.error.code, 'cross_origin');
				assert.equal(r.headers.get('set-cookie'), null);
				r = await rawRequest(srv.url + '/api/auth/login', { method: 'POST', body,
					headers: { ...json, 'Sec-Fetch-Site': 'cross-site' } });
				assert.equal(r.status, 403);
				// The same request from our own page passes.
				r = await rawRequest(srv.url + '/api/auth/login', { method: 'POST', body,
					headers: { ...json, Origin: srv.url, 'Sec-Fetch-Site': 'same-origin' } });
				assert.equal(r.status, 200);
				// A cookie session with its CSRF token, but from another site.
				const c = new Client(srv.url);
				await c.loginBrowser(DEMO.person, DEMO.password);
				r = await c.post('/api/auth/logout', {}, { headers: { Origin: 'http://evil.example' } });
				assert.equal(r.status, 403);
				assert.equal((await c.get('/api/me')).status, 200, 'the session survived');
				r = await c.post('/api/auth/logout', {}, { headers: { Origin: srv.url } });
				assert.equal(r.status, 204);
			});

			test('an upload named poly.html is served as what it is', async () => {
				const c = new Client(srv.url);
				await c.login(DEMO.person, DEMO.password);
				const pdf = Buffer.from(`%PDF-1.4\n<html><script>alert(1)</script></html>\n${Math.random()}\n%%EOF\n`);
				const up = await c.post('/api/uploads?name=poly.html', pdf, { headers: { 'Content-Type': 'application/pdf' } });
				assert.equal(up.status, 201, up.text);
				const r = await rawRequest(`${srv.url}/api/uploads/${up.json.sha256}`, {
					headers: { Authorization: `Bearer ${c.token}` } });
				assert.equal(r.status, 200);
				assert.equal(r.headers.get('content-type'), 'application/pdf');
				const cd = r.headers.get('content-disposition');
				assert.doesNotMatch(cd, /\.html/);
				assert.match(cd, /poly\.pdf/);
				assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
			});
		});
	}

	test('an https public URL gives Secure cookies and HSTS', async () => {
		const srv = await startServer({ db: 'sqlite', args: ['--public-url', 'https://onetrip.example'] });
		try {
			const r = await rawRequest(srv.url + '/api/auth/login', { method: 'POST',
				headers: { 'Content-Type': 'application/json', Origin: 'https://onetrip.example' },
				body: JSON.stringify({ login: DEMO.person, password: DEMO.password }) });
			assert.equal(r.status, 200, r.text);
			assert.match(r.headers.get('set-cookie'), /; Secure/);
			assert.match(r.headers.get('strict-transport-security'), /max-age=31536000/);
			const h = await rawRequest(srv.url + '/healthz');
			assert.match(h.headers.get('strict-transport-security'), /max-age=/);
		} finally {
			await srv.stop();
		}
		const plain = await startServer({ db: 'sqlite' });
		try {
			const h = await rawRequest(plain.url + '/healthz');
			assert.equal(h.headers.get('strict-transport-security'), null);
		} finally {
			await plain.stop();
		}
	});
});
