// Compression and caching of what the server sends: brotli or gzip for
// static files and JSON when the client accepts it (decoded here to the
// exact bytes), none when it does not, and long-lived caching only for
// hashed assets under /assets/ (index.html is revalidated every time).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, haveBinary } from '../lib/server.mjs';

const ASSET = 'export const items = [' + Array.from({ length: 4000 }, (_, i) => `"事项${i}"`).join(',') + '];\n';
const INDEX = '<!doctype html><title>onetrip</title>' + '<p>办事指南</p>'.repeat(200);

function get(url, headers = {}) {
	return new Promise((resolve, reject) => {
		http.get(url, { headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
		}).on('error', reject);
	});
}

function decode(r) {
	const enc = r.headers['content-encoding'];
	if (enc === 'br') return zlib.brotliDecompressSync(r.body);
	if (enc === 'gzip') return zlib.gunzipSync(r.body);
	return r.body;
}

describe('compression and caching', { skip: !haveBinary() }, () => {
	let srv;
	before(async () => {
		const root = path.join(mkdtempSync(path.join(tmpdir(), 'onetrip-static-')), 'dist');
		mkdirSync(path.join(root, 'assets'), { recursive: true });
		writeFileSync(path.join(root, 'index.html'), INDEX);
		writeFileSync(path.join(root, 'assets', 'index-4f2a91c7.js'), ASSET);
		srv = await startServer({ db: 'sqlite', args: ['--static', root] });
	});
	after(async () => { await srv?.stop(); });

	test('hashed assets: brotli, gzip or none, immutable for a year', async () => {
		const url = srv.url + '/assets/index-4f2a91c7.js';
		for (const [accept, enc] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], [undefined, undefined]]) {
			for (let round = 0; round < 2; round++) { // the second from the table
				const r = await get(url, accept ? { 'Accept-Encoding': accept } : {});
				assert.equal(r.status, 200);
				assert.equal(r.headers['content-encoding'], enc);
				assert.equal(r.headers.vary, 'Accept-Encoding');
				assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
				assert.equal(decode(r).toString(), ASSET);
				if (enc) assert.ok(r.body.length < Buffer.byteLength(ASSET) / 3, `${enc} ${r.body.length}`);
			}
		}
	});

	test('index.html compressed and revalidated (no-cache)', async () => {
		const r = await get(srv.url + '/', { 'Accept-Encoding': 'br' });
		assert.equal(r.status, 200);
		assert.equal(r.headers['content-encoding'], 'br');
		assert.equal(r.headers['cache-control'], 'no-cache');
		assert.equal(decode(r).toString(), INDEX);
	});

	test('JSON responses compressed when accepted', async () => {
		const plain = await get(srv.url + '/api/guide/items?limit=50');
		assert.equal(plain.headers['content-encoding'], undefined);
		for (const enc of ['gzip', 'br']) {
			const r = await get(srv.url + '/api/guide/items?limit=50', { 'Accept-Encoding': enc });
			assert.equal(r.status, 200);
			assert.equal(r.headers['content-encoding'], enc);
			assert.deepEqual(JSON.parse(decode(r)), JSON.parse(plain.body));
			assert.ok(r.body.length < plain.body.length);
		}
	});
});
