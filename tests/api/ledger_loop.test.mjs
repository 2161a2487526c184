// The quarterly ledger's loop over HTTP, on every database in ONETRIP_DBS:
// the watch (run by the sweeper) drafts every government department's ledger
// from the 16th of the quarter's last month and reminds the admins of those
// not submitted once a day up to the 23rd; after it a draft is flagged late,
// its department told, and one supervision ticket opened. The county roll-up
// shows each department's status; one ledger and the roll-up are exported as
// XLSX (the attachment's layout, read back here) and CSV.
//
// The server runs with --now 2026-12-10T10:00:00+08:00 and --no-jobs; the
// sweeper runs through `onetrip jobs run-once --now <day>`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import { startServer, dbKinds, Client, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';

const CHINESE = /[\u4e00-\u9fff]/;
const NOW = '2026-12-10T10:00:00+08:00';

function cli(args) {
	return new Promise((resolve) => {
		const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
		delete env.ONETRIP_DB;
		execFile(binPath(), args, { encoding: 'utf8', env, timeout: 120000 },
			(err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, out: stdout, err: stderr }));
	});
}

async function runJobs(srv, day) {
	const r = await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir,
		'--now', `${day}T10:00:00+08:00`]);
	assert.equal(r.code, 0, `jobs run-once ${day}: ${r.err}`);
}

function assertError(r, status, field) {
	assert.equal(r.status, status, r.text);
	assert.ok(r.json && r.json.error, r.text);
	if (field) assert.equal(r.json.error.field, field, r.text);
	assert.match(r.json.error.message, CHINESE);
}

