// The reform tasks of 白政办发〔2024〕1号: seeded from the notice, progress
// entries by the departments, overdue flags, the supervisor's view.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

for (const db of dbKinds()) {
	describe(`reform tasks (${db})`, () => {
		let srv;
		let ducha;
		let zj;

		before(async () => {
			srv = await startServer({ db });
			ducha = new Client(srv.url);
			await ducha.login(DEMO.ducha, DEMO.password);
			zj = new Client(srv.url);
			await zj.login('zj_admin', DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('the nine measures of the notice, with units, terms and overdue flags', async () => {
			const r = await ducha.get('/api/tasks');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.tasks.length, 9);
			const t21 = r.json.tasks.find((t) => t.code === '2.1');
			assert.equal(t21.term, 'june');
			assert.equal(t21.due_day, '2024-06-30');
			assert.equal(t21.area_label, '推进协同优流程');
			assert.ok(t21.units.some((u) => u.name === '县发改局' && u.lead));
			// The demo runs after 2024: open tasks with a term are overdue.
			assert.equal(t21.overdue, true);
			const t23 = r.json.tasks.find((t) => t.code === '2.3');
			assert.equal(t23.term, 'ongoing');
			assert.equal(t23.overdue, false);
			assert.equal(Object.keys(r.json.by_area).length, 3);
			assert.ok(r.json.by_unit['县住建局'].tasks >= 1);
		});

		test('a department records progress; only a lead unit closes a task', async () => {
			const tasks = (await zj.get('/api/tasks')).json.tasks;
			const t22 = tasks.find((t) => t.code === '2.2'); // 县住建局 leads
			const bad = await zj.post(`/api/tasks/${t22.id}/progress`, { note: '' });
			assert.equal(bad.status, 400);
			const ok = await zj.post(`/api/tasks/${t22.id}/progress`,
				{ note: '联合验收机制已印发', evidence: '白住建发〔2024〕12号', done: true });
			assert.equal(ok.status, 201, ok.text);
			const after = (await ducha.get('/api/tasks')).json.tasks.find((t) => t.code === '2.2');
			assert.equal(after.status, 'done');
			assert.equal(after.overdue, false);
			assert.equal(after.last_progress, '联合验收机制已印发');
			const t13 = tasks.find((t) => t.code === '1.3'); // 县住建局 participates
			const notLead = await zj.post(`/api/tasks/${t13.id}/progress`, { note: '已梳理', done: true });
			assert.equal(notLead.status, 400);
			assert.equal((await zj.post('/api/tasks/9999/progress', { note: 'x' })).status, 404);
			assert.equal((await ducha.post(`/api/tasks/${t13.id}/progress`, { note: 'x' })).status, 403);
		});
	});
}
