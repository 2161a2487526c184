// Supervision checks in a real browser: a department reports a month's
// volumes and a gap with the platform's cases raises a ticket (体外循环); the
// department uploads its signed 进驻方案, the supervisor accepts it, assesses
// the department and the findings become a notice the department sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

const NOW = '2026-11-02T10:00:00+08:00';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let browser;
let srv;

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

async function pickDate(scope, name, day) {
  const input = field(scope, name);
  await input.click();
  await input.fill(day);
  await input.press('Enter');
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('体外循环: a department reports a month\'s volumes, a gap raises a ticket the supervisor sees', async () => {
  const base = srv.url;
  await withPage(browser, 'supervise-volumes-dept', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/volumes');
    await page.locator('[data-test=volume-new]').click();
    const d = dialog(page);
    await pickDate(d, 'volume-month', '2026-09');
    const row = field(d, 'volume-row-0');
    await row.waitFor();
    await row.fill('40');
    await row.press('Tab');
    await d.locator('[data-test=volume-save]').click();
    await page.locator('.el-message', { hasText: '疑似体外循环' }).waitFor();
    await page.locator('[data-test=volume-table] .el-table__row', { hasText: '2026-09' }).filter({ hasText: '疑似体外循环' }).waitFor();
  });
  await withPage(browser, 'supervise-volumes-ducha', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise/volumes');
    const row = page.locator('[data-test=volume-table] .el-table__row', { hasText: '2026-09' }).filter({ hasText: '县市场监管局' });
    await row.waitFor();
    assert.match(await row.innerText(), /#\d+/);
    await page.locator('[data-test=quick-table]').waitFor();
    await page.screenshot({ path: '/tmp/e2e-supervise-volumes-1366.png' });
  });
});

test('评估验收: evidence uploaded and accepted, the department assessed, the findings issued as a notice', async () => {
  const base = srv.url;
  await withPage(browser, 'supervise-evidence', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/assess');
    await page.locator('[data-test=assess-checks] .el-table__row').first().waitFor();
    await page.locator('[data-test=evidence-new]').click();
    const d = dialog(page);
    await field(d, 'evidence-note').fill('局长签字盖章的进驻方案（端到端）');
    await d.locator('[data-test=evidence-file]').setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: PDF });
    await d.locator('[data-test=evidence-save]').click();
    await page.locator('[data-test=evidence-table] .el-table__row', { hasText: '端到端' }).filter({ hasText: '待审核' }).waitFor();
  });
  let noticeNo;
  await withPage(browser, 'supervise-assess', async (page) => {
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    await page.goto(base + '/supervise/assess');
    await page.locator('[data-test=assess-dept]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '县市场监管局' }).click();
    await page.locator('[data-test=assess-checks] .el-table__row').first().waitFor();
    const ev = page.locator('[data-test=evidence-table] .el-table__row', { hasText: '端到端' });
    await ev.locator('[data-test=evidence-accept]').click();
    await ev.filter({ hasText: '已通过' }).waitFor();
    await page.locator('[data-test=assess-new]').click();
    const d = dialog(page);
    await pickDate(d, 'assess-deadline', '2026-12-31');
    await d.locator('[data-test=assess-save]').click();
    const row = page.locator('[data-test=assess-table] .el-table__row', { hasText: '县市场监管局' }).first();
    await row.locator('[data-test=assess-notice]').waitFor();
    noticeNo = (await row.locator('[data-test=assess-notice]').innerText()).replace(/（.*$/, '');
    assert.match(noticeNo, /^白督通〔2026〕\d+号$/);
    await page.screenshot({ path: '/tmp/e2e-supervise-assess-1366.png' });
  });
  await withPage(browser, 'supervise-assess-notice', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/supervise/notices');
    await page.locator('.el-collapse-item', { hasText: '评估验收整改通知' }).first().waitFor();
  });
});
