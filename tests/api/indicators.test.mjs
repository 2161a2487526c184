// The five reform indicators over the published catalogue, and the items
// behind each figure, on every database in ONETRIP_DBS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const KEYS = ['time_reduction', 'max_one_trip', 'instant', 'online', 'full_online'];
const TARGETS = { time_reduction: 70, max_one_trip: 95, instant: 50, online: 90, full_online: 70 };

for (const db of dbKinds()) {
	describe(`reform indicators (${db})`, () => {
		let srv;
		let ducha;

		before(async () => {
			srv = await startServer({ db });
			ducha = new Client(srv.url);
			await ducha.login(DEMO.ducha, DEMO.password);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('the demo catalogue meets some targets and misses others', async () => {
			const r = await ducha.get('/api/indicators');
			assert.equal(r.status, 200, r.text);
			const byKey = Object.fromEntries(r.json.overall.indicators.map((i) => [i.key, i]));
			assert.deepEqual(Object.keys(byKey).sort(), [...KEYS].sort());
			for (const k of KEYS) {
				assert.equal(byKey[k].target, TARGETS[k]);
				assert.equal(byKey[k].met, byKey[k].percent >= TARGETS[k]);
			}
			// What the seed notice's targets look like against a real catalogue.
			assert.equal(byKey.time_reduction.met, true);
			assert.equal(byKey.online.met, true);
			assert.equal(byKey.max_one_trip.met, false);
			assert.equal(byKey.instant.met, false);
			assert.equal(byKey.full_online.met, false);
			assert.ok(r.json.departments.length >= 20);
		});

		test('a figure opens onto the items behind it', async () => {
			const all = (await ducha.get('/api/indicators')).json.overall.indicators;
			const trips = all.find((i) => i.key === 'max_one_trip');
			const missing = await ducha.get('/api/items?indicator=max_one_trip&met=0');
			assert.equal(missing.status, 200, missing.text);
			assert.equal(missing.json.items.length, trips.denominator - trips.numerator);
			for (const it of missing.json.items) assert.ok(it.visits > 1, JSON.stringify(it));
			const meeting = await ducha.get('/api/items?indicator=max_one_trip&met=1');
			assert.equal(meeting.json.items.length, trips.numerator);
			const instant = await ducha.get('/api/items?indicator=instant&met=1');
			for (const it of instant.json.items) assert.equal(it.case_kind, 1);
		});

		test('bad input and who may look', async () => {
			assert.equal((await ducha.get('/api/items?indicator=nonsense')).status, 400);
			assert.equal((await ducha.get('/api/items?indicator=instant&met=2')).status, 400);
			assert.equal((await ducha.get('/api/indicators?formula=median')).status, 400);
			const sum = await ducha.get('/api/indicators?formula=sum');
			assert.equal(sum.json.formula, 'sum');
			const anon = new Client(srv.url);
			assert.equal((await anon.get('/api/indicators')).status, 401);
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			assert.equal((await person.get('/api/indicators')).status, 403);
		});
	});
}

for (const db of dbKinds()) {
	describe(`indicators over time, cases and gaps (${db})`, () => {
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

		test('as of a date before anything was published the catalogue is empty', async () => {
			const past = await ducha.get('/api/indicators?as_of=2000-01-01');
			assert.equal(past.status, 200, past.text);
			assert.equal(past.json.as_of, '2000-01-01');
			assert.equal(past.json.overall.items_in_scope, 0);
			const now = await ducha.get('/api/indicators');
			assert.ok(now.json.overall.items_in_scope > 100);
			assert.equal(now.json.scope_types, '01,05,07-29');
			const bad = await ducha.get('/api/indicators?as_of=2024-13-01');
			assert.equal(bad.status, 400);
			assert.match(bad.json.error.message ?? bad.text, /日期/);
		});

		test('the trend starts at the notice and ends today', async () => {
			const r = await ducha.get('/api/indicators/trend');
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.points[0].day, '2024-03-22');
			assert.ok(r.json.points.length >= 2);
			const last = r.json.points.at(-1);
			const now = (await ducha.get('/api/indicators')).json.overall.indicators;
			for (const i of now) assert.equal(last.indicators[i.key], i.percent);
			assert.equal(r.json.targets.max_one_trip, 95);
			assert.equal((await ducha.get('/api/indicators/trend?from=2025-01-01&to=2024-01-01')).status, 400);
		});

		test('the gap planner closes each missed target; a department sees its part', async () => {
			const r = await ducha.get('/api/indicators/gap');
			assert.equal(r.status, 200, r.text);
			const byKey = Object.fromEntries(r.json.indicators.map((i) => [i.key, i]));
			for (const k of ['max_one_trip', 'instant', 'full_online']) {
				assert.equal(byKey[k].met, false);
				assert.ok(byKey[k].changes.length >= byKey[k].needed, k);
				for (const c of byKey[k].changes) assert.ok(c.dept_name && c.change && c.item_id);
			}
			assert.equal(byKey.online.changes.length, 0);
			const own = await zj.get('/api/indicators/gap');
			assert.equal(own.status, 200, own.text);
			assert.ok(own.json.dept_id > 0);
			for (const i of own.json.indicators)
				for (const c of i.changes) assert.equal(c.dept_id, own.json.dept_id);
			assert.equal((await zj.get('/api/indicators/gap?dept_id=1')).status === 403 || own.json.dept_id === 1, true);
		});

		test('case-based counterparts answer for a period', async () => {
			const r = await ducha.get('/api/indicators/cases?from=2024-03-22');
			assert.equal(r.status, 200, r.text);
			assert.deepEqual(r.json.shares.map((s) => s.key),
				['le_one_trip', 'same_day', 'online', 'zero_trip', 'time_saved', 'on_time']);
			const v = await ducha.get('/api/indicators/volume');
			assert.equal(v.status, 200, v.text);
			assert.equal(typeof v.json.open, 'number');
			const d = await ducha.get('/api/indicators/discrepancies');
			assert.equal(d.status, 200, d.text);
			assert.ok(Array.isArray(d.json.items));
			assert.equal((await ducha.get('/api/indicators/cases?from=2024-02-30')).status, 400);
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			assert.equal((await person.get('/api/indicators/cases')).status, 403);
		});

		test('the demo\'s closed history is in the tallies; the board\'s numbers are the lists behind them', async () => {
			// The demo's 240 rated cases were stored closed: the tallies count them.
			const c = await ducha.get('/api/indicators/cases?from=2024-03-22');
			assert.ok(c.json.closed >= 240, `closed ${c.json.closed}`);
			const v = await ducha.get('/api/indicators/volume?from=2024-03-22');
			assert.equal(v.json.months.reduce((n, m) => n + m.closed, 0), c.json.closed);

			const all = async (client, path) => {
				const out = [];
				let cursor = '';
				for (let i = 0; i < 20; i++) {
					const r = await client.get(`${path}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
					assert.equal(r.status, 200, `${path}: ${r.text}`);
					out.push(...r.json.items);
					if (!r.json.next_cursor) return out;
					cursor = r.json.next_cursor;
				}
				throw new Error('too many pages');
			};
			const check = async (client, from, to) => {
				const r = await client.get(`/api/indicators/board?from=${from}&to=${to}`);
				assert.equal(r.status, 200, r.text);
				const b = r.json;
				assert.match(b.today, /^\d{4}-\d{2}-\d{2}$/);
				const g = `from=${from}&to=${to}${b.dept_id ? `&dept_id=${b.dept_id}` : ''}`;
				const d = b.dept_id ? `&dept_id=${b.dept_id}` : '';
				const rated = await all(client, `/api/ratings?counted=1&${g}`);
				assert.equal(rated.length, b.ratings.count);
				assert.equal(rated.filter((x) => x.level >= 3).length, b.ratings.satisfied);
				assert.equal((await all(client, `/api/ratings?bad=1&counted=1&${g}`)).length, b.ratings.bad);
				assert.equal((await all(client, `/api/rating-loops?open=1${d}`)).length, b.loops.open);
				assert.equal((await all(client, `/api/rating-loops?past_due=1${d}`)).length, b.loops.overdue);
				assert.equal((await all(client, `/api/supervise/tickets?status=open${d}`)).length, b.tickets.open);
				assert.equal((await all(client, `/api/supervise/tickets?status=open&overdue=1${d}`)).length, b.tickets.overdue);
				assert.equal((await client.get(`/api/supervise/notices?open=1${d}`)).json.items.length, b.notices.open);
				assert.equal((await client.get(`/api/supervise/notices?overdue=1${d}`)).json.items.length, b.notices.overdue);
				return b;
			};
			const b = await check(ducha, '2024-03-22', '2099-12-31');
			assert.equal(b.dept_id, 0);
			assert.ok(b.ratings.count > 200 && b.ratings.bad > 0 && b.tickets.open > 0);
			assert.ok(b.ratings.satisfied_percent > 0 && b.ratings.satisfied_percent <= 100);
			const month = b.today.slice(0, 7);
			await check(ducha, `${month}-01`, b.today);
			// A department's admin sees its own department's numbers only.
			const z = await check(zj, '2024-03-22', '2099-12-31');
			assert.ok(z.dept_id > 0);
			assert.ok(z.ratings.count < b.ratings.count);
			const other = (await ducha.get('/api/departments')).json.items.find((x) => x.id !== z.dept_id);
			assert.equal((await zj.get(`/api/indicators/board?dept_id=${other.id}`)).status, 403);
			const bad = await ducha.get('/api/indicators/board?from=2024-02-30');
			assert.equal(bad.status, 400);
			assert.match(bad.json.error.message, /日期/);
			assert.equal((await ducha.get('/api/indicators/board?from=2024-05-01&to=2024-04-01')).status, 400);
			const person = new Client(srv.url);
			await person.login(DEMO.person, DEMO.password);
			assert.equal((await person.get('/api/indicators/board')).status, 403);
		});
	});
}
