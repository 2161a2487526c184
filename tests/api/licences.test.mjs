// Licences and notices as issued, on every database in ONETRIP_DBS: each
// document is rendered (pdftoppm) and its text read (pdftotext). The
// 食品经营许可证 carries the JY number, a five-year term from the decision,
// 经营者名称, 经营场所, 主体业态, 经营项目 from the application form, and the
// holder's full identity; the 补正通知书 states its deadline.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, dbKinds, Client } from '../lib/server.mjs';
import { DEMO, demoForm } from '../lib/demo.mjs';

const NOW = '2026-09-29T10:00:00+08:00';
const FOOD = '食品经营许可（新办）';

function run(cmd, args) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { encoding: 'utf8' }, (err, out, stderr) => (err ? reject(new Error(`${cmd}: ${stderr}`)) : resolve(out)));
	});
}

function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.json;
}

for (const db of dbKinds()) {
	describe(`licences (${db})`, () => {
		let srv, ent, clerk, sp, dir;

		async function as(login) {
			const c = new Client(srv.url);
			await c.login(login, DEMO.password);
			return c;
		}
		async function upload(tag) {
			const body = new TextEncoder().encode(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`);
			const u = await ent.post(`/api/uploads?name=${tag}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
			assert.equal(u.status, 201, u.text);
			return u.json.sha256;
		}
		// The document of a kind once rendered: its text (pdftotext -layout)
		// and a page rendered by pdftoppm.
		async function docText(caseId, kind) {
			let d;
			for (let i = 0; i < 150; i++) {
				const r = ok(await ent.get(`/api/cases/${caseId}/documents`));
				d = (r.items || r).find((x) => x.kind === kind);
				if (d && d.status === 'ready') break;
				await new Promise((res) => setTimeout(res, 100));
			}
			assert.equal(d && d.status, 'ready', `${kind} rendered`);
			const r = await fetch(`${srv.url}/api/documents/${d.id}/pdf`, { headers: { Authorization: `Bearer ${ent.token}` } });
			assert.equal(r.status, 200);
			const pdf = join(dir, `${kind}.pdf`);
			writeFileSync(pdf, Buffer.from(await r.arrayBuffer()));
			await run('pdftoppm', ['-r', '40', '-png', '-f', '1', '-l', '1', pdf, join(dir, kind)]);
			assert.ok(readdirSync(dir).some((f) => f.startsWith(kind) && f.endsWith('.png')), 'pdftoppm renders it');
			return (await run('pdftotext', ['-layout', pdf, '-'])).replace(/[ \t]+/g, ' ');
		}

		before(async () => {
			dir = mkdtempSync(join(tmpdir(), 'onetrip-licences-'));
			srv = await startServer({ db, now: NOW });
			[ent, clerk, sp] = await Promise.all([DEMO.enterprise, DEMO.scjg_clerk, DEMO.scjg_sp].map(as));
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
			if (dir) rmSync(dir, { recursive: true, force: true });
		});

		test('食品经营许可证: JY number, five years, the form fields, full identity; 补正通知书 with its deadline', async () => {
			let r = ok(await ent.get(`/api/guide/items?q=${encodeURIComponent(FOOD)}&limit=50`));
			const item = r.items.find((i) => i.name === FOOD);
			const materials = [];
			for (let i = 0; i < 6; i++) materials.push({ index: i, sha256: await upload(`m${i}`) });
			// The item's electronic form (经营项目 a multiple choice).
			const form = demoForm(FOOD, {
				premises: '白河县城关镇新华街12号一层', business_type: '餐饮服务经营者',
				business_items: ['热食类食品制售', '冷食类食品制售'], legal_rep: '王建国',
			});
			let cs = ok(await ent.post('/api/cases', { item_id: item.id, form, materials }), 201);
			cs = ok(await clerk.post(`/api/cases/${cs.id}/supplement-request`, {
				items: [{ index: 3, problem: '布局图未标注操作流程' }], version: cs.version,
			}));
			const sup = await docText(cs.id, 'supplement_notice');
			assert.match(sup, /补正材料通知书/);
			assert.match(sup, /请于2026年10月\d+日前/);
			assert.match(sup, /布局图未标注操作流程/);

			cs = ok(await ent.post(`/api/cases/${cs.id}/supplement`, { materials: [{ index: 3, sha256: await upload('fix') }] }));
			cs = ok(await clerk.post(`/api/cases/${cs.id}/accept`, { mode: 'normal', version: cs.version }));
			for (const a of ['forward', 'pass', 'approve']) {
				const who = a === 'forward' ? clerk : sp;
				cs = ok(await who.post(`/api/cases/${cs.id}/actions/${a}`, { version: cs.version, reason: '符合条件' }));
			}
			const lic = await docText(cs.id, 'certificate');
			assert.match(lic, /食品经营许可证/);
			const no = /JY(\d{14})/.exec(lic);
			assert.ok(no, lic);
			assert.equal(no[1][0], '2', '主体业态 2: 餐饮服务经营者');
			assert.equal(no[1].slice(1, 7), '610929', 'the county');
			// Luhn check digit.
			const digits = no[1].slice(0, 13).split('').map(Number).reverse();
			const sum = digits.reduce((s, v, k) => s + (k % 2 === 0 ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v), 0);
			assert.equal(Number(no[1][13]), (10 - (sum % 10)) % 10);
			assert.match(lic, /有效期至 ?2031年9月28日/);
			assert.match(lic, /发证日期 ?2026年9月29日/);
			for (const s of ['经营者名称', '经营场所', '主体业态', '经营项目', '白河县城关镇新华街12号一层',
				'餐饮服务经营者', '热食类食品制售、冷食类食品制售', '王建国', DEMO.enterprise]) {
				assert.ok(lic.includes(s), `${s} on the licence:\n${lic}`);
			}
			assert.ok(!/长期/.test(lic), 'not 长期');
		});
	});
}
