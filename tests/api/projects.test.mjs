// Construction projects over HTTP, on every database in ONETRIP_DBS: the
// stage lists per type (kept by the hall admin; a small project's merged
// stage), registering a project (national code and credit code checked, bad
// input refused with nothing stored), steward and liaisons, the owner's
// view, a stage applied for once and split into the departments' cases in
// parallel, the stage done when its approvals are, the days counted against
// the target, the steward's desk, and a stalled approval raising a problem
// ticket the steward sees; a joint acceptance with an objection, opinions
// changed, the joint opinion sealed with every department's seal while the
// cases' clocks stop and resume, and its rectification items tracked to
// closure.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const OWNER1 = '91610929MA0BHJ001P'; // 白河县城投建设开发有限公司 (demo project 1)
const OWNER2 = '91610929MA0BHJ002T'; // 白河县汉江置业有限公司 (demo project 2)

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

let seq = 0;
async function upload(c, tag) {
	seq += 1;
	const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${seq} ${Math.random()}\n%%EOF\n`);
	const r = await c.post(`/api/uploads?name=${encodeURIComponent(tag)}.pdf`, body,
		{ headers: { 'Content-Type': 'application/pdf' } });
	assert.equal(r.status, 201, r.text);
	return r.json.sha256;
}

function stage(v, n) {
	const s = v.stages.find((x) => x.stage === n);
	assert.ok(s, `stage ${n}: ${JSON.stringify(v.stages.map((x) => x.stage))}`);
	return s;
}

async function approve(c, caseId) {
	let cs = ok(await c.get(`/api/cases/${caseId}`));
	if (cs.state === 'review') {
		cs = ok(await c.post(`/api/cases/${caseId}/actions/pass`, { version: cs.version, reason: '审查通过' }));
	}
	return ok(await c.post(`/api/cases/${caseId}/actions/approve`, { version: cs.version, reason: '符合条件' }));
}

function isoDay(d) {
	return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
}

// The demo is loaded today; the server runs three weeks later, so that the
// demo's running approvals have used working days and stalled.
const LATER = `${isoDay(new Date(Date.now() + 21 * 86400e3))}T10:00:00+08:00`;

for (const db of dbKinds()) {
	describe(`工程建设项目 (${db})`, () => {
		let srv, hall, win, ent, ent1, ent2, other, zj, zr, fg, xf, rf, xmgj, fggj, ducha;
		let stagesDef;

		before(async () => {
			srv = await startServer({ db, now: LATER, args: ['--no-jobs'] });
			const login = async (who) => {
				const c = new Client(srv.url);
				await c.login(who, DEMO.password);
				return c;
			};
			[hall, win, ent, ent1, ent2, other, zj, zr, fg, xf, rf, xmgj, fggj, ducha] = await Promise.all([
				login(DEMO.hall), login(DEMO.window01), login(DEMO.enterprise), login(OWNER1), login(OWNER2),
				login(DEMO.person), login('zj_sp'), login('zr_sp'), login('fg_sp'), login('xf_sp'), login('rf_sp'),
				login('xmgj'), login('fg_gj'), login(DEMO.ducha)]);
		});
		after(async () => { await srv?.stop(); });

		test('stage lists per type, kept by the hall admin', async () => {
			stagesDef = ok(await ent.get('/api/project-stages'));
			const byType = Object.fromEntries(stagesDef.types.map((t) => [t.type, t]));
			assert.deepEqual(byType.gov.stages.map((s) => s.label),
				['立项用地规划许可', '工程建设许可', '施工许可', '竣工验收']);
			assert.deepEqual(byType.small.stages.map((s) => s.stage), [1, 2, 4]);
			assert.equal(byType.small.stages[1].label, '工程建设许可和施工许可');
			assert.equal(byType.gov.target_days, 120);
			const s3 = byType.gov.stages[2].bundle;
			assert.deepEqual(s3.items.map((i) => i.dept_name).sort(), ['县人防办', '县住建局', '县住建局'].sort());
			assert.deepEqual(s3.items.find((i) => i.name === '建筑工程施工许可证核发').after, ['A', 'B']);
			// the project stages are not in the 一件事 guide
			const guide = ok(await ent.get('/api/guide/bundles'));
			assert.ok(!guide.groups.flatMap((g) => g.bundles).some((b) => b.category === '工程建设项目'));
			// only the hall admin keeps them; a bundle must be a published enterprise one
			const bid = byType.gov.stages[1].bundle.id;
			assertError(await zj.put('/api/project-stages/gov/2', { bundle_id: bid }), 403);
			assertError(await hall.put('/api/project-stages/small/3', { bundle_id: bid }), 400, 'stage');
			assertError(await hall.put('/api/project-stages/gov/2', { bundle_id: 99999 }), 422, 'bundle_id');
			const again = ok(await hall.put('/api/project-stages/gov/2', { bundle_id: bid }));
			assert.equal(again.types.find((t) => t.type === 'gov').stages[1].bundle.id, bid);
		});

		let pid;
		test('registering a project: codes checked, bad input stores nothing, steward and liaisons', async () => {
			const before = ok(await hall.get('/api/projects')).items.length;
			const good = {
				code: '2412-610929-47-01-000999', name: '白河县城关镇便民菜市场改造项目',
				owner_name: '白河县秦岭餐饮有限公司', owner_credit_code: DEMO.enterprise.toLowerCase(),
				type: 'small', location: '白河县城关镇东街', investment: 860, key_project: true,
			};
			assertError(await hall.post('/api/projects', { ...good, owner_credit_code: '91610929MA0BHE0010' }), 400, 'owner_credit_code');
			assertError(await hall.post('/api/projects', { ...good, code: '2412-610929-47-01' }), 400, 'code');
			assertError(await hall.post('/api/projects', { ...good, type: 'private' }), 400, 'type');
			assertError(await hall.post('/api/projects', { ...good, name: '' }), 400, 'name');
			assertError(await hall.post('/api/projects', { ...good, investment: -1 }), 400, 'investment');
			assertError(await hall.post('/api/projects', { ...good, code: '2409-610929-47-01-000101' }), 409, 'code');
			// a steward must be hall or 发改 staff; a liaison staff of the department
			const users = ok(await hall.get('/api/users?q=zj_sp')).items ?? [];
			const zjUser = users.find((u) => u.login === 'zj_sp');
			assert.ok(zjUser, JSON.stringify(users));
			assertError(await hall.post('/api/projects', { ...good, steward_id: zjUser.id }), 422, 'steward_id');
			assertError(await hall.post('/api/projects', { ...good, liaisons: [{ dept_id: zjUser.dept_id + 1, user_id: zjUser.id }] }), 422, 'liaisons');
			// only the hall admin or a steward department registers
			assertError(await zj.post('/api/projects', good), 403);
			assertError(await ent.post('/api/projects', good), 403);
			assert.equal(ok(await hall.get('/api/projects')).items.length, before, 'nothing stored');

			let v = ok(await xmgj.post('/api/projects', { ...good, liaisons: [{ dept_id: zjUser.dept_id, user_id: zjUser.id }] }), 201);
			pid = v.project.id;
			assert.equal(v.project.owner_credit_code, DEMO.enterprise);
			assert.equal(v.project.type_label, '小型社会投资项目');
			assert.equal(v.project.key_project, true);
			assert.deepEqual(v.stages.map((s) => s.state), ['not_started', 'not_started', 'not_started']);
			assert.equal(v.days.target, 120);
			assert.equal(v.team.liaisons[0].dept_name, '县住建局');
			// a local code when there is no national one
			const local = ok(await hall.post('/api/projects', { ...good, code: '' }), 201);
			assert.match(local.project.code, /^BH-\d{4}-\d{6}$/);

			// the steward named; a stale version is refused
			const me = ok(await xmgj.get('/api/me')).user;
			v = ok(await hall.put(`/api/projects/${pid}/team`, { steward_id: me.id, version: v.project.version }));
			assert.equal(v.team.steward_name, '林晓');
			assertError(await hall.put(`/api/projects/${pid}/team`, { steward_id: me.id, version: 1 }), 409);
		});

		test('the owner sees its own projects only', async () => {
			const mine = ok(await ent.get('/api/projects')).items;
			assert.ok(mine.length >= 1);
			assert.ok(mine.every((p) => p.owner_credit_code === DEMO.enterprise));
			assertError(await ent2.get(`/api/projects/${pid}`), 404);
			assertError(await other.get(`/api/projects/${pid}`), 404);
			const v = ok(await ent.get(`/api/projects/${pid}`));
			assert.equal(v.can.apply, true);
			assert.equal(v.can.edit, false);
		});

		test("a department's staff sees only the projects its department takes part in", async () => {
			// 住建 is the new project's liaison department: its approver sees it;
			// 市场监管 takes part in no project: it sees none, and a direct
			// look-up is 404 as for a project that does not exist.
			const scjg = new Client(srv.url);
			await scjg.login('scjg_sp', DEMO.password);
			assert.equal(ok(await scjg.get('/api/projects')).items.length, 0);
			assertError(await scjg.get(`/api/projects/${pid}`), 404);
			assert.ok(ok(await zj.get('/api/projects')).items.some((p) => p.id === pid));
			ok(await zj.get(`/api/projects/${pid}`));
			// 人防 is not the liaison of this project (demo projects only).
			assert.ok(!ok(await rf.get('/api/projects')).items.some((p) => p.id === pid));
			assertError(await rf.get(`/api/projects/${pid}`), 404);
			// the hall's window clerks register stage applications: they see all
			const all = ok(await hall.get('/api/projects')).items.map((p) => p.id).sort();
			assert.deepEqual(ok(await win.get('/api/projects')).items.map((p) => p.id).sort(), all);
			assert.deepEqual(ok(await ducha.get('/api/projects')).items.map((p) => p.id).sort(), all);
		});

		test('a stage applied once, split into two departments in parallel, done when both approve', async () => {
			const form = { project_name: '白河县城关镇便民菜市场改造项目', project_code: '2412-610929-47-01-000999', location: '白河县城关镇东街' };
			// out of order, by someone else, without materials: refused, nothing stored
			assertError(await ent.post(`/api/projects/${pid}/stages/4/apply`, { form, materials: [] }), 409);
			assertError(await ent.post(`/api/projects/${pid}/stages/3/apply`, { form, materials: [] }), 400, 'stage');
			assertError(await ent2.post(`/api/projects/${pid}/stages/1/apply`, { form, materials: [] }), 404);
			assertError(await ent.post(`/api/projects/${pid}/stages/1/apply`, { form, materials: [] }), 422, 'materials');
			let v = ok(await ent.get(`/api/projects/${pid}`));
			assert.equal(stage(v, 1).state, 'not_started');
			assert.equal(stage(v, 1).application, null);

			const guide = ok(await ent.get(`/api/guide/bundles/${stage(v, 1).bundle.id}`));
			const materials = [];
			for (const m of guide.materials) {
				if (m.necessity === 'optional') continue;
				materials.push({ index: m.index, sha256: await upload(ent, `m${m.index}`) });
			}
			v = ok(await ent.post(`/api/projects/${pid}/stages/1/apply`, { form, materials }), 201);
			const s1 = stage(v, 1);
			assert.equal(s1.state, 'applied');
			assert.equal(s1.waiting.length, 2);
			assert.ok(s1.waiting.every((w) => w.waits_for === '等待窗口受理'));
			assertError(await ent.post(`/api/projects/${pid}/stages/1/apply`, { form, materials }), 409);

			// accepted once at the window
			let b = ok(await win.get(`/api/bundle-cases/${s1.application.bundle_case_id}`));
			b = ok(await win.post(`/api/bundle-cases/${b.id}/accept`, { version: b.version }));
			v = ok(await xmgj.get(`/api/projects/${pid}`));
			const running = stage(v, 1);
			assert.equal(running.state, 'running');
			assert.equal(running.approvals.length, 2);
			assert.deepEqual(running.approvals.map((a) => a.dept_name).sort(), ['县发改局', '县自然资源局'].sort());
			for (const a of running.approvals) {
				assert.equal(a.state, 'review');
				assert.match(a.holder, /县/);
				assert.ok(Number.isInteger(a.remaining_days));
			}
			assert.equal(stage(v, 2).may_apply, false);

			// both departments decide at the same moment
			const byDept = Object.fromEntries(running.approvals.map((a) => [a.dept_name, a.case_id]));
			await Promise.all([approve(fg, byDept['县发改局']), approve(zr, byDept['县自然资源局'])]);
			v = ok(await ent.get(`/api/projects/${pid}`));
			assert.equal(stage(v, 1).state, 'done');
			assert.equal(stage(v, 1).days_used, 0);
			assert.equal(stage(v, 2).may_apply, true);
			assert.equal(v.days.used, 0);
			assert.equal(v.days.remaining, 120);
			assert.equal(v.days.level, 'green');
			// a department's approver cannot decide another's case
			assertError(await zj.post(`/api/cases/${byDept['县发改局']}/actions/approve`, { version: 1, reason: 'x' }), 403);
		});

		test("the steward's desk lists every approval with its holder", async () => {
			const desk = ok(await xmgj.get('/api/projects/desk'));
			const names = desk.items.map((v) => v.project.name);
			assert.ok(names.includes('白河县城关镇滨江安置小区建设项目'), names.join());
			assert.ok(names.includes('白河县城关镇便民菜市场改造项目'), names.join());
			assert.ok(!names.includes('白河县汉江商贸综合体项目'), 'another steward’s project');
			const p1 = desk.items.find((v) => v.project.name === '白河县城关镇滨江安置小区建设项目');
			assert.deepEqual(p1.stages.map((s) => s.state), ['done', 'done', 'done', 'running']);
			const s4 = stage(p1, 4);
			assert.equal(s4.approvals.length, 2);
			assert.equal(s4.waiting.length, 1);
			assert.equal(s4.waiting[0].waits_for, '等待前置审批事项办结');
			assertError(await ent.get('/api/projects/desk'), 403);
			const list = ok(await ducha.get('/api/projects?key=1')).items;
			assert.ok(list.every((p) => p.key_project));
			const p2 = list.find((p) => p.name === '白河县汉江商贸综合体项目');
			assert.equal(p2.current_stage, 2);
			assert.equal(p2.current_stage_label, '工程建设许可');
		});

		test('a stalled approval raises a ticket the steward sees; days count against the target', async () => {
			const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', LATER]);
			assert.equal(r.code, 0, r.err);
			const list = ok(await fggj.get('/api/projects?mine=1')).items;
			assert.equal(list.length, 1);
			const v = ok(await fggj.get(`/api/projects/${list[0].id}`));
			const s2 = stage(v, 2);
			assert.equal(s2.state, 'running');
			assert.ok(s2.days_used >= 5 && s2.days_used <= 15, `days ${s2.days_used}`);
			assert.equal(v.days.used, s2.days_used + stage(v, 1).days_used);
			assert.equal(v.days.remaining, v.days.target - v.days.used);
			assert.equal(v.tickets.length, 2, JSON.stringify(v.tickets));
			for (const t of v.tickets) assert.match(t.title, /^项目审批(超时|停滞)：/);
			for (const a of s2.approvals) assert.match(a.blocked_by ?? '', /问题工单/);
			// the steward is the reporter and sees the ticket itself
			const t = ok(await fggj.get(`/api/supervise/tickets/${v.tickets[0].id}`));
			assert.equal(t.source, 'project');
			assert.equal(t.ref_type, 'project');
			// once per case: another run opens no more
			const r2 = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', LATER]);
			assert.equal(r2.code, 0, r2.err);
			assert.equal(ok(await ent2.get(`/api/projects/${list[0].id}`)).tickets.length, 2);
		});

		test('a joint acceptance: an objection, opinions changed, one sealed joint opinion, clocks paused and resumed, rectification to closure', async () => {
			const p1 = ok(await ent1.get('/api/projects')).items[0];
			let v = ok(await ent1.get(`/api/projects/${p1.id}`));
			assert.equal(v.events.length, 1);
			const evId = v.events[0].id;
			let ev = ok(await zj.get(`/api/project-events/${evId}`));
			assert.equal(ev.event.kind_label, '联合验收');
			assert.equal(ev.event.status, 'scheduled');
			assert.deepEqual(ev.depts.map((d) => d.dept_name), ['县住建局', '县消防救援大队', '县人防办']);
			// the involved cases' clocks stopped at scheduling
			assert.equal(ev.cases.length, 2);
			for (const c of ev.cases) {
				assert.equal(c.state, 'suspended');
				assert.equal(c.paused, 1);
			}
			const s4 = stage(v, 4);
			assert.ok(s4.approvals.every((a) => /暂停计时/.test(a.blocked_by)), JSON.stringify(s4.approvals));
			// scheduling: bad input refused, nothing stored; only staff of the lead or a steward department
			assertError(await zj.post(`/api/projects/${p1.id}/events`, { kind: 'party', day: '2099-01-01', place: 'x', dept_ids: [2] }), 400, 'kind');
			assertError(await zj.post(`/api/projects/${p1.id}/events`, { kind: 'site', day: '2020-01-01', place: 'x', dept_ids: [2] }), 400, 'day');
			assertError(await zj.post(`/api/projects/${p1.id}/events`, { kind: 'site', day: '2099-01-01', place: 'x', dept_ids: [] }), 400, 'dept_ids');
			assertError(await other.post(`/api/projects/${p1.id}/events`, { kind: 'site', day: '2099-01-01', place: 'x', dept_ids: [2] }), 403);
			assert.equal(ok(await ent1.get(`/api/projects/${p1.id}`)).events.length, 1);

			// opinions: checked; a department not invited cannot answer
			const attach = async (c, tag) => {
				const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`);
				return ok(await c.post(`/api/project-events/${evId}/attachments?name=${tag}.pdf`, body,
					{ headers: { 'Content-Type': 'application/pdf' } }), 201).sha256;
			};
			const att = await attach(xf, 'xf-report');
			assertError(await xf.post(`/api/project-events/${evId}/opinion`, { opinion: 'disagree', person: '冯志远' }), 400, 'comment');
			assertError(await rf.post(`/api/project-events/${evId}/opinion`, { opinion: 'rectify', person: '田晓军' }), 400, 'rectifications');
			assertError(await xf.post(`/api/project-events/${evId}/opinion`, { opinion: 'agree', person: '冯志远', attachments: [await attach(rf, 'not-mine')] }), 403, 'attachments');
			assertError(await zr.post(`/api/project-events/${evId}/opinion`, { opinion: 'agree', person: '雷振华' }), 403);
			ev = ok(await xf.post(`/api/project-events/${evId}/opinion`, {
				opinion: 'disagree', person: '冯志远', comment: '3 号楼疏散楼梯防火门未安装闭门器，消防验收不合格', attachments: [att],
			}));
			ev = ok(await rf.post(`/api/project-events/${evId}/opinion`, {
				opinion: 'rectify', person: '田晓军', comment: '人防工程基本符合设计要求',
				rectifications: [{ item: '防空地下室 2 号口部防护密闭门补做气密性检测', due_day: '2099-01-01' }],
			}));
			// the lead seals only when everyone answered, and only the lead
			assertError(await zj.post(`/api/project-events/${evId}/seal`, {}), 409);
			ev = ok(await zj.post(`/api/project-events/${evId}/opinion`, { opinion: 'agree', person: '吴刚', comment: '规划条件核实通过' }));
			assertError(await xf.post(`/api/project-events/${evId}/seal`, {}), 403);
			// the objection is settled on site: 消防 agrees once the doors are fixed
			ev = ok(await xf.post(`/api/project-events/${evId}/opinion`, {
				opinion: 'rectify', person: '冯志远', comment: '整改后同意', attachments: [att],
				rectifications: [{ item: '3 号楼疏散楼梯防火门安装闭门器' }],
			}));
			assert.deepEqual(ev.depts.map((d) => d.opinion_label), ['同意', '整改后同意', '整改后同意']);
			assert.equal(ev.depts[1].attachments[0], att);
			assert.equal((await ent1.get(`/api/project-events/${evId}/attachments/${att}`)).status, 200);
			assertError(await ent2.get(`/api/project-events/${evId}/attachments/${att}`), 404);
			assert.equal(ev.rectifications.length, 2);
			ev = ok(await zj.post(`/api/project-events/${evId}/seal`, { conclusion: '各部门提出的整改事项完成后予以备案。' }));
			assert.equal(ev.event.status, 'sealed');
			assert.equal(ev.event.outcome, 'rectify');
			assert.equal(ev.event.outcome_label, '整改后通过');
			assert.match(ev.event.doc_no, /^白联意〔\d{4}〕\d+号$/);
			assert.ok(ev.depts.every((d) => d.sealed), 'every department sealed');
			for (const c of ev.cases) assert.equal(c.state, 'review', 'the clock resumed');
			assertError(await zj.post(`/api/project-events/${evId}/seal`, {}), 409);
			assertError(await xf.post(`/api/project-events/${evId}/opinion`, { opinion: 'agree', person: '冯志远' }), 409);
			// one PDF, each department's seal signed it (its ledger has it)
			const pdf = await ent1.get(`/api/project-events/${evId}/pdf`);
			assert.equal(pdf.status, 200);
			assert.equal(pdf.headers.get('content-type'), 'application/pdf');
			const rfDept = ev.depts.find((d) => d.dept_name === '县人防办').dept_id;
			const ledger = ok(await hall.get(`/api/departments/${rfDept}/seal/ledger`));
			assert.ok(ledger.items.some((x) => x.document_kind === 'joint_opinion' && x.document_ref === ev.event.doc_no));

			// rectification: the owner reports, the department reopens, then closes
			const rfItem = ev.rectifications.find((r) => r.dept_name === '县人防办');
			assertError(await ent1.post(`/api/project-rectifications/${rfItem.id}/report`, { report: '' }), 400, 'report');
			assertError(await ent2.post(`/api/project-rectifications/${rfItem.id}/report`, { report: '已完成' }), 404);
			ev = ok(await ent1.post(`/api/project-rectifications/${rfItem.id}/report`, { report: '已完成气密性检测，报告附后', evidence: [await upload(ent1, 'test-report')] }));
			assertError(await xf.post(`/api/project-rectifications/${rfItem.id}/review`, { accept: true }), 403);
			assertError(await rf.post(`/api/project-rectifications/${rfItem.id}/review`, { accept: false }), 400, 'note');
			ev = ok(await rf.post(`/api/project-rectifications/${rfItem.id}/review`, { accept: false, note: '检测报告缺少签章，请补充' }));
			assert.equal(ev.rectifications.find((r) => r.id === rfItem.id).status, 'open');
			ok(await ent1.post(`/api/project-rectifications/${rfItem.id}/report`, { report: '已补充签章' }));
			ev = ok(await rf.post(`/api/project-rectifications/${rfItem.id}/review`, { accept: true, note: '整改到位' }));
			assert.equal(ev.rectifications.find((r) => r.id === rfItem.id).status, 'closed');
			assertError(await rf.post(`/api/project-rectifications/${rfItem.id}/review`, { accept: true }), 409);
		});
	});
}
