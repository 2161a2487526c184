// 好差评 over HTTP on every database in ONETRIP_DBS: rating a case (only the
// applicant, only a step reached, a first rating and one follow-up), the
// window QR token, the bad-rating loop (核实 → 整改 → 反馈 → 回访 → 监督 with
// send-back), an accepted and a refused 误评 claim through the request queue,
// an approved extension, an overdue rectification flagged by the sweeper,
// the figures with their click-through, and the uploads in the outbox.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { startServer, dbKinds, Client, rawRequest, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-09-29T09:00:00+08:00'; // a Tuesday

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

function assertError(r, status, code) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, `error body expected: ${r.text}`);
	if (code) assert.equal(r.json.error.code, code, r.text);
	assert.match(r.json.error.message, CHINESE);
}

// The texts of every QR code on a page image (a PGM from pdftoppm -gray):
// read one, paint it white, read again.
function qrCodes(pgm) {
	const head = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
	assert.ok(head, 'a PGM image');
	const [w, h] = [+head[1], +head[2]];
	const gray = pgm.subarray(head[0].length);
	const rgba = new Uint8ClampedArray(w * h * 4);
	for (let i = 0; i < w * h; i++) {
		rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = gray[i];
		rgba[i * 4 + 3] = 255;
	}
	const found = [];
	for (let n = 0; n < 4; n++) {
		const code = jsQR(rgba, w, h);
		if (!code) break;
		found.push(code.data);
		const xs = ['topLeftCorner', 'topRightCorner', 'bottomLeftCorner', 'bottomRightCorner'].map((k) => code.location[k]);
		const x0 = Math.max(0, Math.floor(Math.min(...xs.map((p) => p.x))) - 12);
		const x1 = Math.min(w, Math.ceil(Math.max(...xs.map((p) => p.x))) + 12);
		const y0 = Math.max(0, Math.floor(Math.min(...xs.map((p) => p.y))) - 12);
		const y1 = Math.min(h, Math.ceil(Math.max(...xs.map((p) => p.y))) + 12);
		for (let y = y0; y < y1; y++)
			for (let x = x0; x < x1; x++) rgba.fill(255, (y * w + x) * 4, (y * w + x) * 4 + 3);
	}
	return found;
}

