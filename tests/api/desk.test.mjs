// The clerk's desk over HTTP, on every database in ONETRIP_DBS: the 待受理
// queue holds only cases waiting for acceptance (accepted ones wait in
// 待分送), a failed document shows as failed and staff of the case put it
// back in the renderer's queue (API and `onetrip documents`), audited; the
// full ID number on the case page of the window serving the case only.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;

async function sql(srv, db, q) {
	if (db === 'postgresql') return psql(srv.dbUrl, q);
	return execFileSync('sqlite3', [srv.dbUrl.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	if (code) assert.equal(r.json.error.code, code, r.text);
	assert.match(r.json.error.message, CHINESE);
}

async function login(url, who) {
	const c = new Client(url);
	await c.login(who, DEMO.password);
	return c;
}

function cli(srv, args) {
	return execFileSync(binPath(), [...args, '--db', srv.dbUrl, '--set', `var=${srv.varDir}`], { encoding: 'utf8' });
}

for (const db of dbKinds()) {
	describe(`clerk's desk (${db})`, () => {
		let srv, window01, scjgClerk, ducha, hall, person;

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			[window01, scjgClerk, ducha, hall, person] = await Promise.all([
				login(srv.url, DEMO.window01), login(srv.url, DEMO.scjg_clerk), login(srv.url, DEMO.ducha),
				login(srv.url, DEMO.hall), login(srv.url, DEMO.person),
			]);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('待受理 holds submitted cases only; accepted ones are in 待分送', async () => {
			const items = ok(await window01.get('/api/guide/items?limit=100')).items;
			let cs = null;
			let last = null;
			for (const it of items.filter((i) => i.case_kind === 2)) {
				const g = ok(await window01.get(`/api/guide/items/${it.id}`));
				const mats = (g.elements || g.item || g).materials;
				const materials = [];
				for (let i = 0; i < mats.length; i++) {
					const body = new TextEncoder().encode(`%PDF-1.4\n% desk ${i} ${Math.random()}\n%%EOF\n`);
					const u = ok(await window01.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } }), 201);
					materials.push({ index: i, sha256: u.sha256 });
				}
				last = await window01.post('/api/cases/walkin', {
					item_id: it.id, applicant: { kind: 'person', idno: DEMO.person2, name: '李华', mobile: '13991500002' }, materials,
				});
				if (last.status === 201) { cs = last.json; break; }
			}
			assert.ok(cs, `a promised item registered at window 01: ${last && last.text}`);
			let accept = ok(await window01.get('/api/work/inbox?queue=accept&limit=100')).items;
			assert.ok(accept.some((x) => x.id === cs.id), 'the registered case waits for acceptance');
			cs = ok(await window01.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			assert.equal(cs.state, 'accepted');
			accept = ok(await window01.get('/api/work/inbox?queue=accept&limit=100')).items;
			assert.ok(accept.every((x) => x.state === 'submitted'), JSON.stringify(accept.map((x) => x.state)));
			assert.ok(!accept.some((x) => x.id === cs.id));
			const fwd = ok(await window01.get('/api/work/inbox?queue=forward&limit=100')).items;
			assert.ok(fwd.some((x) => x.id === cs.id));
			assert.ok(fwd.every((x) => x.state === 'accepted'));
			const all = ok(await window01.get('/api/work/inbox?queue=all&limit=100')).items;
			assert.ok(all.some((x) => x.id === cs.id));
			assertError(await window01.get('/api/work/inbox?queue=nope'), 400, 'bad_queue');

			// The full ID number: on the case page for the window serving it,
			// masked in the lists and for staff of other windows.
			const page = ok(await window01.get(`/api/cases/${cs.id}`));
			assert.equal(page.applicant.idno, DEMO.person2);
			assert.ok(!JSON.stringify(fwd).includes(DEMO.person2), 'lists stay masked');
			const other = await hall.get(`/api/cases/${cs.id}`);
			if (other.status === 200) assert.ok(!other.text.includes(DEMO.person2), 'masked for the hall admin');
		});

		test('a failed document: shown failed, retried by staff of the case, audited, refused to others', async () => {
			const row = (await sql(srv, db, 'SELECT d.id, d.case_id FROM documents d JOIN cases c ON c.id = d.case_id '
				+ 'WHERE c.window_id = 1 ORDER BY d.id LIMIT 1')).split('|');
			const [docId, caseId] = row.map(Number);
			assert.ok(docId > 0, 'a demo document at window 01');
			await sql(srv, db, `UPDATE documents SET status = 'failed', attempts = 5, error = 'seal key unreadable' WHERE id = ${docId}`);

			const docs = ok(await window01.get(`/api/cases/${caseId}/documents`));
			const d = docs.find((x) => x.id === docId);
			assert.equal(d.status, 'failed');
			assert.equal(d.error, 'seal key unreadable', 'staff see why');

			const listed = ok(await hall.get('/api/documents/failed')).items;
			assert.ok(listed.some((x) => x.id === docId));
			assert.equal((await ducha.get('/api/documents/failed')).status, 403);

			// Refused: the applicant's kind, the supervisor, a clerk of another window.
			assert.equal((await person.post(`/api/documents/${docId}/retry`)).status, 403);
			assertError(await ducha.post(`/api/documents/${docId}/retry`), 403);
			assertError(await scjgClerk.post(`/api/documents/${docId}/retry`), 404, 'document_not_found');
			assertError(await window01.post('/api/documents/999999/retry'), 404, 'document_not_found');
			assert.equal(await sql(srv, db, `SELECT status FROM documents WHERE id = ${docId}`), 'failed', 'nothing changed');

			const before = Number(await sql(srv, db, "SELECT count(*) FROM audit_log WHERE action = 'document.retry'"));
			const r = ok(await window01.post(`/api/documents/${docId}/retry`));
			assert.equal(r.status, 'pending');
			assert.equal(await sql(srv, db, `SELECT status || ' ' || attempts || ' [' || error || ']' FROM documents WHERE id = ${docId}`), 'pending 0 []');
			assert.equal(Number(await sql(srv, db, "SELECT count(*) FROM audit_log WHERE action = 'document.retry'")), before + 1);
			// Only a failed document is retried.
			assertError(await window01.post(`/api/documents/${docId}/retry`), 409, 'document_not_failed');
		});

		test('onetrip documents failed | retry ID | retry --all', async () => {
			const ids = (await sql(srv, db, 'SELECT id FROM documents ORDER BY id LIMIT 3 OFFSET 3')).split('\n').map(Number);
			await sql(srv, db, `UPDATE documents SET status = 'failed', error = 'font missing' WHERE id IN (${ids.join(',')})`);
			const list = cli(srv, ['documents', 'failed']);
			assert.match(list, /生成失败的文书 3 件/);
			assert.match(list, /font missing/);
			const json = JSON.parse(cli(srv, ['documents', 'failed', '--json']));
			assert.deepEqual(json.map((x) => x.id).sort((a, b) => a - b), ids);
			assert.match(cli(srv, ['documents', 'retry', String(ids[0])]), /已放回生成队列/);
			assert.match(cli(srv, ['documents', 'retry', '--all']), /已放回生成队列 2 件/);
			assert.match(cli(srv, ['documents', 'failed']), /生成失败的文书 0 件/);
			// Retrying one that has not failed: a Chinese error and exit code 1.
			let failed = null;
			try {
				execFileSync(binPath(), ['documents', 'retry', String(ids[0]), '--db', srv.dbUrl, '--set', `var=${srv.varDir}`], { encoding: 'utf8', stdio: 'pipe' });
			} catch (e) {
				failed = e;
			}
			assert.ok(failed, 'exit code non-zero');
			assert.match(String(failed.stderr), /只有生成失败的文书可以重新生成/);
		});
	});
}
