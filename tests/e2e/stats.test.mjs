// The scoreboard pages in a real browser: the county dashboard (a number
// opens the cases behind it) and the quarterly ledger (a department fills
// and submits its ledger; the hall sees it in the county roll-up and
// accepts it). The server runs on the real clock so that the page's
// current quarter is the server's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

let browser;
let srv;

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', args: ['--no-jobs'] });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('dashboard: the five indicators against their targets; a case number lists its cases', async () => {
  const base = srv.url;
  await withPage(browser, 'stats-dashboard', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/dashboard');
    for (const k of ['time_reduction', 'max_one_trip', 'instant', 'online', 'full_online']) {
      await page.locator(`[data-test=dash-kpi-${k}]`).waitFor();
    }
    assert.match(await page.locator('[data-test=dash-kpi-online]').innerText(), /目标 ≥ 90%/);
    await page.locator('[data-test=trend-chart] canvas').waitFor();

    // 在办 N → the N open cases.
    const num = page.locator('[data-test=case-num-open]');
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=case-num-open]')?.textContent.trim()));
    const n = Number((await num.innerText()).trim());
    assert.ok(n > 0, 'the demo has open cases');
    await num.click();
    const dlg = page.locator('[data-test=case-list]');
    await dlg.locator('.el-dialog__title', { hasText: `（${Math.min(n, 200)} 件）` }).waitFor();
    assert.equal(await dlg.locator('.el-table__body-wrapper .el-table__row').count(), Math.min(n, 200));
    assert.match(await dlg.innerText(), /BH\d|在办/);
    await dlg.locator('.el-dialog__headerbtn').click();

    // An indicator lists the items that do not meet it.
    await page.locator('[data-test=dash-kpi-online]').click();
    await page.locator('[data-test=item-list] .el-dialog__title', { hasText: '网上可办' }).waitFor();
    await page.locator('[data-test=item-list] .el-dialog__headerbtn').click();

    // The demo's closed history counts: 办结 since the notice.
    assert.ok(Number((await page.locator('[data-test=case-num-closed]').innerText()).trim()) >= 240);
    // 差评 N → the N bad ratings; the open tickets → the tickets page, filtered.
    await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-test=dash-bad]')?.textContent.trim()));
    const bad = Number((await page.locator('[data-test=dash-bad]').innerText()).trim());
    assert.ok(bad > 0, 'the demo has bad ratings');
    assert.match(await page.locator('[data-test=dash-satisfied]').innerText(), /^\d+(\.\d+)?%$/);
    await page.locator('[data-test=dash-bad]').click();
    const rl = page.locator('[data-test=rating-list]');
    await rl.locator('.el-table__body-wrapper .el-table__row').first().waitFor();
    assert.equal(await rl.locator('.el-table__body-wrapper .el-table__row').count(), Math.min(bad, 200));
    await rl.locator('.el-dialog__headerbtn').click();
    // The large screen and back.
    await page.locator('[data-test=dash-screen]').click();
    await page.locator('.ot-dash.is-screen').waitFor();
    await page.screenshot({ path: '/tmp/e2e-dashboard-screen.png' });
    await page.locator('[data-test=dash-screen]').click();
    await page.locator('.ot-dash:not(.is-screen)').waitFor();
    const open = Number((await page.locator('[data-test=dash-tickets]').innerText()).trim());
    assert.ok(open > 0, 'the demo has open tickets');
    await page.locator('[data-test=dash-tickets]').click();
    await page.waitForURL(/\/supervise\/tickets\?open=1/);
    await page.locator('[data-test=ticket-table] .el-table__row').first().waitFor();
    assert.equal(await page.locator('[data-test=ticket-table] .el-table__row').count(), open);
  });
});

test('ledger: a department fills and submits; the hall sees the roll-up and accepts', async () => {
  const base = srv.url;
  const hallApi = new Client(base);
  await hallApi.login(DEMO.hall, DEMO.password);
  const dept = (await hallApi.get('/api/departments')).json.items.find((d) => d.name === '县市场监管局');
  const progress = `已梳理容缺受理事项清单 ${Date.now()}`;

  await withPage(browser, 'stats-ledger-dept', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/ledger');
    await page.locator('[data-test=ledger-open]').click();
    await page.locator('[data-test=own-status]', { hasText: '填报中' }).waitFor();
    const first = page.locator('textarea[data-test=progress-0], [data-test=progress-0] textarea').first();
    await first.fill(progress);
    await page.locator('[data-test=ledger-save]').click();
    await page.locator('.el-message--success', { hasText: '已保存' }).waitFor();
    await page.locator('[data-test=ledger-submit]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('[data-test=own-status]', { hasText: '已报送' }).waitFor();
    assert.match(await page.locator('[data-test=own-rows]').innerText(), new RegExp(progress));
  });

  await withPage(browser, 'stats-ledger-hall', async (page) => {
    await loginAs(page, base, DEMO.hall, DEMO.password);
    await page.goto(base + '/ledger');
    const row = page.locator('[data-test=rollup-depts] .el-table__row', { hasText: '县市场监管局' });
    await row.waitFor();
    assert.match(await row.innerText(), /已报送/);
    await page.locator('[data-test=rollup-rows]', { hasText: progress }).waitFor();
    await page.locator(`[data-test=accept-${dept.id}]`).click();
    await page.locator('.el-message--success', { hasText: '已审核通过' }).waitFor();
    await page.locator('[data-test=rollup-depts] .el-table__row', { hasText: '县市场监管局' }).filter({ hasText: '已审核' }).waitFor();
    const href = await page.locator('[data-test=rollup-export-xlsx]').getAttribute('href');
    assert.match(href, /\/api\/ledgers\/export\?year=\d{4}&quarter=[1-4]&format=xlsx/);
  });
});
