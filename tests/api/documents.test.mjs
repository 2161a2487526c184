// Uploads, case documents and their public verification over HTTP, on every
// database in ONETRIP_DBS: upload checks (type by content, 413, dedupe,
// ownership), then an accepted case gets a sealed 受理通知书 that downloads,
// verifies by its code, fails verification when one byte changes, and shows
// its result on the printable /verify page.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { startServer, dbKinds, Client, rawRequest } from '../lib/server.mjs';
import { DEMO, demoForm } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MiB = 1024 * 1024;

// A small distinct "PNG" (the server judges by the first bytes only).
function png(tag) {
	return Buffer.concat([PNG_HEAD, Buffer.from(`onetrip test ${tag} ${Math.random()}`)]);
}

function sha256(buf) {
	return createHash('sha256').update(buf).digest('hex');
}

function upload(c, body, name, type = 'application/octet-stream') {
	const q = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
	return c.request('POST', `/api/uploads${q}`, new Uint8Array(body), {
		headers: { 'Content-Type': type },
	});
}

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code);
	assert.match(r.json.error.message, CHINESE);
}

async function binary(url, path, client) {
	const headers = client && client.token ? { Authorization: `Bearer ${client.token}` } : {};
	const r = await fetch(url + path, { headers });
	return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

// Sends only the request head (announcing a body) and reads the answer the
// server gives before the body: {status, json}.
function headOnly(url, head) {
	const u = new URL(url);
	return new Promise((resolve, reject) => {
		const sock = net.connect(Number(u.port), u.hostname);
		let data = Buffer.alloc(0);
		const timer = setTimeout(() => { sock.destroy(); reject(new Error('no answer')); }, 10000);
		sock.on('connect', () => sock.write(head));
		sock.on('data', (d) => {
			data = Buffer.concat([data, d]);
			const text = data.toString('utf8');
			const end = text.indexOf('\r\n\r\n');
			if (end < 0) return;
			const m = /content-length:\s*(\d+)/i.exec(text.slice(0, end));
			const body = text.slice(end + 4);
			if (m && Buffer.byteLength(body) < Number(m[1])) return;
			clearTimeout(timer);
			sock.destroy();
			resolve({ status: Number(text.split(' ')[1]), json: JSON.parse(body) });
		});
		sock.on('error', (e) => { clearTimeout(timer); reject(e); });
	});
}

async function waitFor(fn, what, ms = 20000) {
	const deadline = Date.now() + ms;
	let last;
	while (Date.now() < deadline) {
		last = await fn();
		if (last) return last;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`timed out waiting for ${what}`);
}

for (const db of dbKinds()) {
	describe(`documents (${db})`, () => {
		let srv;
		let person;
		let person2;
		let clerk;

		before(async () => {
			srv = await startServer({ db });
			person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			person2 = new Client(srv.url);
			await person2.login(DEMO.person2, DEMO.password);
			clerk = new Client(srv.url);
			await clerk.login(DEMO.scjg_clerk, DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('upload: type judged by content, name kept', async () => {
			const body = png('scan');
			// A PNG named .pdf is judged by its bytes: accepted as PNG.
			let r = await upload(person, body, '营业执照.pdf', 'application/pdf');
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.sha256, sha256(body));
			assert.equal(r.json.content_type, 'image/png');
			assert.equal(r.json.size, body.length);
			assert.equal(r.json.name, '营业执照.pdf');

			const pdf = Buffer.from('%PDF-1.4\n% test\n%%EOF\n');
			r = await upload(person, pdf, 'a.pdf');
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.content_type, 'application/pdf');

			const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
			r = await upload(person, jpeg, 'photo.jpg', 'image/jpeg');
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.content_type, 'image/jpeg');

			// A text file named x.pdf: 415.
			r = await upload(person, Buffer.from('just some text'), 'x.pdf', 'application/pdf');
			assertError(r, 415, 'unsupported_file_type');
			assert.equal(r.json.error.message, '仅支持 PDF、JPEG、PNG 格式的文件');

			// Empty: 400.
			r = await upload(person, Buffer.alloc(0), 'empty.pdf');
			assert.equal(r.status, 400, r.text);
		});

		test('upload: over 20 MiB is refused with 413', async () => {
			// Announced: refused before the body is sent.
			const r = await headOnly(srv.url, 'POST /api/uploads?name=big.png HTTP/1.1\r\nHost: t\r\n' +
				`Authorization: Bearer ${person.token}\r\nContent-Type: image/png\r\n` +
				`Content-Length: ${20 * MiB + 1}\r\n\r\n`);
			assert.equal(r.status, 413);
			assert.equal(r.json.error.code, 'too_large');
			assert.match(r.json.error.message, CHINESE);
			// Exactly 20 MiB is accepted.
			const max = Buffer.alloc(20 * MiB);
			PNG_HEAD.copy(max);
			max.write(`limit ${Math.random()}`, 16);
			const ok = await upload(person, max, 'max.png', 'image/png');
			assert.equal(ok.status, 201, ok.text);
			assert.equal(ok.json.size, 20 * MiB);
		});

		test('upload: same bytes stored once, each uploader keeps their own', async () => {
			const body = png('shared');
			const a = await upload(person, body, '张明的.png');
			const b = await upload(person2, body, '李华的.png');
			assert.equal(a.status, 201, a.text);
			assert.equal(b.status, 201, b.text);
			assert.equal(a.json.sha256, b.json.sha256);

			// Each reads it under their own name.
			let r = await binary(srv.url, `/api/uploads/${a.json.sha256}`, person);
			assert.equal(r.status, 200);
			assert.ok(r.body.equals(body));
			assert.equal(r.headers.get('content-type'), 'image/png');
			assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''%E5%BC%A0%E6%98%8E/);
			r = await binary(srv.url, `/api/uploads/${a.json.sha256}`, person2);
			assert.equal(r.status, 200);

			const mine = await person.get('/api/my/materials');
			assert.equal(mine.status, 200, mine.text);
			assert.ok(mine.json.items.some((m) => m.sha256 === a.json.sha256 && m.source === 'upload'));
		});

		test('upload: another user cannot read my upload', async () => {
			const body = png('private');
			const a = await upload(person, body, '私人.png');
			assert.equal(a.status, 201, a.text);
			let r = await person2.get(`/api/uploads/${a.json.sha256}`);
			assertError(r, 404);
			const mine = await person2.get('/api/my/materials');
			assert.ok(!mine.json.items.some((m) => m.sha256 === a.json.sha256));
			// Staff of an unrelated department: not found either.
			const zj = new Client(srv.url);
			await zj.login(DEMO.zj_sp, DEMO.password);
			r = await zj.get(`/api/uploads/${a.json.sha256}`);
			assertError(r, 404);
			// Anonymous: 401; bad hash: 404.
			r = await rawRequest(`${srv.url}/api/uploads/${a.json.sha256}`);
			assert.equal(r.status, 401);
			r = await person.get('/api/uploads/not-a-hash');
			assertError(r, 404);
			// Only applicants and clerks upload.
			r = await upload(zj, png('staff'), 'x.png');
			assertError(r, 403);
		});

		test('verification of an unknown code and of unknown bytes', async () => {
			let r = await rawRequest(`${srv.url}/api/verify/AAAAAAAAAAAAAAAAAAAA`);
			assertError(r, 404, 'document_unknown');
			r = await rawRequest(`${srv.url}/verify/AAAAAAAAAAAAAAAAAAAA`);
			assert.equal(r.status, 404);
			assert.match(r.headers.get('content-type'), /^text\/html/);
			assert.match(r.text, /验证未通过/);
			r = await rawRequest(`${srv.url}/verify/%3Cscript%3E`);
			assert.equal(r.status, 404);
			assert.ok(!r.text.includes('<script>'));
			r = await rawRequest(`${srv.url}/api/verify`, {
				method: 'POST', headers: { 'Content-Type': 'application/pdf' },
				body: Buffer.from('%PDF-1.4 not registered'),
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.valid, false);
			assert.match(r.json.message, /验证未通过/);
		});

		test('an accepted case gets a sealed 受理通知书 that verifies', async () => {
			const found = await person.get(`/api/guide/items?q=${encodeURIComponent('食品经营许可')}`);
			assert.equal(found.status, 200, found.text);
			const item = found.json.items.find((i) => i.name === '食品经营许可（新办）');
			assert.ok(item, 'demo item 食品经营许可（新办）');
			const guide = await person.get(`/api/guide/items/${item.id}`);
			assert.equal(guide.status, 200, guide.text);
			const mats = guide.json.materials || (guide.json.elements && guide.json.elements.materials) ||
				(guide.json.item && guide.json.item.materials) || [];
			const materials = [];
			for (let i = 0; i < mats.length; i++) {
				if (mats[i].necessity === 'optional') continue;
				const u = await upload(person, png(`m${i}`), `${mats[i].name}.png`);
				assert.equal(u.status, 201, u.text);
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			let r = await person.post('/api/cases', { item_id: item.id, form: demoForm(item.name), materials });
			assert.equal(r.status, 201, r.text);
			const kase = r.json.case || r.json;
			r = await clerk.post(`/api/cases/${kase.id}/accept`, { mode: 'normal', version: kase.version });
			assert.equal(r.status, 200, r.text);

			// The background renderer makes, seals and stores it.
			const doc = await waitFor(async () => {
				const l = await person.get(`/api/cases/${kase.id}/documents`);
				assert.equal(l.status, 200, l.text);
				return l.json.find((d) => d.kind === 'accept_notice' && d.status === 'ready');
			}, 'the accept notice');
			assert.equal(doc.kind_label, '受理通知书');
			assert.match(doc.doc_no, /^白市受字〔\d{4}〕第\d{4}号$/);
			assert.match(doc.verify_code, /^[2-9A-Z]{20}$/);

			// Download: a PDF, with a Chinese file name.
			const pdf = await binary(srv.url, `/api/documents/${doc.id}/pdf`, person);
			assert.equal(pdf.status, 200);
			assert.equal(pdf.headers.get('content-type'), 'application/pdf');
			assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
			assert.match(pdf.headers.get('content-disposition'),
				/^attachment; filename="document-\d+\.pdf"; filename\*=UTF-8''%E5%8F%97%E7%90%86/);
			// Staff of the case's department too; another applicant not.
			assert.equal((await binary(srv.url, `/api/documents/${doc.id}/pdf`, clerk)).status, 200);
			assert.equal((await binary(srv.url, `/api/documents/${doc.id}/pdf`, person2)).status, 404);
			assert.equal((await person2.get(`/api/cases/${kase.id}/documents`)).status, 404);

			// Public verification by code.
			r = await rawRequest(`${srv.url}/api/verify/${doc.verify_code}`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.valid, true);
			assert.equal(r.json.signature_valid, true);
			assert.equal(r.json.doc_no, doc.doc_no);
			assert.equal(r.json.dept_name, '白河县市场监督管理局');
			assert.equal(r.json.applicant, '张*');
			assert.equal(r.json.message, '验证通过：该文书由白河县市场监督管理局出具，签章有效');
			assert.match(r.json.sm3, /^[0-9a-f]{64}$/);
			// Lower case works as well (codes are typed by people).
			r = await rawRequest(`${srv.url}/api/verify/${doc.verify_code.toLowerCase()}`);
			assert.equal(r.json.valid, true);

			// The printable page.
			r = await rawRequest(`${srv.url}/verify/${doc.verify_code}`);
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
			assert.match(r.text, /验证通过：该文书由白河县市场监督管理局出具，签章有效/);
			assert.ok(r.text.includes(doc.doc_no));
			assert.ok(!r.text.includes('<script'));

			// A copy: the very bytes pass; one byte changed fails.
			r = await rawRequest(`${srv.url}/api/verify`, {
				method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: pdf.body,
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.valid, true, r.text);
			assert.equal(r.json.document.doc_no, doc.doc_no);
			const changed = Buffer.from(pdf.body);
			changed[Math.floor(changed.length / 2)] ^= 0x01;
			r = await rawRequest(`${srv.url}/api/verify`, {
				method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: changed,
			});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.valid, false);
			assert.match(r.json.message, /验证未通过/);

			// The seal's usage ledger names the document it sealed; the seal's
			// public key is public, its ledger is not.
			const depts = await person.get('/api/departments');
			const scjg = (depts.json.items || depts.json).find((d) => d.name === '县市场监管局');
			assert.ok(scjg, '县市场监管局');
			const seal = await rawRequest(`${srv.url}/api/departments/${scjg.id}/seal`);
			assert.equal(seal.status, 200, seal.text);
			assert.match(seal.json.public_key_pem, /BEGIN PUBLIC KEY/);
			assert.equal(seal.json.key_path, undefined);
			const admin = new Client(srv.url);
			await admin.login(DEMO.scjg_admin, DEMO.password);
			const ledger = await admin.get(`/api/departments/${scjg.id}/seal/ledger`);
			assert.equal(ledger.status, 200, ledger.text);
			const entry = ledger.json.items.find((u) => u.document_ref === doc.doc_no);
			assert.ok(entry, JSON.stringify(ledger.json.items.slice(0, 3)));
			assert.equal(entry.sm3, createHash('sm3').update(pdf.body).digest('hex'));
			assert.equal((await person.get(`/api/departments/${scjg.id}/seal/ledger`)).status, 403);
			assert.equal((await admin.get(`/api/departments/${scjg.id}/seal/ledger?limit=x`)).status, 400);
			r = await rawRequest(`${srv.url}/api/verify?code=${doc.verify_code}`, {
				method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: changed,
			});
			assert.equal(r.json.valid, false);
		});
	});
}
