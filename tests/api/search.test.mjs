// The 办事指南 search that forgives, on every database in ONETRIP_DBS:
// the 100 queries of tests/data/search_queries (what citizens type, with
// the demo item each should find first) must find it first in at least
// SHARE_MIN of the cases; the share and the queries per second are
// reported. Then the total count, offsets as cursors, "您是不是要找"
// suggestions, and the synonym list the hall administrator edits (checked,
// audited, used by the next search).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { psql } from '../lib/pg.mjs';
import { DEMO } from '../lib/demo.mjs';

// Measured 98/100 on the demo catalogue (the two misses are fair answers
// to vague words: 不动产登记 -> 不动产登记资料查询, 抵押登记 -> 动产抵押登记).
const SHARE_MIN = 0.95;
const CHINESE = /[\u4e00-\u9fff]/;

const QUERIES = readFileSync(new URL('../data/search_queries', import.meta.url), 'utf8')
	.split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));

// CPU seconds the server process has used (utime + stime): the cost of
// the queries, whatever else the machine is doing.
function serverCpu(srv) {
	const f = readFileSync(`/proc/${srv.process.pid}/stat`, 'utf8').split(')').pop().trim().split(/\s+/);
	return (Number(f[11]) + Number(f[12])) / 100;
}

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

for (const db of dbKinds()) {
	describe(`guide search (${db})`, () => {
		let srv, anon, hall, window01;
		const find = async (q, extra = '') => ok(await anon.get(`/api/guide/items?q=${encodeURIComponent(q)}${extra}`));

		before(async () => {
			srv = await startServer({ db, args: ['--no-jobs'] });
			anon = new Client(srv.url);
			hall = new Client(srv.url);
			await hall.login(DEMO.hall, DEMO.password);
			window01 = new Client(srv.url);
			await window01.login(DEMO.window01, DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test(`the 100 citizens' queries find the right item first (>= ${SHARE_MIN * 100}%)`, async () => {
			assert.equal(QUERIES.length, 100);
			const missed = [];
			const t0 = process.hrtime.bigint();
			const cpu0 = serverCpu(srv);
			for (const [q, want] of QUERIES) {
				const r = await find(q, '&limit=3');
				if (!r.items.length || r.items[0].name !== want) missed.push(`${q} -> ${r.items.map((i) => i.name).join(' | ') || '(nothing)'} (want ${want})`);
			}
			const ms = Number(process.hrtime.bigint() - t0) / 1e6;
			const cpu = Math.max(serverCpu(srv) - cpu0, 0.01);
			const share = (QUERIES.length - missed.length) / QUERIES.length;
			console.log(`# search (${db}): ${QUERIES.length - missed.length}/${QUERIES.length} found first; `
				+ `${(QUERIES.length / (ms / 1000)).toFixed(0)} queries/s one at a time over HTTP, `
				+ `${(QUERIES.length / cpu).toFixed(0)} queries per second of server CPU (this binary)`);
			for (const m of missed) console.log(`#   missed: ${m}`);
			assert.ok(share >= SHARE_MIN, `share ${share}: ${missed.join('; ')}`);
		});

		test('names before material mentions, a total, offsets as cursors, filters still apply', async () => {
			const wed = await find('结婚', '&limit=50');
			assert.equal(wed.items[0].name, '内地居民结婚登记', '结婚 in the name before 结婚证 among materials');
			const lic = await find('营业执照', '&limit=20');
			assert.ok(lic.total > 20, `total ${lic.total}`);
			assert.equal(lic.items.length, 20);
			assert.equal(lic.next_cursor, '20');
			const seen = [...lic.items];
			let cursor = lic.next_cursor;
			while (cursor) {
				const p = await find('营业执照', `&limit=20&cursor=${cursor}`);
				assert.equal(p.total, lic.total);
				seen.push(...p.items);
				cursor = p.next_cursor;
			}
			assert.equal(seen.length, lic.total);
			assert.equal(new Set(seen.map((i) => i.id)).size, seen.length, 'no item twice');
			for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].score >= seen[i].score, 'ranked');
			// Filters narrow the ranked search.
			const person = await find('营业执照', '&object=person&limit=200');
			const ent = await find('营业执照', '&object=enterprise&limit=200');
			assert.ok(person.total < lic.total || ent.total < lic.total);
			// Typos and initials.
			assert.equal((await find('营业执招')).items[0].name, '个体工商户设立登记');
			assert.equal((await find('yyzz')).items[0].name, '个体工商户设立登记');
			assert.equal((await find('YYZZ')).items[0].name, '个体工商户设立登记');
			// Bad input: a clear error.
			assertError(await anon.get(`/api/guide/items?q=${'长'.repeat(101)}`), 400, 'bad_query');
		});

		test('您是不是要找: suggestions when nothing matches', async () => {
			const r = await find('道路客运许可证');
			assert.equal(r.total, 0);
			assert.deepEqual(r.items, []);
			assert.ok(r.suggestions.some((s) => s.name === '道路旅客运输经营许可'), JSON.stringify(r.suggestions));
			const none = await find('不存在的事项名称甲乙丙');
			assert.equal(none.total, 0);
			assert.ok(Array.isArray(none.suggestions));
		});

		test('the hall administrator edits the synonyms; the next search uses them; audited', async () => {
			const list = ok(await hall.get('/api/search-synonyms'));
			assert.ok(list.items.some((s) => s.term === '开饭店' && s.words === '食品经营许可'));
			assert.equal((await window01.get('/api/search-synonyms')).status, 403);
			assert.equal((await anon.get('/api/search-synonyms')).status, 401);
			assert.equal((await window01.post('/api/search-synonyms', { term: '摆摊', words: '临时设摊经营审批' })).status, 403);

			assert.equal((await find('摆摊')).total, 0);
			const audits = Number(await sql(srv, db, "SELECT count(*) FROM audit_log WHERE action LIKE 'catalog.synonym_%'"));
			const made = ok(await hall.post('/api/search-synonyms', { term: '摆摊', words: '临时设摊经营审批、食品小作坊登记' }), 201);
			assert.equal(made.words, '临时设摊经营审批 食品小作坊登记', 'separators normalised');
			const found = await find('摆摊');
			assert.equal(found.items[0].name, '临时设摊经营审批', 'the first word first');
			assert.ok(found.items.some((i) => i.name === '食品小作坊登记'));
			// Same term again: its words are replaced.
			ok(await hall.post('/api/search-synonyms', { term: '摆摊', words: '临时设摊经营审批' }), 200);
			assert.ok(!(await find('摆摊')).items.some((i) => i.name === '食品小作坊登记'));
			// Bad input: nothing stored.
			const count = Number(await sql(srv, db, 'SELECT count(*) FROM search_synonyms'));
			assertError(await hall.post('/api/search-synonyms', { term: '', words: '社保' }), 400, 'bad_term');
			assertError(await hall.post('/api/search-synonyms', { term: '两 个', words: '社保' }), 400, 'bad_term');
			assertError(await hall.post('/api/search-synonyms', { term: '摆地摊', words: '  ' }), 400, 'bad_words');
			assertError(await hall.post('/api/search-synonyms', { term: '摆地摊', words: '摆地摊' }), 400, 'bad_words');
			assertError(await hall.post('/api/search-synonyms', { term: '长'.repeat(21), words: '社保' }), 400, 'bad_term');
			assertError(await hall.post('/api/search-synonyms', { term: '摆地摊' }), 400);
			assert.equal(Number(await sql(srv, db, 'SELECT count(*) FROM search_synonyms')), count);
			// Delete.
			ok(await hall.del(`/api/search-synonyms/${made.id}`));
			assertError(await hall.del(`/api/search-synonyms/${made.id}`), 404, 'synonym_not_found');
			assert.equal((await find('摆摊')).total, 0);
			assert.equal(Number(await sql(srv, db, "SELECT count(*) FROM audit_log WHERE action LIKE 'catalog.synonym_%'")), audits + 3);
		});
	});
}
