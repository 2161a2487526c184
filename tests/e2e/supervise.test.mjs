// Supervision pages in a real browser: a stalled case raises a ticket that
// escalates, the department answers and resolves it on the tickets page,
// the supervisor closes it; a notice is issued, answered, sent back and
// accepted; a leader's walk-through yields a ticket; the desk shows its
// numbers (read-only for the hall admin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, binPath, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, settled } from './helpers.mjs';

const NOW = '2026-11-02T10:00:00+08:00';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let browser;
let srv;

function cli(args) {
  return new Promise((resolve, reject) => {
    execFile(binPath(), args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

function runJobs(day) {
  return cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', `${day}T10:00:00+08:00`]);
}

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

async function api(who) {
  const c = new Client(srv.url);
  await c.login(who, DEMO.password);
  return c;
}

async function pickDate(scope, name, day) {
  const input = field(scope, name);
  await input.click();
  await input.fill(day);
  await input.press('Enter');
}

async function acceptedCase() {
  const person = await api(DEMO.person);
  const clerk = await api(DEMO.scjg_clerk);
  const hall = await api(DEMO.hall);
  const wins = (await hall.get('/api/windows')).json.items;
  const sj = wins.find((w) => w.name === '市场监管专窗');
  const items = (await hall.get(`/api/windows/${sj.id}/items`)).json.items;
  let r;
  for (const it of items) {
    const g = await person.get(`/api/guide/items/${it.id}`);
    if (g.status !== 200) continue;
    const mats = g.json.materials || g.json.elements?.materials || g.json.item?.materials || [];
    const materials = [];
    for (let i = 0; i < mats.length; i++) {
      if (mats[i].necessity !== 'required') continue;
      const u = await person.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
      materials.push({ index: i, sha256: u.json.sha256 });
    }
    r = await person.post('/api/cases', { item_id: it.id, form: {}, materials });
    if (r.status !== 201) continue;
    r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
    if (r.status === 200 && (r.json.budget_days || 0) >= 10) return r.json;
  }
  throw new Error('no item at the 市场监管 window could be applied for and accepted with a long time limit');
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('a stalled case raises a ticket that escalates; the department answers and resolves it; the supervisor closes it', async () => {
  const base = srv.url;
  const k = await acceptedCase();
  await runJobs('2026-11-09'); // five working days without a step
  await runJobs('2026-11-24'); // past the promised date: 县职转办
  const ducha = await api(DEMO.ducha);
  const t = (await ducha.get(`/api/supervise/tickets?case_id=${k.id}&source=stalled`)).json.items[0];
  assert.ok(t, 'a ticket for the stalled case');

  await withPage(browser, 'supervise-ticket-dept', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/tickets');
    const row = page.locator('[data-test=ticket-table] .el-table__row', { hasText: k.case_no }).filter({ hasText: '久拖无进展' });
    await row.waitFor();
    assert.match(await row.innerText(), /县职转办督办/);
    await row.click();
    await page.locator('[data-test=ticket-answer]').click();
    const d = dialog(page);
    await field(d, 'act-reason').fill('审批人员外出培训');
    await field(d, 'act-measures').fill('安排 AB 角当日接办');
    await d.locator('[data-test=act-save]').click();
    await page.locator('[data-test=ticket-status-label]', { hasText: '整改中' }).waitFor();
    await page.locator('[data-test=ticket-resolve]').click();
    await field(dialog(page), 'act-result').fill('办件已于当日办结');
    await dialog(page).locator('[data-test=act-save]').click();
    await page.locator('[data-test=ticket-status-label]', { hasText: '已办结待评价' }).waitFor();
  });

  await withPage(browser, 'supervise-ticket-close', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise/tickets');
    await page.locator('[data-test=ticket-table] .el-table__row', { hasText: k.case_no }).filter({ hasText: '久拖无进展' }).click();
    assert.equal(await page.locator('[data-test=ticket-answer]').count(), 0, 'the supervisor cannot answer for the department');
    await page.locator('[data-test=ticket-close]').click();
    await field(dialog(page), 'act-note').fill('已核实办结');
    await dialog(page).locator('[data-test=act-save]').click();
    await page.locator('[data-test=ticket-status-label]', { hasText: '已关闭' }).waitFor();
    await page.screenshot({ path: '/tmp/e2e-supervise-ticket-1366.png' });
  });
});

test('a notice is issued, answered, sent back, answered again and accepted', async () => {
  const base = srv.url;
  const title = '窗口授权不到位（端到端）';
  await withPage(browser, 'supervise-notice-issue', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise/notices');
    await page.locator('[data-test=notice-new]').click();
    const d = dialog(page);
    await field(d, 'notice-title').fill(title);
    await d.locator('[data-test=notice-depts]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '县市场监管局' }).click();
    await page.keyboard.press('Escape');
    await field(d, 'notice-finding').fill('部分进驻事项仍回原单位审批。');
    await field(d, 'notice-basis').fill('白政办发〔2024〕1号 三（四）');
    await field(d, 'notice-rect').fill('授予窗口审批决定权。');
    await pickDate(d, 'notice-deadline', '2026-11-30');
    await d.locator('[data-test=notice-save]').click();
    await page.locator('.el-collapse-item', { hasText: title }).waitFor();
  });

  const answer = async (text) => withPage(browser, 'supervise-notice-answer', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/notices');
    const item = page.locator('.el-collapse-item', { hasText: title });
    await item.locator('.el-collapse-item__header').click();
    // The item opens with a transition: a click during it may be lost.
    await settled(page);
    await item.locator('[data-test=notice-answer]').click();
    await field(dialog(page), 'notice-act-text').fill(text);
    await dialog(page).locator('[data-test=notice-act-save]').click();
    await item.locator('[data-test=notice-dept-status]', { hasText: '已报送待审核' }).waitFor();
  });
  const review = async (accept) => withPage(browser, 'supervise-notice-review', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise/notices');
    const item = page.locator('.el-collapse-item', { hasText: title });
    await item.locator('.el-collapse-item__header').click();
    await settled(page);
    await item.locator(accept ? '[data-test=notice-accept]' : '[data-test=notice-return]').click();
    await field(dialog(page), 'notice-act-text').fill(accept ? '通过' : '缺少授权文件');
    await dialog(page).locator('[data-test=notice-act-save]').click();
    await item.locator('[data-test=notice-dept-status]', { hasText: accept ? '整改通过' : '已退回重改' }).waitFor();
  });
  await answer('已授权 12 个事项。');
  await review(false);
  await answer('已补充授权文件。');
  await review(true);
});

test('a leader\'s walk-through yields a ticket; the desk shows numbers, read-only for the hall admin', async () => {
  const base = srv.url;
  await withPage(browser, 'supervise-walkthrough', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/sittings');
    await page.locator('[data-test=sitting-new]').click();
    const d = dialog(page);
    await d.locator('[data-test=sitting-walk]').click();
    await field(d, 'sitting-leader').fill('周海涛');
    await pickDate(d, 'sitting-day', '2026-11-02');
    await field(d, 'sitting-steps').fill('网上申请—窗口受理—发证');
    await field(d, 'sitting-problems').fill('窗口要求的材料与办事指南不一致（走流程发现）');
    await d.locator('[data-test=sitting-save]').click();
    await page.locator('.el-message', { hasText: '生成 1 张问题工单' }).waitFor();
    await page.goto(base + '/supervise/tickets');
    await page.locator('[data-test=ticket-table] .el-table__row', { hasText: '窗口要求的材料与办事指南不一致' }).waitFor();
  });
  await withPage(browser, 'supervise-desk', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise');
    await page.locator('[data-test=desk-table] .el-table__row').first().waitFor();
    assert.ok(Number(await page.locator('[data-test=desk-tickets_open] b').innerText()) >= 1);
    await page.screenshot({ path: '/tmp/e2e-supervise-desk-1366.png' });
    // Filtered by a window: the number of open tickets clicks through to the
    // same tickets on the tickets page; the bad ratings open their list.
    const ducha = await api(DEMO.ducha);
    const wins = (await ducha.get('/api/windows')).json.items;
    let win = null;
    let n = 0;
    for (const w of wins) {
      n = (await ducha.get(`/api/supervise/desk?window_id=${w.id}`)).json.totals.tickets_open;
      if (n > 0) { win = w; break; }
    }
    assert.ok(win, 'a window with open tickets');
    await page.locator('[data-test=desk-window]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: win.name }).first().click();
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('[data-test=desk-tickets_open] b', { hasText: String(n) }).waitFor();
    const bad = Number(await page.locator('[data-test=desk-bad_ratings] b').innerText());
    if (bad > 0) {
      await page.locator('[data-test=desk-bad_ratings]').click();
      await dialog(page).locator('[data-test=desk-list] .el-table__row').first().waitFor();
      assert.equal(await dialog(page).locator('[data-test=desk-list] .el-table__row').count(), Math.min(bad, 200));
      await dialog(page).locator('.el-dialog__headerbtn').click();
    }
    await page.locator('[data-test=desk-tickets_open]').click();
    await page.locator('[data-test=ticket-desk-filter]').waitFor();
    assert.match(page.url(), new RegExp(`window_id=${win.id}`));
    await page.locator('[data-test=ticket-table] .el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-test=ticket-table] .el-table__row').count(), n);
  });
  await withPage(browser, 'supervise-desk-hall', async (page) => {
    await loginAs(page, base, DEMO.hall, DEMO.password);
    await page.goto(base + '/supervise');
    await page.locator('[data-test=desk-readonly]').waitFor();
  });
});
