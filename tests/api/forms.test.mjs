// Electronic forms (电子表单), on every database in ONETRIP_DBS: a department
// admin defines an item version's form fields in a draft (bad definitions
// refused, naming the field), the hall publishes it; an online application
// with bad values is refused with a Chinese message naming the field and
// nothing is stored; good values are stored, shown structured to staff and
// the applicant, the 申请表 is rendered to PDF with them (pdftotext), the
// materials the platform fetches itself are attached without an upload, and
// the 食品经营许可证 takes its fields from the form.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const NOW = '2026-09-29T10:00:00+08:00';
const ITEM = '食品经营许可（延续）'; // materials: 0 申请书 (online form), 1 licence (电子证照库), 2 承诺书

const FIELDS = [
	{ key: 'licence_no', label: '原许可证编号', type: 'text', required: true, pattern: 'JY[0-9]{14}', help: '以 JY 开头的 16 位编号' },
	{ key: 'premises', label: '经营场所', type: 'text', required: true, min_length: 5, max_length: 100 },
	{ key: 'business_type', label: '主体业态', type: 'select', required: true, options: ['食品销售经营者', '餐饮服务经营者', '单位食堂'] },
	{ key: 'business_items', label: '经营项目', type: 'multiselect', required: true, options: ['热食类食品制售', '冷食类食品制售', '自制饮品制售'] },
	{ key: 'legal_rep', label: '法定代表人', type: 'text', required: true },
	{ key: 'contact', label: '联系人手机', type: 'mobile', required: true },
	{ key: 'area', label: '经营面积（平方米）', type: 'number', min: 1, max: 100000 },
];
const GOOD = {
	licence_no: 'JY26109290000018', premises: '白河县城关镇新华街20号', business_type: '餐饮服务经营者',
	business_items: ['热食类食品制售', '自制饮品制售'], legal_rep: '赵秦川', contact: '13991500009', area: '66.5',
	phone: '0915-7812345', address: '白河县城关镇新华街20号', pledge: true,
};

function run(cmd, args) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { encoding: 'utf8' }, (err, out, stderr) => (err ? reject(new Error(`${cmd}: ${stderr}`)) : resolve(out)));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

