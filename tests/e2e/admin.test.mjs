// The administration pages in a real browser: the hall admin asks for a
// staff account on 账户管理 (a request, not an account), cannot approve
// their own request, and another administrator approves it on 审批申请;
// the hall admin reads the audit log with a filter and checks the chain,
// and reads the settings; a window clerk cannot open any of them and the
// supervisor opens only the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, menuTexts } from './helpers.mjs';

let browser;
let srv;

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

// The pages render tables of 30-50 rows after their chunk loads; on a
// machine shared by many test runs that takes longer than the helpers'
// 10 s default.
const SLOW_PAGE_MS = 25000;

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', args: ['--no-jobs'] });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('a staff account is asked for on 账户管理 and approved by another administrator on 审批申请', async () => {
  const base = srv.url;
  await withPage(browser, 'admin-users-ask', async (page) => {
    page.setDefaultTimeout(SLOW_PAGE_MS);
    await loginAs(page, base, DEMO.hall, DEMO.password);
    assert.ok((await menuTexts(page)).includes('账户管理'));
    await page.goto(base + '/admin/users');
    await page.locator('[data-test=users-table] .el-table__row', { hasText: DEMO.window01 }).waitFor();
    await page.locator('[data-test=users-new]').click();
    const d = dialog(page);
    await field(d, 'new-login').fill('e2e_clerk');
    await field(d, 'new-name').fill('窗口新人');
    await d.locator('[data-test=new-roles] .el-checkbox', { hasText: '窗口人员' }).click();
    await d.locator('[data-test=new-dept]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '县市场监管局' }).click();
    await field(d, 'new-password').fill('Kx9#e2e-clerk');
    // Conflicting roles first: the service's message, nothing filed.
    await d.locator('[data-test=new-roles] .el-checkbox', { hasText: '审批人员' }).click();
    await d.locator('[data-test=new-submit]').click();
    await page.locator('.el-message', { hasText: '不相容岗位不能由一人兼任' }).waitFor();
    await d.locator('[data-test=new-roles] .el-checkbox', { hasText: '审批人员' }).click();
    await d.locator('[data-test=new-submit]').click();
    await page.locator('.el-message', { hasText: '已提交开户申请' }).waitFor();
    await page.locator('[data-test=users-requests] .el-table__row', { hasText: '窗口新人' }).waitFor();
    await field(page, 'users-q').fill('e2e_clerk');
    await page.locator('[data-test=users-search]').click();
    const row = page.locator('[data-test=users-table] .el-table__row', { hasText: 'e2e_clerk' });
    // (.first(): a re-rendered row's old tag may still be fading out.)
    await row.locator('[data-test=users-status]', { hasText: '开户待审批' }).first().waitFor();
    // The one who asked cannot approve (四眼原则).
    await page.goto(base + '/hall/requests');
    const req = page.locator('[data-test=rq-table] .el-table__row', { hasText: '窗口新人' });
    await req.locator('[data-test=rq-approve]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message', { hasText: '申请人以外的管理员审批' }).waitFor();
  });
  await withPage(browser, 'admin-users-approve', async (page) => {
    page.setDefaultTimeout(SLOW_PAGE_MS);
    await loginAs(page, base, DEMO.admin, DEMO.password);
    await page.goto(base + '/hall/requests');
    const req = page.locator('[data-test=rq-table] .el-table__row', { hasText: '窗口新人' });
    await req.locator('[data-test=rq-approve]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message', { hasText: '已批准' }).waitFor();
    await page.goto(base + '/admin/users');
    await page.locator('[data-test=users-table] .el-table__row', { hasText: DEMO.window01 }).waitFor();
    await field(page, 'users-q').fill('e2e_clerk');
    await page.locator('[data-test=users-search]').click();
    await page.locator('[data-test=users-table] .el-table__row', { hasText: 'e2e_clerk' })
      .locator('[data-test=users-status]', { hasText: '正常' }).first().waitFor();
  });
});

test('the hall admin filters the audit log, checks the chain and reads the settings', async () => {
  const base = srv.url;
  await withPage(browser, 'admin-audit-settings', async (page) => {
    page.setDefaultTimeout(SLOW_PAGE_MS);
    await loginAs(page, base, DEMO.hall, DEMO.password);
    await page.goto(base + '/admin/audit');
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    await field(page, 'audit-actor').fill('hall');
    await page.locator('[data-test=audit-search]').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-test=audit-table] .el-table__body-wrapper .el-table__row')];
      return rows.length > 0 && rows.every((r) => r.textContent.includes('hall'));
    });
    const href = await page.locator('[data-test=audit-export]').getAttribute('href');
    assert.match(href, /^\/api\/audit\/export\?.*actor=hall/);
    await page.locator('[data-test=audit-verify]').click();
    await page.locator('[data-test=audit-check]', { hasText: '审计日志链完整' }).waitFor();

    await page.goto(base + '/admin/settings');
    await page.locator('[data-test=settings-note]', { hasText: '--config' }).waitFor();
    const rule = page.locator('[data-test=settings-rules] .el-table__row', { hasText: 'case.supplement_timeout_days' });
    await rule.locator('[data-test=settings-basis]', { hasText: '本地规定' }).waitFor();
    await page.locator('[data-test=settings-rules] .el-table__row', { hasText: 'rules.extension_max_days' })
      .locator('[data-test=settings-basis]', { hasText: '行政许可法' }).waitFor();
    await page.locator('[data-test=settings-group-login] .ot-mono', { hasText: /^login\.lock_seconds$/ }).waitFor();
    assert.equal(await page.locator('[data-test=placeholder]').count(), 0);
  });
});

test('a window clerk opens none of the administration pages; the supervisor only the audit log', async () => {
  const base = srv.url;
  await withPage(browser, 'admin-clerk', async (page) => {
    page.setDefaultTimeout(SLOW_PAGE_MS);
    await loginAs(page, base, DEMO.window01, DEMO.password);
    const menu = await menuTexts(page);
    for (const t of ['账户管理', '审计日志', '系统设置']) assert.ok(!menu.includes(t), t);
    for (const p of ['/admin/users', '/admin/audit', '/admin/settings']) {
      await page.goto(base + p);
      await page.waitForURL(base + '/');
      await page.locator('[data-test=welcome]').waitFor();
    }
  });
  await withPage(browser, 'admin-supervisor', async (page) => {
    page.setDefaultTimeout(SLOW_PAGE_MS);
    await loginAs(page, base, DEMO.ducha, DEMO.password);
    const menu = await menuTexts(page);
    assert.ok(menu.includes('审计日志'));
    assert.ok(!menu.includes('账户管理') && !menu.includes('系统设置'));
    await page.goto(base + '/admin/audit');
    await page.locator('[data-test=audit-table] .el-table__row').first().waitFor();
    await page.goto(base + '/admin/settings');
    await page.waitForURL(base + '/');
  });
});
