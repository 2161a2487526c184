// Browser test of 一件事: an enterprise finds 开办餐饮店 on the guide home
// (by life event), reads the bundle guide (one material list, one limit),
// applies with one form and one material list (answering "no" to tobacco
// leaves that item out); the comprehensive window accepts once; approvers of
// two departments approve their children in their own pages (the other two
// departments through the API); the window hands every result out at once
// and the applicant sees each child's result on the bundle view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

let srv;
let browser;
let pdf;

before(async () => {
  srv = await startServer({ db: 'sqlite', now: '2026-09-14T10:00:00+08:00' });
  browser = await launchBrowser();
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-bundles-'));
  pdf = path.join(dir, '材料.pdf');
  writeFileSync(pdf, '%PDF-1.4\n% bundle material\n%%EOF\n');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

async function approveInPage(page, base, login, caseId) {
  await loginAs(page, base, login, DEMO.password);
  await page.goto(`${base}/approve/cases/${caseId}`);
  for (const [key, reason] of [['pass', '材料齐全，符合条件。'], ['approve', '准予许可。']]) {
    await page.locator(`[data-test=act-${key}]`).click();
    const dlg = dialog(page);
    await dlg.waitFor();
    await field(dlg, 'action-reason').fill(reason);
    const resp = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/cases/'));
    await dlg.locator('[data-test=action-confirm]').click();
    const r = await resp;
    assert.ok(r.status() < 300, `${key}: ${r.status()} ${await r.text()}`);
    await dlg.waitFor({ state: 'hidden' });
  }
}

async function approveByApi(client, caseId) {
  let cs = (await client.get(`/api/cases/${caseId}`)).json;
  if (cs.state === 'review') {
    const r = await client.post(`/api/cases/${caseId}/actions/pass`, { version: cs.version, reason: '审查通过' });
    assert.equal(r.status, 200, r.text);
    cs = r.json;
  }
  const r = await client.post(`/api/cases/${caseId}/actions/approve`, { version: cs.version, reason: '符合条件' });
  assert.equal(r.status, 200, r.text);
}

// The enterprise finds 开办餐饮店 on the guide home and applies; returns
// the bundle application's id.
async function applyFromGuide(page, base) {
  await page.goto(base + '/guide');
  const tiles = page.locator('[data-test=bundle-tiles]');
  await tiles.getByText('企业一件事').waitFor();
  await tiles.getByText('个人一件事').waitFor();
  await tiles.locator('[data-test=bundle-tile]', { hasText: '开办餐饮店' }).click();
  await page.waitForURL(/\/guide\/bundles\/\d+$/);
  assert.equal((await page.locator('[data-test=bundle-title]').innerText()).trim(), '开办餐饮店');
  assert.match(await page.locator('[data-test=bundle-limit]').innerText(), /12 个工作日/);
  assert.match(await page.locator('[data-test=bundle-saved]').innerText(), /[1-9]\d* 份/);
  await page.locator('[data-test=bundle-materials]').getByText('一次提交，5 项共用').waitFor();
  await page.locator('[data-test=bundle-apply]').click();
  await page.waitForURL(/\/apply\/bundles\/\d+$/);

  // Answering "no" to tobacco leaves the tobacco licence out.
  await page.locator('[data-test=question-tobacco]').waitFor();
  await page.locator('[data-test=bundle-chosen]').getByText('（不办）烟草专卖零售许可证核发（新办）', { exact: false }).waitFor();
  await field(page, 'field-shop_name').fill('秦岭小馆');
  await field(page, 'field-address').fill('白河县城关镇滨江路 8 号');
  await field(page, 'field-legal_rep').fill('王大山');
  // One material list: every required and 容缺 material uploaded once.
  const n = await page.locator('.ot-mlist [data-test=material-input]').count();
  assert.ok(n >= 10, `materials: ${n}`);
  for (let i = 0; i < n; i++) {
    const row = page.locator(`[data-test=material-${i}]`);
    const nec = (await row.locator('[data-test=material-necessity]').innerText()).trim();
    if (nec === '非必要') continue;
    const resp = page.waitForResponse((r) => r.url().includes('/api/uploads'));
    await row.locator('[data-test=material-input]').setInputFiles(pdf);
    assert.equal((await resp).status(), 201);
    await row.locator('[data-test=material-file]').waitFor();
  }
  // The commitment is not ticked for the applicant: submitting needs it.
  assert.equal(await page.locator('[data-test=bundle-submit]').isDisabled(), true);
  await page.locator('[data-test=bundle-promise]').click();
  await page.locator('[data-test=bundle-submit]').click();
  await page.locator('[data-test=bundle-apply-done]').waitFor();
  assert.match(await page.locator('[data-test=bundle-no]').innerText(), /^YJS\d{12}$/);
  await page.locator('[data-test=bundle-open]').click();
  await page.waitForURL(/\/my\/bundles\/\d+$/);
  await page.locator('[data-test=bundle-state]', { hasText: '待受理' }).waitFor();
  await page.locator('[data-test=bundle-child-E] [data-test=child-state]', { hasText: '未选择' }).waitFor();
  return Number(new URL(page.url()).pathname.split('/').pop());
}

// Reloads the bundle view until the one 受理通知书, sealed by the
// background renderer, can be downloaded.
async function noticeReady(page) {
  const pdfLink = page.locator('[data-test=bundle-notice-pdf]');
  for (let i = 0; i < 30 && !(await pdfLink.count()); i++) {
    await page.waitForTimeout(1000);
    await page.reload();
    await page.locator('[data-test=bundle-notice]').waitFor();
  }
  await pdfLink.waitFor({ timeout: 1000 });
}

// The window finds the application in its queue and accepts it once.
async function acceptAtWindow(page, base, bundleId) {
  await page.goto(base + '/window/bundles');
  await page.locator('[data-test=bundle-cases] [data-test=bundle-case-open]').first().click();
  await page.waitForURL(`${base}/window/bundles/${bundleId}`);
  await page.locator('[data-test=bundle-accept]').click();
  const dlg = dialog(page);
  await dlg.waitFor();
  await dlg.getByText('4 个事项同时分送各部门').waitFor();
  await dlg.locator('[data-test=bundle-accept-confirm]').click();
  await page.locator('[data-test=bundle-state]', { hasText: '并联审批中' }).waitFor();
  assert.match(await page.locator('[data-test=bundle-notice-no]').innerText(), /白审一件事受字〔2026〕第\d{4}号/);
  await page.locator('[data-test=bundle-accept]').waitFor({ state: 'detached' });
  for (const k of ['A', 'B', 'C', 'D']) {
    await page.locator(`[data-test=bundle-child-${k}] [data-test=child-holder]`).waitFor();
  }
  await page.locator('[data-test=bundle-remaining]', { hasText: '12 个工作日' }).waitFor();
}

test('开办餐饮店: apply once, accept once, approve in two departments, every result to the applicant', async () => {
  const base = srv.url;
  let bundleId;

  // The enterprise (one page for the whole life of the bundle).
  await withPage(browser, 'bundle-applicant', async (ent) => {
    await loginAs(ent, base, DEMO.enterprise, DEMO.password);
    bundleId = await applyFromGuide(ent, base);

    // The comprehensive window accepts once and, later, hands out once.
    await withPage(browser, 'bundle-window', async (win) => {
      await loginAs(win, base, DEMO.window01, DEMO.password);
      await acceptAtWindow(win, base, bundleId);

      const hall = new Client(base);
      await hall.login(DEMO.hall, DEMO.password);
      let b = (await hall.get(`/api/bundle-cases/${bundleId}`)).json;
      const caseOf = (k) => b.children.find((c) => c.key === k).case.id;

      // Two departments approve in their own pages, two more through the API.
      await withPage(browser, 'bundle-approve-scjg', (page) => approveInPage(page, base, DEMO.scjg_sp, caseOf('A')));
      await withPage(browser, 'bundle-approve-zj', async (page) => {
        await approveInPage(page, base, DEMO.zj_sp, caseOf('D'));
        // The approver sees the bundle with the other departments' children.
        await page.goto(`${base}/bundle-cases/${bundleId}`);
        await page.locator('[data-test=bundle-child-D] [data-test=child-state]', { hasText: '已准予' }).waitFor();
        await page.locator('[data-test=bundle-child-B] [data-test=child-state]', { hasText: '审查中' }).waitFor();
      });
      for (const [login, k] of [['cg_sp', 'B'], ['xf_sp', 'C']]) {
        const c = new Client(base);
        await c.login(login, DEMO.password);
        await approveByApi(c, caseOf(k));
      }
      b = (await hall.get(`/api/bundle-cases/${bundleId}`)).json;
      assert.equal(b.state, 'completed');

      // One delivery of every result.
      await win.reload();
      await win.locator('[data-test=bundle-state]', { hasText: '全部办结，待出件' }).waitFor();
      await win.locator('[data-test=bundle-deliver]').click();
      await win.locator('[data-test=bundle-state]', { hasText: '已出件' }).waitFor();
    });

    // The applicant receives every result.
    await ent.goto(base + '/my/bundles');
    await ent.locator('[data-test=bundle-cases]').getByText('已出件').first().waitFor();
    await ent.goto(`${base}/my/bundles/${bundleId}`);
    await ent.locator('[data-test=bundle-state]', { hasText: '已出件' }).waitFor();
    for (const k of ['A', 'B', 'C', 'D']) {
      await ent.locator(`[data-test=bundle-result-${k}] [data-test=doc-download]`).first().waitFor({ timeout: 30000 });
    }
    // ... and the one 受理通知书 with the hall's electronic seal.
    await noticeReady(ent);
    await ent.screenshot({ path: '/tmp/e2e-bundle-results-1366.png', fullPage: true });
  });
});