function tool(cmd, args) {
	return new Promise((resolve, reject) => execFile(cmd, args, { encoding: 'utf8', timeout: 60000 },
		(err, out) => (err ? reject(err) : resolve(out))));
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

let uploadSeq = 0;
async function upload(c) {
	uploadSeq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% r ${uploadSeq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post('/api/uploads?name=m.pdf', body, { headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

async function findItem(c, name) {
	const r = await c.get(`/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
	const it = r.json.items.find((i) => i.name === name);
	assert.ok(it, `item ${name}`);
	return it;
}

// A walk-in case at the 市场监管 window; instant: accepted, approved and
// delivered at once (done), else only accepted.
async function walkin(clerk, item, applicant, instant) {
	const g = ok(await clerk.get(`/api/guide/items/${item.id}`));
	const n = (g.elements && g.elements.materials ? g.elements.materials.length : 3);
	const materials = [];
	for (let i = 0; i < n; i++) materials.push({ index: i, sha256: await upload(clerk) });
	let cs = ok(await clerk.post('/api/cases/walkin', { item_id: item.id, applicant, materials }), 201);
	const body = instant ? { mode: 'normal', approve: true, deliver_method: 'window', version: cs.version }
		: { mode: 'normal', version: cs.version };
	cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, body));
	return cs;
}

for (const db of dbKinds()) {
	describe(`ratings (${db})`, () => {
		let srv, person, person2, clerk, scjg, zj, hall, ducha;
		let done1, accepted2, done3;

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			[person, person2, clerk, scjg, zj, hall, ducha] = await Promise.all([
				DEMO.person, DEMO.person2, DEMO.scjg_clerk, DEMO.scjg_admin, DEMO.zj_admin,
				DEMO.hall, DEMO.ducha].map((l) => as(srv.url, l)));
			const instant = await findItem(clerk, '个体工商户设立登记');
			const food = await findItem(clerk, '食品小作坊登记');
			const zhang = { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' };
			const li = { kind: 'person', idno: DEMO.person2, name: '李华', mobile: '13991500002' };
			done1 = await walkin(clerk, instant, zhang, true);
			assert.equal(done1.state, 'done');
			accepted2 = await walkin(clerk, food, zhang, false);
			assert.equal(accepted2.state, 'accepted');
			done3 = await walkin(clerk, instant, li, true);
		});
		after(async () => {
			if (srv && process.env.SHOWLOG) process.stderr.write(srv.logTail(400));
			if (srv) assert.equal(await srv.stop(), 0);
		});

		async function loopOf(ratingId, who = scjg) {
			const r = ok(await who.get('/api/rating-loops?limit=200'));
			const l = r.items.find((x) => x.rating_id === ratingId);
			assert.ok(l, `loop of rating ${ratingId}`);
			return l;
		}
		async function act(who, loopId, action, body = {}) {
			return who.post(`/api/rating-loops/${loopId}/${action}`, body);
		}

		test('options: levels, dimension codes and GB/T 39046 channels', async () => {
			const o = ok(await rawRequest(`${srv.url}/api/ratings/options`));
			assert.deepEqual(o.levels.map((l) => l.label), ['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
			assert.deepEqual(o.levels.filter((l) => l.bad).map((l) => l.level), [2, 1]);
			assert.ok(o.dims.some((d) => d.code === '501' && d.label === '办事效率' && d.online));
			assert.ok(o.dims.some((d) => d.code === '512' && d.label === '服务态度' && !d.online));
			assert.deepEqual(o.channels.slice(0, 7).map((c) => c.code), ['1', '2', '3', '4', '5', '6', '7']);
			assert.equal(o.channels[2].label, '二维码');
		});

		test('who and when: only the applicant, only a step reached, first + one follow-up', async () => {
			// Someone else's case: not revealed; staff may not rate at all.
			assertError(await person2.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '1' }), 404);
			assert.equal((await clerk.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '1' })).status, 403);
			// The result of a case still in process cannot be rated yet.
			assertError(await person.post(`/api/cases/${accepted2.id}/ratings`, { step: 'result', level: 5, channel: '2' }), 409, 'step_not_reached');
			// Bad input changes nothing.
			assertError(await person.post(`/api/cases/${done1.id}/ratings`, { level: 9, channel: '1' }), 400);
			assertError(await person.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '9' }), 400);
			assertError(await person.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '1', dims: ['999'] }), 400);
			assertError(await person.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '1', step: 'later' }), 400);
			let st = ok(await person.get(`/api/cases/${done1.id}/rating`));
			assert.equal(st.ratings.length, 0);
			assert.equal(st.can_rate, true);
			assert.equal(st.step, 'result');

			// The acceptance at the window may be rated once the case is accepted.
			const a = ok(await person.post(`/api/cases/${accepted2.id}/ratings`, { step: 'accept', level: 4, channel: '4', dims: ['510', '512'] }), 201);
			assert.equal(a.step, 'accept');
			assert.equal(a.assess_number, 1);
			assert.equal(a.loop, null);

			const first = ok(await person.post(`/api/cases/${done1.id}/ratings`, { level: 5, channel: '2', dims: ['501'], text: '很快' }), 201);
			assert.equal(first.level_label, '非常满意');
			assert.equal(first.assess_number, 1);
			assert.deepEqual(first.dims, [{ code: '501', label: '办事效率' }]);
			const follow = ok(await person.post(`/api/cases/${done1.id}/ratings`, { level: 1, channel: '1', dims: ['502', '503'], text: '指南写错了，多跑一趟', anonymous: true }), 201);
			assert.equal(follow.assess_number, 2);
			assert.equal(follow.bad, true);
			assert.equal(follow.loop.stage, 'verify');
			assertError(await person.post(`/api/cases/${done1.id}/ratings`, { level: 3, channel: '1' }), 409, 'rating_limit');
			st = ok(await person.get(`/api/cases/${done1.id}/rating`));
			assert.equal(st.ratings.length, 2);
			assert.equal(st.can_rate, false);

			// Every rating and the loop's first step wait in the outbox for the province.
			const ob = ok(await hall.get('/api/outbox?kind=upload'));
			assert.ok(ob.items.length >= 4, JSON.stringify(ob));
			assert.ok(ob.items.every((m) => m.idem_key.startsWith('610929-rating')));
			assertError(await clerk.get('/api/outbox'), 403);
			// The department sees the anonymous rating without the rater's name.
			const list = ok(await scjg.get('/api/ratings?bad=1'));
			const mine = list.items.find((x) => x.id === follow.id);
			assert.equal(mine.rater_name, '匿名');
			assertError(await zj.get(`/api/ratings?dept_id=${mine.dept_id}`), 403);
		});

		test('window QR: a signed token bound to the case opens a rating without a password', async () => {
			assertError(await person.get(`/api/cases/${done3.id}/rating-qr`), 403);
			const qr = ok(await clerk.get(`/api/cases/${done3.id}/rating-qr`));
			assert.match(qr.token, /^\d+-\d+-[0-9a-f]{32}$/);
			assert.match(qr.url, /\/rate\//);
			assert.match(qr.svg, /^<svg/);
			const view = ok(await rawRequest(`${srv.url}/api/rating-tokens/${qr.token}`));
			assert.equal(view.case_no, done3.case_no);
			assert.equal(view.can_rate, true);
			// A forged or altered token opens nothing.
			const forged = qr.token.replace(/^\d+/, String(done1.id));
			assertError(await rawRequest(`${srv.url}/api/rating-tokens/${forged}`), 404, 'bad_token');
			assertError(await rawRequest(`${srv.url}/api/rating-tokens/abc`), 404, 'bad_token');
			const r = await rawRequest(`${srv.url}/api/rating-tokens/${qr.token}/rating`, {
				method: 'POST', headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ level: 2, dims: ['512'], text: '态度不好' }),
			});
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.level_label, '不满意');
			const mine = ok(await person2.get('/api/my/ratings'));
			const got = mine.items.find((x) => x.case_id === done3.id);
			assert.equal(got.channel, '3');
			assert.equal(got.channel_label, '二维码');
			assert.equal(got.loop.stage, 'verify');
		});

		test('the full loop with a send-back, and the rater hears back', async () => {
			const mine = ok(await person.get('/api/my/ratings'));
			const bad = mine.items.find((x) => x.case_id === done1.id && x.bad);
			const loop = await loopOf(bad.id);
			assert.equal(loop.stage, 'verify');
			assert.equal(loop.rater_name, '匿名');
			assert.match(loop.due_day, /^\d{4}-\d{2}-\d{2}$/);
			// Another department neither sees nor acts; the supervisor may not verify.
			assert.equal((await zj.get(`/api/rating-loops/${loop.id}`)).status, 404);
			assertError(await act(zj, loop.id, 'valid'), 403);
			assertError(await act(ducha, loop.id, 'valid'), 403);
			assertError(await act(scjg, loop.id, 'feedback', { text: 'x' }), 409, 'bad_stage');

			let l = ok(await act(scjg, loop.id, 'valid', { note: '核实属实：指南材料清单有误' }));
			assert.equal(l.stage, 'rectify');
			assertError(await act(scjg, loop.id, 'rectify', { kind: 'plan', measures: '修订指南', due_day: '2027-06-01' }), 422);
			assertError(await act(scjg, loop.id, 'rectify', { kind: 'odd', measures: 'x' }), 400);
			l = ok(await act(scjg, loop.id, 'rectify', { kind: 'immediate', measures: '当场更正办事指南材料清单' }));
			assert.equal(l.stage, 'feedback');
			l = ok(await act(scjg, loop.id, 'feedback', { text: '办事指南已更正，感谢您的评价' }));
			assert.equal(l.stage, 'revisit');
			const notes = ok(await person.get('/api/notifications'));
			assert.ok(notes.items.some((n) => n.kind === 'rating_feedback'), JSON.stringify(notes.items.map((n) => n.kind)));
			assertError(await act(scjg, loop.id, 'revisit', { contacted: true, reachable: true }), 400);
			l = ok(await act(scjg, loop.id, 'revisit', { contacted: true, reachable: true, satisfaction: 3, note: '电话回访' }));
			assert.equal(l.stage, 'supervise');
			assertError(await act(scjg, loop.id, 'close'), 403);
			assertError(await act(ducha, loop.id, 'send_back', {}), 400);
			l = ok(await act(ducha, loop.id, 'send_back', { reason: '整改不彻底，请同步更新网上指南' }));
			assert.equal(l.stage, 'rectify');
			assert.equal(l.sent_back, 1);
			l = ok(await act(scjg, loop.id, 'rectify', { kind: 'immediate', measures: '网上指南同步更新' }));
			l = ok(await act(scjg, loop.id, 'feedback', { text: '网上指南也已更新' }));
			l = ok(await act(scjg, loop.id, 'revisit', { contacted: true, reachable: false }));
			l = ok(await act(ducha, loop.id, 'close', { note: '整改到位' }));
			assert.equal(l.stage, 'closed');
			assert.equal(l.outcome, 'rectified');
			assert.deepEqual(l.steps.map((s) => s.action), ['open', 'valid', 'rectify', 'feedback', 'revisit',
				'send_back', 'rectify', 'feedback', 'revisit', 'close']);
			// The rater follows the progress on 我的评价.
			const again = ok(await person.get('/api/my/ratings'));
			const followed = again.items.find((x) => x.id === bad.id);
			assert.equal(followed.loop.stage, 'closed');
			assert.equal(followed.loop.steps.length, 10);
			// Every step went to the outbox.
			const ob = ok(await hall.get('/api/outbox?kind=upload&limit=200'));
			assert.ok(ob.items.filter((m) => m.idem_key.includes('rating-step')).length >= 10);
		});

		test('an accepted 误评 claim closes the loop and the rating stops counting', async () => {
			const mine = ok(await person2.get('/api/my/ratings'));
			const bad = mine.items.find((x) => x.case_id === done3.id);
			const loop = await loopOf(bad.id);
			assertError(await act(scjg, loop.id, 'claim', { claim_kind: 'mistaken', reason: '申请人误点' }), 400);
			let l = ok(await act(scjg, loop.id, 'claim', { claim_kind: 'mistaken', reason: '申请人误点一星', evidence: '窗口录像显示办理顺利，申请人电话确认误评' }));
			assert.equal(l.stage, 'appeal');
			const before = ok(await ducha.get('/api/ratings/stats?by=dept'));
			const appeals = ok(await hall.get('/api/rating-appeals?status=pending'));
			const ap = appeals.items.find((x) => x.subject_id === loop.id);
			assert.ok(ap);
			assert.equal(ap.kind_label, '差评申诉复核');
			assert.equal(ap.payload.claim_kind, 'mistaken');
			assertError(await scjg.post(`/api/rating-appeals/${ap.id}/accept`, {}), 403);
			ok(await hall.post(`/api/rating-appeals/${ap.id}/accept`, { comment: '证据充分，认定误评' }));
			l = ok(await scjg.get(`/api/rating-loops/${loop.id}`));
			assert.equal(l.stage, 'closed');
			assert.equal(l.outcome, 'appeal_accepted');
			const after2 = ok(await ducha.get('/api/ratings/stats?by=dept'));
			assert.equal(after2.total.count, before.total.count - 1);
			const r = ok(await scjg.get(`/api/ratings?bad=1`));
			assert.equal(r.items.find((x) => x.id === bad.id).excluded, true);
		});

		test('a refused claim goes to rectification; one approved extension; overdue flagged red', async () => {
			const f = ok(await person.post(`/api/cases/${accepted2.id}/ratings`, { step: 'accept', level: 2, channel: '4', dims: ['511'] }), 201);
			const loop = await loopOf(f.id);
			ok(await act(scjg, loop.id, 'claim', { claim_kind: 'malicious', reason: '恶意差评', evidence: '无' }));
			const ap = ok(await hall.get('/api/rating-appeals')).items.find((x) => x.subject_id === loop.id);
			assertError(await hall.post(`/api/rating-appeals/${ap.id}/refuse`, {}), 400);
			ok(await hall.post(`/api/rating-appeals/${ap.id}/refuse`, { comment: '证据不足，不予采纳' }));
			let l = ok(await scjg.get(`/api/rating-loops/${loop.id}`));
			assert.equal(l.stage, 'rectify');
			assert.ok(l.steps.some((s) => s.action === 'claim_refused'));

			// A plan with a deadline (2 working days), one extension approved.
			l = ok(await act(scjg, loop.id, 'rectify', { kind: 'plan', measures: '增设导办员', due_day: '2026-09-30' }));
			assert.equal(l.stage, 'rectify');
			assert.equal(l.rectify_due, '2026-09-30');
			const ext = ok(await act(scjg, loop.id, 'extend', { days: 2, reason: '需协调人员' }));
			const req = ok(await hall.get('/api/requests?kind=rating_extension&status=pending')).items.find((x) => x.subject_id === loop.id);
			assert.ok(req, JSON.stringify(ext));
			ok(await hall.post(`/api/requests/${req.id}/approve`, { reason: '同意' }));
			l = ok(await scjg.get(`/api/rating-loops/${loop.id}`));
			// 10-1..10-7 National Day: two working days after 9-30 are 10-8 and 10-9.
			assert.equal(l.rectify_due, '2026-10-09');
			assert.equal(l.extension_days, 2);
			assertError(await act(scjg, loop.id, 'extend', { days: 1, reason: '再延' }), 409, 'extension_used');

			// The sweeper, weeks later, flags the rectification red once.
			const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', '2026-10-20T10:00:00+08:00']);
			assert.equal(r.code, 0, r.err);
			l = ok(await scjg.get(`/api/rating-loops/${loop.id}`));
			assert.equal(l.warn, 'red');
			const sum = ok(await ducha.get('/api/rating-loops/summary'));
			assert.ok(sum.red >= 1);
			assert.ok(sum.overdue.some((x) => x.id === loop.id));
			assert.ok(sum.by_stage.find((s) => s.stage === 'rectify').red >= 1);
			assertError(await scjg.get('/api/rating-loops/summary'), 403);
			const od = ok(await scjg.get('/api/rating-loops?overdue=1'));
			assert.ok(od.items.some((x) => x.id === loop.id));
			const notes = ok(await scjg.get('/api/notifications'));
			assert.ok(notes.items.some((n) => n.kind === 'rating_red' && n.case_id === accepted2.id));
			// Run again: no second warning.
			const again = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', '2026-10-21T10:00:00+08:00']);
			assert.equal(again.code, 0, again.err);
			const notes2 = ok(await scjg.get('/api/notifications'));
			assert.equal(notes2.items.filter((n) => n.kind === 'rating_red' && n.case_id === accepted2.id).length, 1);
		});

		test('figures by department, window, staff, item and month click through to the ratings', async () => {
			for (const by of ['dept', 'window', 'staff', 'item', 'month']) {
				const s = ok(await ducha.get(`/api/ratings/stats?by=${by}`));
				assert.ok(s.items.length >= 1, by);
				assert.equal(s.items.reduce((n, x) => n + x.count, 0), s.total.count);
			}
			assertError(await ducha.get('/api/ratings/stats?by=colour'), 400);
			const s = ok(await ducha.get('/api/ratings/stats?by=dept'));
			const d = s.items.find((x) => x.label === '县市场监管局');
			const list = ok(await ducha.get(`/api/ratings?dept_id=${d.key}&limit=200`));
			assert.equal(list.items.filter((x) => !x.excluded).length, d.count);
			// The demo's history covers six months; the ratings above are of 2026-09.
			const months = ok(await ducha.get('/api/ratings/stats?by=month')).items;
			assert.ok(months.length >= 6, JSON.stringify(months.map((x) => x.key)));
			const m = months.find((x) => x.key === '2026-09');
			assert.ok(m);
			const byMonth = ok(await ducha.get(`/api/ratings?month=${m.key}&limit=200`));
			assert.equal(byMonth.items.filter((x) => !x.excluded).length, m.count);
			// The department admin sees only its own figures.
			const own = ok(await scjg.get('/api/ratings/stats?by=dept'));
			assert.deepEqual(own.items.map((x) => x.label), ['县市场监管局']);
		});

		test('outbox status and resend from the command line', async () => {
			const r = await cli(['outbox', 'status', '--db', srv.dbUrl]);
			assert.equal(r.code, 0, r.err);
			assert.match(r.out, /待发送 \d+/);
			const j = JSON.parse((await cli(['outbox', 'status', '--db', srv.dbUrl, '--json', '--kind', 'upload', '--status', 'delivered'])).out);
			assert.ok(j.items.length > 0, 'the run-once above delivered the uploads (to var/rating-upload.log)');
			const bad = await cli(['outbox', 'resend', 'x', '--db', srv.dbUrl]);
			assert.notEqual(bad.code, 0);
			const done = await cli(['--set', `var=${srv.varDir}`, 'outbox', 'resend', String(j.items[0].id), '--db', srv.dbUrl]);
			assert.notEqual(done.code, 0, 'a delivered message is not sent again');
			assert.match(done.err, /已送达/);
		});

		test('the 受理通知书 carries a rating QR: scanned from the printed page it rates that case', async () => {
			// Its own accepted case; last in the file, since the job run below
			// also works the outbox the tests above look at.
			const food = await findItem(clerk, '食品小作坊登记');
			const mine2 = await walkin(clerk, food, { kind: 'person', idno: DEMO.person, name: '张明', mobile: '13991500001' }, false);
			assert.equal(mine2.state, 'accepted');
			const run = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', NOW]);
			assert.equal(run.code, 0, run.err + run.out);
			const docs = ok(await person.get(`/api/cases/${mine2.id}/documents`));
			const notice = (docs.items || docs).find((d) => d.kind === 'accept_notice');
			assert.ok(notice, JSON.stringify(docs));
			assert.equal(notice.status, 'ready', JSON.stringify(notice));
			// Printed on one device, scanned by a phone: the download's
			// connection is not the phone's (and the decoding below blocks
			// this process longer than the server keeps an idle connection).
			const pdf = await fetch(`${srv.url}/api/documents/${notice.id}/pdf`,
				{ headers: { Authorization: `Bearer ${person.token}`, Connection: 'close' } });
			assert.equal(pdf.status, 200);
			const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-notice-'));
			try {
				writeFileSync(`${dir}/n.pdf`, Buffer.from(await pdf.arrayBuffer()));
				const text = await tool('pdftotext', ['-layout', `${dir}/n.pdf`, '-']);
				assert.match(text, /受理通知书/);
				assert.match(text, /扫码评价本次服务/);
				assert.match(text, /扫描二维码核验文书/);
				await tool('pdftoppm', ['-r', '300', '-gray', '-f', '1', '-l', '1', `${dir}/n.pdf`, `${dir}/p`]);
				const page = readdirSync(dir).find((f) => f.startsWith('p'));
				const codes = qrCodes(readFileSync(`${dir}/${page}`));
				// Let the connections the server closed while the decoding held
				// this process be noticed before the next request.
				await new Promise((r) => setTimeout(r, 100));
				// The verification code and the rating code, both readable.
				assert.equal(codes.length, 2, JSON.stringify(codes));
				const rate = codes.find((u) => /\/rate\//.test(u));
				assert.ok(codes.some((u) => /\/verify\//.test(u)), JSON.stringify(codes));
				assert.ok(rate, JSON.stringify(codes));
				const token = rate.split('/rate/')[1];
				const view = ok(await rawRequest(`${srv.url}/api/rating-tokens/${token}`));
				assert.equal(view.case_no, mine2.case_no);
				assert.equal(view.can_rate, true, JSON.stringify(view));
				const r = await rawRequest(`${srv.url}/api/rating-tokens/${token}/rating`, {
					method: 'POST', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ level: 5, dims: ['511'] }),
				});
				assert.equal(r.status, 201, r.text);
				const mine = ok(await person.get('/api/my/ratings'));
				const got = mine.items.find((x) => x.case_id === mine2.id);
				assert.equal(got.channel, '3');
				assert.equal(got.level, 5);
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		});
	});
}