function refused(r, status, field, message) {
	assert.equal(r.status, status, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	if (message) assert.match(r.json.error.message, message);
}

for (const db of dbKinds()) {
	describe(`electronic forms (${db})`, () => {
		let srv, ent, clerk, admin, hall, dir, item;

		async function as(login) {
			const c = new Client(srv.url);
			await c.login(login, DEMO.password);
			return c;
		}
		async function docText(caseId, kind) {
			let d;
			for (let i = 0; i < 150; i++) {
				const r = ok(await ent.get(`/api/cases/${caseId}/documents`));
				d = (r.items || r).find((x) => x.kind === kind);
				if (d && d.status === 'ready') break;
				await new Promise((res) => setTimeout(res, 100));
			}
			assert.equal(d && d.status, 'ready', `${kind} rendered: ${JSON.stringify(d)}\n${srv.logTail(4000).split("\n").filter((l) => !l.includes(" http ")).slice(-30).join("\n")}`);
			const r = await fetch(`${srv.url}/api/documents/${d.id}/pdf`, { headers: { Authorization: `Bearer ${ent.token}` } });
			assert.equal(r.status, 200);
			const pdf = join(dir, `${kind}.pdf`);
			writeFileSync(pdf, Buffer.from(await r.arrayBuffer()));
			return (await run('pdftotext', ['-layout', pdf, '-'])).replace(/[ \t]+/g, ' ');
		}

		before(async () => {
			dir = mkdtempSync(join(tmpdir(), 'onetrip-forms-'));
			srv = await startServer({ db, now: NOW });
			[ent, clerk, admin, hall] = await Promise.all([DEMO.enterprise, DEMO.scjg_clerk, DEMO.scjg_admin, DEMO.hall].map(as));
			const r = ok(await ent.get(`/api/guide/items?q=${encodeURIComponent(ITEM)}&limit=50`));
			item = r.items.find((i) => i.name === ITEM);
			assert.ok(item, ITEM);
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
			if (dir) rmSync(dir, { recursive: true, force: true });
		});

		test('fields in a draft: bad definitions refused, published with the version', async () => {
			const cur = ok(await admin.get(`/api/items/${item.id}`));
			const elements = cur.published.elements;
			assert.equal(elements.form_fields, undefined, 'no fields yet');
			const bad = [
				[[{ ...FIELDS[0], key: 'Bad Key' }], 'form_fields[0].key', /字段标识/],
				[[FIELDS[2], { ...FIELDS[3], options: [] }], 'form_fields[1].options', /请填写选项/],
				[[{ ...FIELDS[0], pattern: '(JY' }], 'form_fields[0].pattern', /正则表达式/],
				[[FIELDS[1], { ...FIELDS[1], key: 'premises2' }], 'form_fields[1].label', /重复/],
				[[{ ...FIELDS[0], key: 'phone' }], 'form_fields[0].key', /phone/],
			];
			for (const [defs, field, msg] of bad) {
				refused(await admin.put(`/api/items/${item.id}/draft`, { elements: { ...elements, form_fields: defs } }), 422, field, msg);
			}
			assert.equal(ok(await admin.get(`/api/items/${item.id}`)).draft, null, 'nothing stored');

			let r = ok(await admin.put(`/api/items/${item.id}/draft`, {
				elements: { ...elements, form_fields: FIELDS }, change_note: '增加电子表单',
			}));
			assert.equal(r.draft.elements.form_fields.length, FIELDS.length);
			assert.equal(r.draft.elements.form_fields[0].help, '以 JY 开头的 16 位编号');
			assert.equal(r.draft.elements.form_fields[1].required, true);
			// The guide still shows the published version: applications use it.
			assert.equal(ok(await ent.get(`/api/guide/items/${item.id}`)).elements.form_fields, undefined);
			ok(await admin.post(`/api/items/${item.id}/submit`));
			r = ok(await hall.post(`/api/items/${item.id}/publish`));
			const g = ok(await ent.get(`/api/guide/items/${item.id}`));
			assert.deepEqual(g.elements.form_fields.map((f) => f.key), FIELDS.map((f) => f.key));
			const diff = ok(await admin.get(`/api/items/${item.id}/diff?from=${g.version_no - 1}&to=${g.version_no}`));
			assert.ok(diff.changes.some((c) => c.field === 'form_fields/premises' && c.change === 'added'), JSON.stringify(diff.changes));
		});

		test('bad values: 422 naming the field, nothing stored; good ones stored, structured, on the 申请表 and the licence', async () => {
			const up = await ent.post('/api/uploads?name=pledge.pdf', new TextEncoder().encode(`%PDF-1.4\n% ${Math.random()}\n%%EOF\n`),
				{ headers: { 'Content-Type': 'application/pdf' } });
			const materials = [{ index: 2, sha256: ok(up, 201).sha256 }];
			const mine = async () => ok(await ent.get('/api/cases?mine=1')).items.length;
			const before0 = await mine();
			const bad = [
				[{ ...GOOD, pledge: undefined }, 'form.pledge', /申请人承诺/],
				[{ ...GOOD, premises: '' }, 'form.premises', /“经营场所”不能为空/],
				[{ ...GOOD, premises: '新华街' }, 'form.premises', /“经营场所”不能少于 5 个字/],
				[{ ...GOOD, business_type: '小吃摊' }, 'form.business_type', /“主体业态”的选项“小吃摊”不在可选范围内/],
				[{ ...GOOD, business_items: [] }, 'form.business_items', /请选择“经营项目”/],
				[{ ...GOOD, business_items: ['热食类食品制售', '烧烤'] }, 'form.business_items', /“经营项目”/],
				[{ ...GOOD, contact: '12345' }, 'form.contact', /“联系人手机”应为 11 位手机号码/],
				[{ ...GOOD, licence_no: 'SP123' }, 'form.licence_no', /“原许可证编号”格式不正确/],
				[{ ...GOOD, area: 0 }, 'form.area', /“经营面积（平方米）”不能小于 1/],
				[{ ...GOOD, area: '六十' }, 'form.area', /应为数字/],
			];
			for (const [form, field, msg] of bad) {
				refused(await ent.post('/api/cases', { item_id: item.id, form, materials }), 422, field, msg);
			}
			// A material the applicant must hand in is still demanded.
			refused(await ent.post('/api/cases', { item_id: item.id, form: GOOD, materials: [] }), 422, 'materials', /食品安全承诺书/);
			assert.equal(await mine(), before0, 'nothing stored');

			// Good values. The 申请书 is the form, the licence comes from the 电子证照库.
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form: GOOD, materials }), 201);
			assert.equal(cs.materials[0].status, 'provided');
			assert.equal(cs.materials[0].reused_from, 'online_form');
			assert.equal(cs.materials[1].status, 'provided');
			assert.equal(cs.materials[1].reused_from, 'licence_lib');
			assert.equal(cs.materials[1].sha256, null);
			assert.equal(cs.form.area, 66.5, 'a number given as text is stored as a number');
			assert.equal(cs.form.pledge, undefined);
			assert.match(cs.pledge_text, /真实、准确、完整、有效/);
			assert.ok(cs.pledged_at > 0);

			// Staff see them structured, in the version's order, with labels.
			const staff = ok(await clerk.get(`/api/cases/${cs.id}`));
			assert.deepEqual(staff.form_fields.map((f) => f.label), FIELDS.map((f) => f.label));
			const byKey = Object.fromEntries(staff.form_fields.map((f) => [f.key, f]));
			assert.equal(byKey.business_items.text, '热食类食品制售、自制饮品制售');
			assert.deepEqual(byKey.business_items.value, ['热食类食品制售', '自制饮品制售']);
			assert.equal(byKey.premises.text, '白河县城关镇新华街20号');
			assert.equal(byKey.area.text, '66.5');
			assert.equal(staff.pledge_text, cs.pledge_text);

			// The 申请表: the form itself, with the pledge as signed.
			const form = await docText(cs.id, 'application_form');
			for (const s of [`${ITEM}申请表`, cs.case_no, '原许可证编号', 'JY26109290000018', '经营场所', '白河县城关镇新华街20号',
				'餐饮服务经营者', '热食类食品制售、自制饮品制售', '赵秦川', '13991500009', '申请人承诺', '真实、准确、完整、有效']) {
				assert.ok(form.includes(s), `${s} on the 申请表:\n${form}`);
			}

			// Decided at once (即办件 with the window's decision): the licence takes the fields.
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', approve: true, deliver_method: 'window', version: staff.version }));
			assert.equal(cs.decision, 'approved');
			const lic = await docText(cs.id, 'certificate');
			for (const s of ['食品经营许可证', '白河县城关镇新华街20号', '餐饮服务经营者', '热食类食品制售、自制饮品制售', '赵秦川']) {
				assert.ok(lic.includes(s), `${s} on the licence:\n${lic}`);
			}
		});

		test('at the window the paper 申请书 is signed: values given are checked, none demanded', async () => {
			const up = await clerk.post('/api/uploads?name=m.pdf', new TextEncoder().encode(`%PDF-1.4\n% ${Math.random()}\n%%EOF\n`),
				{ headers: { 'Content-Type': 'application/pdf' } });
			const sha = ok(up, 201).sha256;
			const materials = [{ index: 0, sha256: sha }, { index: 2, sha256: sha }];
			const applicant = { kind: 'enterprise', idno: DEMO.enterprise, name: '白河县秦岭餐饮有限公司' };
			refused(await clerk.post('/api/cases/walkin', { item_id: item.id, applicant, form: { contact: '1399' }, materials }), 422, 'form.contact', /联系人手机/);
			const cs = ok(await clerk.post('/api/cases/walkin', { item_id: item.id, applicant, form: {}, materials }), 201);
			assert.equal(cs.materials[0].reused_from, null, 'the paper 申请书 was handed in');
			assert.equal(cs.materials[1].reused_from, 'licence_lib');
			assert.equal(cs.pledge_text, null);
		});
	});
}
