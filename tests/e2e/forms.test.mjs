// Browser test of the electronic form (电子表单): at 1366 an enterprise fills
// the 食品经营许可（新办） form (the commitment unticked until it is read, a
// missing field named beside it, the 申请书 filled in online and the licences
// fetched from the 电子证照库 not demanded), staff see the values
// structured; at phone size (390) a person applies for 个体工商户设立登记.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import { DEMO, DEMO_FORMS } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, fillApplyForm } from './helpers.mjs';

const FOOD = '食品经营许可（新办）';
const SOLE = '个体工商户设立登记';
const PHONE390 = { width: 390, height: 844 };

let browser;
let srv;
let dir;
let pdf;

async function itemId(name) {
  const r = await fetch(`${srv.url}/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
  const it = (await r.json()).items.find((x) => x.name === name);
  assert.ok(it, name);
  return it.id;
}

async function upload(page, index) {
  const row = page.locator(`[data-test=material-${index}]`);
  const resp = page.waitForResponse((r) => r.url().includes('/api/uploads'));
  await row.locator('[data-test=material-input]').setInputFiles(pdf);
  assert.equal((await resp).status(), 201);
  await row.locator('[data-test=material-file]').waitFor();
}

async function submit(page) {
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await page.locator('[data-test=apply-submit]').click();
  const r = await resp;
  assert.equal(r.status(), 201, await r.text());
  await page.locator('[data-test=apply-done]').waitFor();
  return r.json();
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onetrip-e2e-forms-'));
  pdf = path.join(dir, '布局图.pdf');
  writeFileSync(pdf, ['%PDF-1.4', `% ${Date.now()}`, '1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj',
    '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj',
    '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj', 'trailer <</Root 1 0 R>>', '%%EOF', ''].join('\n'));
  // No background jobs: the page is what is tested, not the renderer.
  [browser, srv] = await Promise.all([launchBrowser(), startServer({ db: 'sqlite', now: '2026-09-29T10:00:00+08:00', args: ['--no-jobs'] })]);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('1366: the form of 食品经营许可（新办）, the unticked commitment, staff see the values', async () => {
  const id = await itemId(FOOD);
  let caseId;
  await withPage(browser, 'forms-apply-1366', async (page) => {
    await loginAs(page, srv.url, DEMO.enterprise, DEMO.password);
    await page.goto(`${srv.url}/apply?item=${id}`);
    await page.locator('[data-test=apply-form-title]').waitFor();
    // The 申请书 is this form; the licences come from the 电子证照库.
    assert.match(await page.locator('[data-test=material-0] [data-test=material-attached]').innerText(), /在线填写/);
    assert.match(await page.locator('[data-test=material-1] [data-test=material-attached]').innerText(), /已调取/);
    assert.match(await page.locator('[data-test=material-2] [data-test=material-attached]').innerText(), /已调取/);
    // Never ticked in advance; the full text beside the box.
    assert.equal(await page.locator('[data-test=apply-promise] input').isChecked(), false);
    assert.ok(await page.locator('[data-test=apply-submit]').isDisabled());
    assert.match(await page.locator('[data-test=apply-pledge-text]').innerText(), /真实、准确、完整、有效/);

    await page.locator('[data-test=apply-phone]').fill('13991500003');
    await page.locator('[data-test=apply-address]').fill('白河县城关镇新华街12号');
    await page.locator('[data-test=apply-promise]').click();
    // A required field left empty: named beside the field, nothing sent.
    let posted = false;
    page.on('request', (r) => { if (r.url().endsWith('/api/cases') && r.method() === 'POST') posted = true; });
    await page.locator('[data-test=apply-submit]').click();
    await page.locator('[data-test=ff-premises] .el-form-item__error', { hasText: '“经营场所”不能为空' }).waitFor();
    assert.equal(posted, false);

    await fillApplyForm(page);
    await upload(page, 3);
    const c = await submit(page);
    caseId = c.id;
    await page.screenshot({ path: '/tmp/e2e-forms-apply-1366.png', fullPage: true });
    await page.goto(`${srv.url}/my/cases/${caseId}`);
    await page.locator('[data-test=case-form-premises]', { hasText: DEMO_FORMS[FOOD].premises }).waitFor();
    assert.match(await page.locator('[data-test=case-pledge]').innerText(), /申请人承诺/);
  });

  await withPage(browser, 'forms-staff-1366', async (page) => {
    await loginAs(page, srv.url, DEMO.scjg_clerk, DEMO.password);
    await page.goto(`${srv.url}/window/cases/${caseId}`);
    const form = page.locator('[data-test=case-form]');
    await form.waitFor();
    assert.equal((await form.locator('[data-test=case-form-business_items]').innerText()).trim(), '热食类食品制售、冷食类食品制售');
    assert.equal((await form.locator('[data-test=case-form-business_type]').innerText()).trim(), '餐饮服务经营者');
    assert.match(await page.locator('[data-test=case-material-1]').innerText(), /已调取/);
    await page.screenshot({ path: '/tmp/e2e-forms-staff-1366.png', fullPage: true });
  });
});

test('390: a person fills the 个体工商户设立登记 form on a phone', async () => {
  const id = await itemId(SOLE);
  await withPage(browser, 'forms-apply-390', async (page) => {
    await loginAs(page, srv.url, DEMO.person, DEMO.password);
    await page.goto(`${srv.url}/apply?item=${id}`);
    await page.locator('[data-test=apply-form-title]').waitFor();
    await page.locator('[data-test=apply-phone]').fill('13991500001');
    await page.locator('[data-test=apply-address]').fill('白河县城关镇解放路18号');
    await fillApplyForm(page);
    for (const i of [2, 3]) await upload(page, i);
    // Nothing wider than the screen.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `page ${wide} px wide`);
    await page.screenshot({ path: '/tmp/e2e-forms-apply-390.png', fullPage: true });
    const c = await submit(page);
    assert.equal(c.form.organisation, '个人经营');
    assert.equal(c.form.capital, 5);
  }, { viewport: PHONE390 });
});
