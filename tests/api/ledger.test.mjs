// The quarterly work ledger: drafted from the tasks, edited and submitted by
// the department (late after the 23rd), accepted or returned by the hall.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

for (const db of dbKinds()) {
	describe(`quarterly ledger (${db})`, () => {
		let srv;
		let hall;
		let zj;
		let scjg;

		before(async () => {
			srv = await startServer({ db });
			hall = new Client(srv.url);
			await hall.login(DEMO.hall ?? 'hall', DEMO.password);
			zj = new Client(srv.url);
			await zj.login('zj_admin', DEMO.password);
			scjg = new Client(srv.url);
			await scjg.login('scjg_admin', DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('draft, edit, submit late, return, resubmit, accept', async () => {
			const r = await zj.post('/api/ledgers', { year: 2024, quarter: 2 });
			assert.equal(r.status, 200, r.text);
			const l = r.json;
			assert.equal(l.due_day, '2024-06-23');
			assert.equal(l.status, 'draft');
			assert.ok(l.rows.length >= 3);
			assert.deepEqual([...new Set(l.rows.map((x) => x.area))].sort(), [1, 2, 3]);
			// Opening again returns the same ledger.
			assert.equal((await zj.post('/api/ledgers', { year: 2024, quarter: 2 })).json.id, l.id);
			assert.equal((await zj.post('/api/ledgers', { year: 2024, quarter: 5 })).status, 400);
			// Another department may neither read nor edit it.
			assert.equal((await scjg.get(`/api/ledgers/${l.id}`)).status, 403);
			assert.equal((await scjg.put(`/api/ledgers/${l.id}`, { rows: [] })).status, 403);
			const seq = l.rows[0].seq;
			const bad = await zj.put(`/api/ledgers/${l.id}`, { rows: [{ seq, plan: 1, progress: '', remarks: '' }] });
			assert.equal(bad.status, 400);
			const ed = await zj.put(`/api/ledgers/${l.id}`,
				{ rows: [{ seq, plan: '完成联合验收', progress: '已印发实施办法', remarks: '无' }] });
			assert.equal(ed.status, 200, ed.text);
			assert.equal(ed.json.rows.find((x) => x.seq === seq).progress, '已印发实施办法');
			const sub = await zj.post(`/api/ledgers/${l.id}/submit`, {});
			assert.equal(sub.status, 200, sub.text);
			assert.equal(sub.json.status, 'submitted');
			assert.equal(sub.json.late, true); // today is after 2024-06-23
			assert.equal((await zj.put(`/api/ledgers/${l.id}`, { rows: [] })).status, 409);
			assert.equal((await zj.post(`/api/ledgers/${l.id}/review`, { accept: true })).status, 403);
			assert.equal((await hall.post(`/api/ledgers/${l.id}/review`, { accept: false })).status, 400);
			const ret = await hall.post(`/api/ledgers/${l.id}/review`, { accept: false, note: '请补充佐证' });
			assert.equal(ret.json.status, 'returned');
			await zj.post(`/api/ledgers/${l.id}/submit`, {});
			const acc = await hall.post(`/api/ledgers/${l.id}/review`, { accept: true });
			assert.equal(acc.status, 200, acc.text);
			assert.equal(acc.json.status, 'accepted');
			assert.equal((await hall.get(`/api/ledgers/${l.id}`)).json.rows.find((x) => x.seq === seq).plan, '完成联合验收');
		});

		test("a draft starts from the department's five indicators", async () => {
			// The quarter under way: the figures as of today, with their
			// targets, on the first row (area 1); the county's own figures
			// for the department agree with them.
			const now = new Date(Date.now() + 8 * 3600e3);
			const today = now.toISOString().slice(0, 10);
			const year = now.getUTCFullYear();
			const quarter = Math.floor(now.getUTCMonth() / 3) + 1;
			const l = await scjg.post('/api/ledgers', { year, quarter });
			assert.equal(l.status, 200, l.text);
			const first = l.json.rows[0];
			assert.equal(first.area, 1);
			const m = first.remarks.match(new RegExp(`^本部门五项指标（截至 ${today}）：减时间比例 ([\\d.]+)%（目标 70%，(达标|未达标)）`));
			assert.ok(m, first.remarks);
			const ind = (await hall.get('/api/indicators')).json;
			const mine = ind.departments.find((d) => d.dept_id === l.json.dept_id);
			const t = mine.indicators.find((x) => x.key === 'time_reduction');
			assert.equal(Number(m[1]), Math.round(t.percent * 10) / 10);
			assert.equal(m[2], t.met ? '达标' : '未达标');
			assert.equal((first.remarks.match(/目标/g) || []).length, 5);
			assert.ok(l.json.rows.slice(1).every((r) => !r.remarks.includes('五项指标')));
		});

		test('due dates across the quarters, with the working day to submit by', async () => {
			// The 23rd of each quarter's last month; when it is a weekend or a
			// holiday the last working day before it is the one to submit by:
			// 2025-03-23 and 2024-06-23 are Sundays, 2024-03-23 a Saturday.
			const want = {
				'2025-1': ['2025-03-23', '2025-03-21'], '2025-2': ['2025-06-23', '2025-06-23'],
				'2025-3': ['2025-09-23', '2025-09-23'], '2025-4': ['2025-12-23', '2025-12-23'],
				'2024-1': ['2024-03-23', '2024-03-22'], '2024-2': ['2024-06-23', '2024-06-21'],
			};
			for (const [k, [due, by]] of Object.entries(want)) {
				const [year, quarter] = k.split('-').map(Number);
				const r = await scjg.post('/api/ledgers', { year, quarter });
				assert.equal(r.status, 200, r.text);
				assert.equal(r.json.due_day, due, k);
				assert.equal(r.json.submit_by, by, k);
				const roll = await hall.get(`/api/ledgers?year=${year}&quarter=${quarter}`);
				assert.equal(roll.status, 200, roll.text);
				assert.equal(roll.json.submit_by, by, k);
			}
			// The county declares Tuesday 2025-09-23 a day off: the ledger of
			// the third quarter is then to be submitted by Monday 09-22.
			const off = await hall.put('/api/calendar/2025-09-23', { kind: 'off', name: '调休' });
			assert.equal(off.status, 200, off.text);
			const q3 = await scjg.post('/api/ledgers', { year: 2025, quarter: 3 });
			assert.equal(q3.json.due_day, '2025-09-23');
			assert.equal(q3.json.submit_by, '2025-09-22');
			const back = await hall.put('/api/calendar/2025-09-23', { kind: 'normal', name: '' });
			assert.equal(back.status, 200, back.text);
		});
	});
}