// The entries of a ZIP archive (central directory), inflated.
function unzip(buf) {
	let eocd = buf.length - 22;
	while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
	assert.ok(eocd >= 0, 'a ZIP archive');
	const n = buf.readUInt16LE(eocd + 10);
	let p = buf.readUInt32LE(eocd + 16);
	const files = {};
	for (let i = 0; i < n; i++) {
		const method = buf.readUInt16LE(p + 10);
		const size = buf.readUInt32LE(p + 20);
		const nameLen = buf.readUInt16LE(p + 28);
		const extra = buf.readUInt16LE(p + 30);
		const comment = buf.readUInt16LE(p + 32);
		const local = buf.readUInt32LE(p + 42);
		const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
		const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
		const data = buf.subarray(start, start + size);
		files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
		p += 46 + nameLen + extra + comment;
	}
	return files;
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
	.replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// The one sheet as {cells: {A1: text}, merges: ['A1:I1', ...]}, and styles.
function readXlsx(buf) {
	const f = unzip(buf);
	const shared = [...(f['xl/sharedStrings.xml'] || '').matchAll(/<si>([\s\S]*?)<\/si>/g)]
		.map((m) => unxml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
	const sheet = f['xl/worksheets/sheet1.xml'];
	const cells = {};
	for (const m of sheet.matchAll(/<c r="([A-Z]+[0-9]+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
		const v = /<v>([\s\S]*?)<\/v>/.exec(m[3] || '');
		if (!v) continue;
		cells[m[1]] = /t="s"/.test(m[2]) ? shared[Number(v[1])] : v[1];
	}
	const merges = [...sheet.matchAll(/<mergeCell ref="([A-Z0-9:]+)"/g)].map((m) => m[1]);
	return { cells, merges, styles: f['xl/styles.xml'], sheet, workbook: f['xl/workbook.xml'] };
}

function parseCsv(text) {
	const rows = [];
	let row = [], cell = '', q = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
			else if (ch === '"') q = false;
			else cell += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') { row.push(cell); cell = ''; }
		else if (ch === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; }
		else cell += ch;
	}
	if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
	return rows;
}

for (const db of dbKinds()) {
	describe(`ledger loop, roll-up and export (${db})`, () => {
		let srv, hall, ducha, scjg, zj, depts;

		const download = async (client, p) => {
			const r = await fetch(srv.url + p, { headers: { Authorization: `Bearer ${client.token}` } });
			return { status: r.status, type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
		};
		const reminders = async (client) => (await client.get('/api/notifications?limit=100')).json.items
			.filter((n) => n.kind === 'ledger_remind');
		const rollup = async (client) => {
			const r = await client.get('/api/ledgers?year=2026&quarter=4');
			assert.equal(r.status, 200, r.text);
			return r.json;
		};

		before(async () => {
			srv = await startServer({ db, now: NOW, args: ['--no-jobs'] });
			const mk = async (who) => { const c = new Client(srv.url); await c.login(who, DEMO.password); return c; };
			hall = await mk(DEMO.hall);
			ducha = await mk(DEMO.ducha);
			scjg = await mk(DEMO.scjg_admin);
			zj = await mk(DEMO.zj_admin);
			const r = await hall.get('/api/departments');
			depts = Object.fromEntries(r.json.items.map((d) => [d.name, d.id]));
		});
		after(async () => {
			if (srv) assert.equal(await srv.stop(), 0);
		});

		test('the roll-up: every government department, the demo ledgers, scope and bad input', async () => {
			const r = await rollup(hall);
			assert.equal(r.due_day, '2026-12-23');
			assert.equal(r.phase, 'open');
			assert.ok(r.departments.length >= 20);
			const zjRow = r.departments.find((d) => d.dept_id === depts['县住建局']);
			assert.equal(zjRow.status, 'submitted');
			assert.ok(zjRow.n_rows > 0 && zjRow.filled === zjRow.n_rows, JSON.stringify(zjRow));
			assert.equal(r.departments.find((d) => d.dept_id === depts['县市场监管局']).status, 'none');
			assert.equal(r.counts.submitted, 1);
			assert.equal(r.counts.none + r.counts.submitted, r.counts.total);
			assert.ok(r.rows.length > 0 && r.rows.every((x) => x.dept === '县住建局'));
			// The previous quarter: both demo ledgers accepted.
			const q3 = (await hall.get('/api/ledgers?year=2026&quarter=3')).json;
			assert.equal(q3.counts.accepted, 2);
			assert.equal(q3.phase, 'late');
			// A department sees only itself.
			const own = await rollup(scjg);
			assert.deepEqual(own.departments.map((d) => d.dept_id), [depts['县市场监管局']]);
			assert.equal(own.rows.length, 0);
			assertError(await hall.get('/api/ledgers?year=2026&quarter=5'), 400, 'quarter');
			assertError(await hall.get('/api/ledgers?year=2026'), 400, 'quarter');
			assertError(await hall.get('/api/ledgers?year=abc&quarter=1'), 400);
		});

		test('reminders from the 16th once a day, none once submitted; late drafts escalate once', async () => {
			await runJobs(srv, '2026-12-15');
			assert.equal((await rollup(hall)).departments.find((d) => d.dept_id === depts['县市场监管局']).status, 'none');
			assert.equal((await reminders(scjg)).length, 0);

			await runJobs(srv, '2026-12-16');
			let r = await rollup(hall);
			const mine = r.departments.find((d) => d.dept_id === depts['县市场监管局']);
			assert.equal(mine.status, 'draft');
			assert.equal(mine.reminded_day, '2026-12-16');
			assert.equal(r.counts.none, 0, 'every government department has its draft');
			let got = await reminders(scjg);
			assert.equal(got.length, 1);
			assert.match(got[0].title, /2026-12-23/);
			assert.equal((await reminders(zj)).length, 0, 'a submitted ledger is not reminded');
			await runJobs(srv, '2026-12-16');
			assert.equal((await reminders(scjg)).length, 1, 'one reminder a day');
			await runJobs(srv, '2026-12-17');
			assert.equal((await reminders(scjg)).length, 2);

			// The department fills and submits: no more reminders, not late.
			const l = (await scjg.get(`/api/ledgers/${mine.ledger_id}`)).json;
			const rows = l.rows.map((x, i) => ({ seq: x.seq, plan: x.plan, progress: `第${i + 1}项：已完成“${x.deliverable}”`, remarks: i === 0 ? '=SUM(A1)' : '' }));
			const sub = await scjg.post(`/api/ledgers/${l.id}/submit`, { rows });
			assert.equal(sub.status, 200, sub.text);
			assert.equal(sub.json.late, false);
			await runJobs(srv, '2026-12-18');
			assert.equal((await reminders(scjg)).length, 2);

			// After the 23rd the drafts are late, each with one ticket.
			await runJobs(srv, '2026-12-24');
			r = await rollup(hall);
			const drafts = r.departments.filter((d) => d.status === 'draft');
			assert.ok(drafts.length > 10);
			assert.ok(drafts.every((d) => d.late));
			assert.equal(r.counts.late, drafts.length);
			assert.equal(r.departments.find((d) => d.dept_id === depts['县市场监管局']).late, false);
			const lateOne = drafts[0];
			const tickets = async () => (await ducha.get(`/api/supervise/tickets?ref_type=ledger&ref_id=${lateOne.ledger_id}`)).json.items;
			let t = await tickets();
			assert.equal(t.length, 1);
			assert.equal(t[0].dept_id, lateOne.dept_id);
			assert.match(t[0].title, /工作台账逾期未报送/);
			await runJobs(srv, '2026-12-25');
			t = await tickets();
			assert.equal(t.length, 1, 'one ticket per late ledger');
			const none = (await ducha.get(`/api/supervise/tickets?ref_type=ledger&ref_id=${mine.ledger_id}`)).json.items;
			assert.equal(none.length, 0, 'the submitted ledger raised no ticket');

			// The roll-up now holds the department's rows; the hall reviews them.
			r = await rollup(hall);
			const back = r.rows.filter((x) => x.dept_id === depts['县市场监管局']);
			assert.deepEqual(back.map((x) => x.progress).sort(), rows.map((x) => x.progress).sort());
			const acc = await hall.post(`/api/ledgers/${l.id}/review`, { accept: true });
			assert.equal(acc.status, 200, acc.text);
			assert.equal((await rollup(hall)).departments.find((d) => d.dept_id === depts['县市场监管局']).status, 'accepted');
		});

		test('the dashboard drill-down: each case figure lists its cases', async () => {
			const vol = (await ducha.get('/api/indicators/volume')).json;
			for (const key of ['open', 'overdue', 'stalled']) {
				const r = await ducha.get(`/api/indicators/case-list?key=${key}`);
				assert.equal(r.status, 200, r.text);
				assert.equal(r.json.items.length, Math.min(200, vol[key]), key);
			}
			// Closed cases of a month: the split by trips adds up, each row as its key says.
			const P = 'from=2026-11-01&to=2026-11-30';
			const closed = (await ducha.get(`/api/indicators/case-list?key=closed&${P}`)).json;
			assert.ok(closed.items.length > 0 && closed.items.length < 200, 'the demo has closed cases in November');
			assert.ok(closed.items.every((x) => x.closed_at > Date.parse('2026-10-31T16:00:00Z') / 1000 &&
				x.closed_at <= Date.parse('2026-11-30T16:00:00Z') / 1000));
			// The latest closed first (a supervisor looks at what just happened).
			const at = closed.items.map((x) => x.closed_at);
			assert.deepEqual(at, [...at].sort((a, b) => b - a), 'latest closed first');
			const le1 = (await ducha.get(`/api/indicators/case-list?key=le_one_trip&${P}`)).json;
			const over = (await ducha.get(`/api/indicators/case-list?key=over_one_trip&${P}`)).json;
			assert.ok(le1.items.every((x) => x.trips <= 1 && x.case_no && x.item && x.dept));
			assert.ok(over.items.every((x) => x.trips > 1));
			assert.equal(over.items.length + le1.items.length, closed.items.length);
			const online = (await ducha.get(`/api/indicators/case-list?key=online&${P}`)).json;
			const win = (await ducha.get(`/api/indicators/case-list?key=window&${P}`)).json;
			assert.equal(online.items.length + win.items.length, closed.items.length);
			// A department sees its own cases only; bad keys and periods fail clearly.
			const own = (await zj.get('/api/indicators/case-list?key=closed')).json;
			assert.ok(own.items.every((x) => x.dept === '县住建局'));
			assertError(await ducha.get('/api/indicators/case-list?key=nope'), 400, 'key');
			assertError(await ducha.get('/api/indicators/case-list?key=closed&from=2026-13-01'), 400);
		});

		test('XLSX in the attachment layout and CSV, read back equal to what was entered', async () => {
			const id = (await rollup(scjg)).departments[0].ledger_id;
			const l = (await scjg.get(`/api/ledgers/${id}`)).json;
			const x = await download(scjg, `/api/ledgers/${id}/export?format=xlsx`);
			assert.equal(x.status, 200);
			assert.match(x.type, /spreadsheetml/);
			const book = readXlsx(x.body);
			assert.equal(book.cells.A1, '优化办理流程工作台账');
			assert.match(book.cells.A2, /填报单位：县市场监管局/);
			assert.match(book.cells.A2, /2026年四季度/);
			assert.deepEqual(['A3', 'B3', 'C3', 'D3', 'E3', 'F3', 'H3', 'I3'].map((c) => book.cells[c]),
				['序号', '所属领域', '牵头单位', '参与单位', '成果形式', '工作计划', '进展情况', '备注']);
			assert.deepEqual([book.cells.F4, book.cells.G4], ['季度', '计划内容']);
			for (const m of ['A1:I1', 'A3:A4', 'B3:B4', 'F3:G3', 'I3:I4']) assert.ok(book.merges.includes(m), `merged ${m}`);
			assert.match(book.styles, /黑体/);
			assert.match(book.styles, /仿宋/);
			// The rows: one per ledger row, areas as merged groups.
			const n = l.rows.length;
			const progress = [], plans = [], remarks = [];
			for (let r = 5; r < 5 + n; r++) {
				progress.push(book.cells[`H${r}`]);
				plans.push(book.cells[`G${r}`]);
				remarks.push(book.cells[`I${r}`] ?? '');
				assert.equal(book.cells[`F${r}`], '四季度');
			}
			assert.deepEqual(progress, l.rows.map((r) => r.progress));
			assert.deepEqual(plans, l.rows.map((r) => r.plan));
			assert.deepEqual(remarks, l.rows.map((r) => r.remarks));
			const areas = ['深化改革优流程', '推进协同优流程', '创新机制优流程'];
			assert.ok(book.merges.some((m) => /^B5:B\d+$/.test(m)), 'the first area is a merged group');
			assert.deepEqual(Object.entries(book.cells).filter(([c]) => /^B\d+$/.test(c) && Number(c.slice(1)) >= 5).map(([, v]) => v), areas);
			// Text that looks like a formula stays text.
			assert.ok(!/<f>/.test(book.sheet));

			const c = await download(scjg, `/api/ledgers/${id}/export?format=csv`);
			assert.equal(c.status, 200);
			assert.match(c.type, /text\/csv/);
			const text = c.body.toString('utf8');
			assert.equal(text.charCodeAt(0), 0xfeff);
			const rows = parseCsv(text.slice(1));
			assert.deepEqual(rows[0], ['序号', '所属领域', '牵头单位', '参与单位', '成果形式', '季度', '工作计划', '进展情况', '备注']);
			assert.equal(rows.length, n + 1);
			assert.deepEqual(rows.slice(1).map((r) => r[7]), l.rows.map((r) => r.progress));
			assert.deepEqual(rows.slice(1).map((r) => r[8].replace(/^'/, '')), l.rows.map((r) => r.remarks));
			assert.equal(rows[1][8], "'=SUM(A1)", 'a formula-like cell is neutralised in CSV');

			// The county roll-up: the submitted ledgers with their department.
			const all = await download(hall, '/api/ledgers/export?year=2026&quarter=4&format=xlsx');
			assert.equal(all.status, 200);
			const county = readXlsx(all.body);
			assert.match(county.cells.A2, /汇总单位：县审改办/);
			assert.equal(county.cells.J3, '填报单位');
			const units = Object.entries(county.cells).filter(([k]) => /^J\d+$/.test(k) && Number(k.slice(1)) >= 5).map(([, v]) => v);
			assert.deepEqual([...new Set(units)].sort(), ['县住建局', '县市场监管局'].sort());
			const allCsv = await download(ducha, '/api/ledgers/export?year=2026&quarter=4&format=csv');
			assert.equal(allCsv.status, 200);
			assert.equal(parseCsv(allCsv.body.toString('utf8').slice(1)).length, units.length + 1);

			// Who may export what; bad formats.
			assert.equal((await download(scjg, '/api/ledgers/export?year=2026&quarter=4&format=xlsx')).status, 403);
			assert.equal((await download(zj, `/api/ledgers/${id}/export?format=xlsx`)).status, 403);
			assertError(await hall.get(`/api/ledgers/${id}/export?format=pdf`), 400, 'format');
			assertError(await hall.get('/api/ledgers/export?year=2026&quarter=4'), 400, 'format');
			assertError(await hall.get('/api/ledgers/999999/export?format=csv'), 404);
		});
	});
}
