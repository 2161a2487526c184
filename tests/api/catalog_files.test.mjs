// Public files are catalogue files, on every database in ONETRIP_DBS: an
// item's blank form or sample is a file the department uploaded as a
// catalogue file (POST /api/files); an applicant's upload can never be named
// by an item nor served anonymously by /api/guide/items/:id/files/:sha256.
// The attack: a department admin who saw a citizen's material hash in a
// case names it as an item's blank form to publish that ID-card scan.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code);
	assert.match(r.json.error.message, CHINESE);
}

function pdf(tag) {
	return new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`);
}

for (const db of dbKinds()) {
	describe(`catalogue files (${db})`, () => {
		let srv, anon, hall, scjg, person, itemId, base;

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			anon = new Client(srv.url);
			[hall, scjg, person] = [new Client(srv.url), new Client(srv.url), new Client(srv.url)];
			await Promise.all([hall.login(DEMO.hall, DEMO.password), scjg.login(DEMO.scjg_admin, DEMO.password),
				person.login(DEMO.person, DEMO.password)]);
			const g = await anon.get('/api/guide/items?q=000101001001');
			itemId = g.json.items[0].id;
			const r = await scjg.get(`/api/items/${itemId}`);
			assert.equal(r.status, 200, r.text);
			base = r.json.published.elements;
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		function withBlank(sha, note) {
			const materials = base.materials.map((m, i) => (i === 0 ? { ...m, blank_form: sha, notes: note } : m));
			return { ...base, materials };
		}

		test('an applicant\'s upload cannot become an item\'s public file', async () => {
			const bytes = pdf('身份证扫描件');
			let r = await person.post('/api/uploads?name=idcard.pdf', bytes, { headers: { 'Content-Type': 'application/pdf' } });
			assert.equal(r.status, 201, r.text);
			const citizen = r.json.sha256;

			// Named directly as a blank form: refused, the draft is not saved.
			const before = (await scjg.get(`/api/items/${itemId}`)).json;
			assertError(await scjg.put(`/api/items/${itemId}/draft`, { elements: withBlank(citizen, '空白表格') }), 422,
				'not_catalog_file');
			assert.deepEqual((await scjg.get(`/api/items/${itemId}`)).json, before, 'nothing stored');
			// Uploaded again by the department as a catalogue file: refused too.
			r = await scjg.post('/api/files?name=form.pdf', bytes, { headers: { 'Content-Type': 'application/pdf' } });
			assertError(r, 422, 'applicant_file');
			// Never served anonymously.
			assertError(await anon.get(`/api/guide/items/${itemId}/files/${citizen}`), 404);
		});

		test('a blank form uploaded by the department is published and served', async () => {
			const bytes = pdf('个体工商户登记申请书（空白）');
			let r = await scjg.post('/api/files?name=blank.pdf', bytes, { headers: { 'Content-Type': 'application/pdf' } });
			assert.equal(r.status, 201, r.text);
			const blank = r.json.sha256;
			assertError(await anon.get(`/api/guide/items/${itemId}/files/${blank}`), 404); // not named yet
			r = await scjg.put(`/api/items/${itemId}/draft`, { elements: withBlank(blank, '空白表格可下载') });
			assert.equal(r.status, 200, r.text);
			r = await scjg.post(`/api/items/${itemId}/submit`);
			assert.equal(r.status, 200, r.text);
			r = await hall.post(`/api/items/${itemId}/publish`);
			assert.equal(r.status, 200, r.text);
			r = await anon.get(`/api/guide/items/${itemId}/files/${blank}`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.headers.get('content-type'), 'application/pdf');
			assert.match(r.text, /个体工商户登记申请书/);
		});
	});
}
