// The calendar's edge: a deadline running into a year whose holidays are not
// loaded is provisional (due_provisional, 暂按周末计算); from November the
// sweeper reminds the hall admins to load next year (in-app, at most weekly,
// until loaded); loading the year (POST /api/calendar/years/:year or
// `onetrip calendar load`) recomputes the open deadlines. Bad input: a clear
// Chinese error, the right status, nothing stored changes.
//
// The server runs with --now 2026-12-29 (a Tuesday) and --no-jobs; the
// sweeper runs through `onetrip jobs run-once`. A 3-working-day case
// accepted that day is due 2027-01-01 by plain weekends, 2027-01-04 once
// 元旦 2027 is loaded.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-12-29T09:00:00+08:00';
const Y2027 = '# 2027 年（测试用）\n2027-01-01 off 元旦\n2027-01-02 off 元旦\n2027-01-03 off 元旦\n';
const Y2028 = '2028-01-01 off 元旦\n';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

for (const db of dbKinds()) {
	describe(`calendar edge (${db})`, () => {
		let srv, person, hall, clerk, caseId, tmp;

		before(async () => {
			tmp = mkdtempSync(path.join(tmpdir(), 'onetrip-caledge-'));
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			const mk = async (who) => { const c = new Client(srv.url); await c.login(who, DEMO.password); return c; };
			person = await mk(DEMO.person);
			hall = await mk(DEMO.hall);
			clerk = await mk(DEMO.zj_clerk);
			let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
			const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
			const materials = [];
			for (let i = 0; i < 5; i++) {
				const body = new TextEncoder().encode(`%PDF-1.4\n% c${i} ${Math.random()}\n%%EOF\n`);
				const u = await person.post(`/api/uploads?name=c${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
				materials.push({ index: i, sha256: u.json.sha256 });
			}
			r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 9 号楼' }, materials });
			assert.equal(r.status, 201, r.text);
			caseId = r.json.id;
			// Not accepted yet: nothing to mark.
			assert.equal(r.json.due_provisional, false);
			assert.deepEqual(r.json.due_provisional_years, []);
			r = await clerk.post(`/api/cases/${caseId}/accept`, { mode: 'normal', version: r.json.version });
			assert.equal(r.status, 200, r.text);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
			if (tmp) rmSync(tmp, { recursive: true, force: true });
		});

		test('a deadline into 2027 is provisional; the hall is reminded weekly', async () => {
			for (const who of [person, clerk]) {
				const r = await who.get(`/api/cases/${caseId}`);
				assert.equal(r.status, 200, r.text);
				assert.equal(r.json.accepted_day, '2026-12-29');
				assert.equal(r.json.due_day, '2027-01-01');
				assert.equal(r.json.due_provisional, true);
				assert.deepEqual(r.json.due_provisional_years, [2027]);
			}
			let r = await hall.get('/api/calendar?year=2027');
			assert.equal(r.json.has_data, false);
			assert.equal(r.json.remind_year, 2027);

			const reminders = async () => (await hall.get('/api/notifications?limit=100')).json.items
				.filter((n) => n.kind === 'calendar_year');
			assert.equal((await reminders()).length, 0);
			r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', NOW]);
			assert.equal(r.code, 0, r.err);
			let got = await reminders();
			assert.equal(got.length, 1);
			assert.equal(got[0].title, '请载入 2027 年节假日安排');
			assert.match(got[0].body, /暂按周末计算/);
			// Once a week, not at every pass.
			r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', '2026-12-31T09:00:00+08:00']);
			assert.equal(r.code, 0, r.err);
			assert.equal((await reminders()).length, 1);
			// Nobody else is reminded.
			assert.equal((await person.get('/api/notifications?limit=100')).json.items
				.filter((n) => n.kind === 'calendar_year').length, 0);
		});

		test('loading a year: bad input changes nothing', async () => {
			const before = (await hall.get('/api/calendar?year=2027')).json;
			const cases = [
				[person, '/api/calendar/years/2027', { text: Y2027 }, 403, null],
				[clerk, '/api/calendar/years/2027', { text: Y2027 }, 403, null],
				[hall, '/api/calendar/years/27', { text: Y2027 }, 400, 'year'],
				[hall, '/api/calendar/years/2027', {}, 400, 'text'],
				[hall, '/api/calendar/years/2027', { text: 7 }, 400, 'text'],
				[hall, '/api/calendar/years/2027', { text: Y2027 + '2028-01-01 off 元旦\n' }, 400, 'text'],
				[hall, '/api/calendar/years/2027', { text: '2027-01-01 off 元旦\n2027-13-01 off 错\n' }, 400, 'text'],
				[hall, '/api/calendar/years/2027', { text: '2027-02-20 work 春节调休\n' }, 400, 'text'],
			];
			for (const [who, url, body, status, field] of cases) {
				const r = await who.post(url, body);
				assertError(r, status, field);
			}
			let r = await hall.post('/api/calendar/years/2027', { text: '2027-01-01 off 元旦\n2027-13-01 off 错\n' });
			assert.match(r.json.error.message, /第 2 行/);
			const after = (await hall.get('/api/calendar?year=2027')).json;
			assert.equal(after.has_data, false);
			assert.equal(after.version, before.version);
			r = await person.get(`/api/cases/${caseId}`);
			assert.equal(r.json.due_day, '2027-01-01');
			assert.equal(r.json.due_provisional, true);
		});

		test('a hand edit of a day in 2027 does not make the year loaded', async () => {
			let r = await hall.put('/api/calendar/2027-01-08', { kind: 'off', name: '临时调整' });
			assert.equal(r.status, 200, r.text);
			r = await hall.get('/api/calendar?year=2027');
			assert.equal(r.json.has_data, false);
			assert.equal(r.json.remind_year, 2027);
			r = await person.get(`/api/cases/${caseId}`);
			assert.equal(r.json.due_provisional, true);
			assert.deepEqual(r.json.due_provisional_years, [2027]);
			r = await hall.put('/api/calendar/2027-01-08', { kind: 'normal', name: '' });
			assert.equal(r.status, 200, r.text);
		});

		test('loading 2027 recomputes the open deadline; the CLI loads 2028', async () => {
			let r = await hall.post('/api/calendar/years/2027', { text: Y2027 });
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.year, 2027);
			assert.equal(r.json.days, 3);
			assert.ok(r.json.recomputed >= 1, r.text);
			r = await person.get(`/api/cases/${caseId}`);
			assert.equal(r.json.due_day, '2027-01-04');
			assert.equal(r.json.due_provisional, false);
			assert.deepEqual(r.json.due_provisional_years, []);
			r = await hall.get('/api/calendar?year=2027');
			assert.equal(r.json.has_data, true);
			assert.equal(r.json.remind_year, null);
			assert.ok(r.json.overrides.some((o) => o.day === '2027-01-01' && o.kind === 'off'));

			const file = path.join(tmp, '2028.txt');
			writeFileSync(file, Y2028);
			r = await cli(['calendar', 'load', '2028', file, '--db', srv.dbUrl]);
			assert.equal(r.code, 0, r.err);
			assert.match(r.out, /已载入 2028 年节假日安排 1 天/);
			r = await cli(['calendar', 'load', '2029', file, '--db', srv.dbUrl]);
			assert.notEqual(r.code, 0);
			assert.match(r.err, /不在 2029 年内/);
			// The server sees another process's load when it next checks the
			// calendar's version (at most once a second).
			for (let i = 0; i < 50; i++) {
				r = await hall.get('/api/calendar?year=2028');
				if (r.json.has_data) break;
				await new Promise((res) => setTimeout(res, 100));
			}
			assert.equal(r.json.has_data, true);
		});
	});
}
