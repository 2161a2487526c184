// A county moving to the province: `onetrip migrate-data` copies the demo
// county's SQLite database and data folder into an empty PostgreSQL
// database; a server on PostgreSQL then serves the same cases, users and
// sealed documents (the same bytes, the signature valid), new rows get new
// ids, the audit chain verifies, and a second run refuses the non-empty
// target. Runs when ONETRIP_DBS includes postgresql (the source is SQLite).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbKinds, Client, binPath, rawRequest } from '../lib/server.mjs';
import { startPostgres, createDatabase, psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

function sqlite(file, q) {
	return new Promise((resolve, reject) => {
		execFile('sqlite3', ['-batch', '-noheader', file, q], { encoding: 'utf8' },
			(err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout.replace(/\n$/, ''))));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

async function as(url, login) {
	const c = new Client(url);
	await c.login(login, DEMO.password);
	return c;
}

async function pdf(c, id) {
	const r = await fetch(`${c.url}/api/documents/${id}/pdf`, { headers: { Authorization: `Bearer ${c.token}` } });
	assert.equal(r.status, 200);
	return Buffer.from(await r.arrayBuffer());
}

// Each table with the column whose maximum is compared.
const TABLES = { users: 'id', cases: 'id', case_events: 'id', documents: 'id', seals: 'id', seal_usage: 'id',
	audit_log: 'seq', files: 'size', items: 'id' };
const summary = (t) => `SELECT COUNT(*) || ' ' || COALESCE(MAX(${TABLES[t]}), 0) FROM ${t}`;
const skip = !dbKinds().includes('postgresql') && 'needs PostgreSQL (ONETRIP_DBS)';

describe('migrate-data: a county SQLite database into PostgreSQL', { skip }, () => {
	let county, pg, pgUrl, toVar, province;
	let kase, doc, bytes;
	const counts = {};

	before(async () => {
		[county, pg] = await Promise.all([startServer({ db: 'sqlite' }), startPostgres()]);
		pgUrl = await createDatabase(pg.url, 'province');
		toVar = mkdtempSync(path.join(tmpdir(), 'onetrip-var-'));
		try {
			await countyCase();
		} catch (e) {
			e.message += `\n--- county server log:\n${county.logTail(60)}`;
			throw e;
		}
		// The county server stops for the move (its folder stays: not stop()).
		const exited = new Promise((r) => county.process.once('exit', r));
		county.process.kill('SIGTERM');
		assert.equal(await exited, 0);
	});

	// A case of this county with a sealed 受理通知书.
	async function countyCase() {
		const person = await as(county.url, DEMO.person);
		const clerk = await as(county.url, DEMO.window01);
		const items = ok(await person.get(`/api/guide/items?q=${encodeURIComponent('建设项目环境影响登记表备案')}&limit=50`));
		const it = items.items.find((i) => i.name === '建设项目环境影响登记表备案');
		const g = ok(await person.get(`/api/guide/items/${it.id}`));
		const materials = [];
		for (let i = 0; i < g.elements.materials.length; i++) {
			const body = new TextEncoder().encode(`%PDF-1.4\n% county ${i} ${Math.random()}\n%%EOF\n`);
			const u = ok(await person.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } }), 201);
			materials.push({ index: i, sha256: u.sha256 });
		}
		kase = ok(await person.post('/api/cases', { item_id: it.id, form: {}, materials }), 201);
		kase = ok(await clerk.post(`/api/cases/${kase.id}/accept`, { mode: 'normal', version: kase.version }));
		const deadline = Date.now() + 30000;
		while (!doc) {
			const l = ok(await person.get(`/api/cases/${kase.id}/documents`));
			doc = l.find((d) => d.kind === 'accept_notice' && d.status === 'ready');
			if (!doc) {
				assert.ok(Date.now() < deadline, 'the accept notice was not rendered');
				await new Promise((r) => setTimeout(r, 200));
			}
		}
		bytes = await pdf(person, doc.id);
	}

	after(async () => {
		if (province) assert.equal(await province.stop(), 0);
		rmSync(county.varDir, { recursive: true, force: true });
		rmSync(toVar, { recursive: true, force: true });
		if (pg) await pg.stop();
	});

	test('copies every table, the files and the keys', async () => {
		const file = county.dbUrl.slice('sqlite:'.length);
		for (const t of Object.keys(TABLES)) counts[t] = await sqlite(file, summary(t));
		const t0 = Date.now();
		const r = await cli(['migrate-data', '--from', county.dbUrl, '--to', pgUrl, '--from-var', county.varDir, '--to-var', toVar]);
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(r.out, /已迁移 \d+ 张表、\d+ 条记录/);
		assert.match(r.out, /已复制数据目录的 \d+ 个文件/);
		for (const t of Object.keys(TABLES)) assert.equal(await psql(pgUrl, summary(t)), counts[t], `table ${t}`);
		// The seal keys keep their mode; no database file or log is copied.
		const keys = readdirSync(path.join(toVar, 'keys'));
		assert.ok(keys.includes('audit.key'), `the audit chain's key goes along: ${keys}`);
		for (const k of keys) assert.equal(statSync(path.join(toVar, 'keys', k)).mode & 0o777, 0o600, k);
		assert.ok(!readdirSync(toVar).some((n) => /\.(db|log)$/.test(n)), readdirSync(toVar).join());
		const rows = /(\d+) 条记录/.exec(r.out)[1];
		process.stdout.write(`# ${rows} rows migrated in ${Date.now() - t0} ms\n`);
	});

	test('a second run refuses the non-empty target and changes nothing', async () => {
		const before = await psql(pgUrl, 'SELECT COUNT(*) FROM audit_log');
		const r = await cli(['migrate-data', '--from', county.dbUrl, '--to', pgUrl, '--from-var', county.varDir, '--to-var', toVar]);
		assert.notEqual(r.code, 0);
		assert.match(r.err, /目标数据库已有数据/);
		assert.equal(await psql(pgUrl, 'SELECT COUNT(*) FROM audit_log'), before);
	});

	test('a server on PostgreSQL serves the county: log in, the case, the sealed document', async () => {
		province = await startServer({ db: 'postgresql', share: { dbUrl: pgUrl, varDir: toVar } });
		const person = await as(province.url, DEMO.person);
		const c = ok(await person.get(`/api/cases/${kase.id}`));
		assert.equal(c.case_no, kase.case_no);
		const l = ok(await person.get(`/api/cases/${kase.id}/documents`));
		assert.ok(l.some((d) => d.id === doc.id && d.status === 'ready'));
		assert.ok((await pdf(person, doc.id)).equals(bytes), 'the same PDF bytes');
		const v = await rawRequest(`${province.url}/api/verify/${doc.verify_code}`);
		assert.equal(v.status, 200, v.text);
		assert.equal(v.json.valid, true);
		assert.equal(v.json.signature_valid, true);
		// New rows continue after the county's ids.
		const body = new TextEncoder().encode(`%PDF-1.4\n% province ${Math.random()}\n%%EOF\n`);
		ok(await person.post('/api/uploads?name=x.pdf', body, { headers: { 'Content-Type': 'application/pdf' } }), 201);
		const maxCase = Number(counts.cases.split(' ')[1]);
		const again = ok(await person.post(`/api/cases/${kase.id}/actions/withdraw`, { version: c.version }));
		assert.equal(again.id, kase.id);
		assert.ok(Number(await psql(pgUrl, 'SELECT MAX(seq) FROM audit_log')) > Number(counts.audit_log.split(' ')[1]));
		assert.ok(maxCase >= kase.id);
	});

	test('the audit chain verifies on the target', async () => {
		const r = await cli(['audit', 'verify', '--db', pgUrl, '--var', toVar]);
		assert.equal(r.code, 0, r.out + r.err);
		assert.match(r.out, /audit chain intact/);
	});
});
