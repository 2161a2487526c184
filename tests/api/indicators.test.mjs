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
