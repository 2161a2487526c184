// Browser tests of 好差评: the applicant rates a finished case from 我的办件
// (5 stars and dimension tags) and sees it on 我的评价; the window clerk
// shows the QR code, which opens the rating on a phone-size page without a
// password; a bad rating goes department (核实 with a 误评 claim) -> hall
// (申诉不予采纳) -> department (整改, 反馈, 回访) -> supervisor (办结) and
// shows on the supervisor's figures. Screenshots on failure:
// /tmp/e2e-ratings-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, PHONE } from './helpers.mjs';

const NOW = '2026-09-29T09:00:00+08:00';
let browser;
let srv;

async function api(who) {
  const c = new Client(srv.url);
  await c.login(who, DEMO.password);
  return c;
}

// A 即办件 registered at the 市场监管 window and closed at once.
async function doneCase(idno, name) {
  const clerk = await api(DEMO.scjg_clerk);
  let r = await clerk.get(`/api/guide/items?q=${encodeURIComponent('个体工商户设立登记')}&limit=50`);
  const item = r.json.items.find((i) => i.name === '个体工商户设立登记');
  const materials = [];
  for (let i = 0; i < 3; i++) {
    const up = await clerk.post('/api/uploads?name=m.pdf', new TextEncoder().encode(`%PDF-1.4\n% ${Math.random()}\n%%EOF\n`),
      { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: up.json.sha256 });
  }
  r = await clerk.post('/api/cases/walkin', { item_id: item.id, materials, applicant: { kind: 'person', idno, name } });
  assert.equal(r.status, 201, r.text);
  r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', approve: true, deliver_method: 'window', version: r.json.version });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Clicks the n-th star (1..5) until the rating shows it.
async function stars(scope, n) {
  const rate = scope.locator('[data-test=rate-stars]');
  for (let i = 0; i < 10; i++) {
    await rate.locator('.el-rate__item').nth(n - 1).click();
    if (await rate.getAttribute('aria-valuenow') === String(n)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`the rating did not take ${n} stars`);
}

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

before(async () => {
  srv = await startServer({ now: NOW, args: ['--no-jobs'] });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('rating from 我的办件 with stars and dimension tags, then 我的评价', async () => {
  const cs = await doneCase(DEMO.person, '张明');
  await withPage(browser, 'ratings-mycases', async (page) => {
    await loginAs(page, srv.url, DEMO.person, DEMO.password);
    await page.goto(srv.url + '/my/cases');
    const row = page.locator('.el-table__row', { hasText: cs.case_no });
    await row.locator('[data-test=my-case-rate]').click();
    const dlg = page.locator('[data-test=rate-form]');
    await dlg.waitFor();
    await stars(dlg, 2); // 不满意
    await dlg.locator('[data-test=rate-dim-511]').click();
    await field(dlg, 'rate-text').fill('指南材料写得不清楚');
    await dlg.locator('[data-test=rate-submit]').click();
    await page.getByText('感谢您的评价').waitFor();
    await page.goto(srv.url + '/my/ratings');
    const card = page.locator('[data-test=my-rating]').first();
    await card.getByText('不满意').waitFor();
    await card.getByText('服务水平').waitFor();
    await card.locator('[data-test=my-rating-loop]').getByText('核实').first().waitFor();
  });
});

test('the window QR opens a phone-size rating page without a password', async () => {
  const cs = await doneCase(DEMO.person2, '李华');
  let url;
  await withPage(browser, 'ratings-qr-window', async (page) => {
    await loginAs(page, srv.url, DEMO.scjg_clerk, DEMO.password);
    await page.goto(`${srv.url}/window/cases/${cs.id}`);
    await page.locator('[data-test=rating-qr]').click();
    const d = page.locator('[data-test=rating-qr-dialog]');
    await d.locator('svg').first().waitFor();
    url = await d.locator('[data-test=rating-qr-url]').textContent();
  });
  assert.match(url, /\/rate\/\d+-\d+-[0-9a-f]{32}$/);
  const path = url.slice(url.indexOf('/rate/'));
  await withPage(browser, 'ratings-qr-phone', async (page) => {
    await page.goto(srv.url + path);
    await page.locator('[data-test=rate-public]').getByText(cs.case_no).waitFor();
    await stars(page, 5);
    await page.locator('[data-test=rate-dim-512]').click();
    await page.locator('[data-test=rate-submit]').click();
    await page.locator('[data-test=rate-public-done]').waitFor();
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 375, `no horizontal scroll on a phone (${w})`);
  }, { viewport: PHONE });
  const person2 = await api(DEMO.person2);
  const mine = await person2.get('/api/my/ratings');
  const got = mine.json.items.find((x) => x.case_id === cs.id);
  assert.equal(got.channel_label, '二维码');
  assert.equal(got.level, 5);
});

test('department -> hall -> supervisor: the bad-rating loop through the pages', async () => {
  await withPage(browser, 'ratings-dept-claim', async (page) => {
    await loginAs(page, srv.url, DEMO.scjg_admin, DEMO.password);
    await page.goto(srv.url + '/dept/ratings');
    await page.locator('[data-test=loop-table] .el-table__row').first().click();
    const dr = page.locator('[data-test=loop-drawer]');
    await dr.getByText('误评/恶意差评，提出申诉').click();
    await field(dr, 'loop-reason').fill('申请人误点');
    await field(dr, 'loop-evidence').fill('电话确认申请人误评');
    await dr.locator('[data-test=loop-submit]').click();
    await page.locator('[data-test=loop-table] [data-test=loop-stage]', { hasText: '申诉复核' }).first().waitFor();
  });
  await withPage(browser, 'ratings-hall-appeal', async (page) => {
    await loginAs(page, srv.url, DEMO.hall, DEMO.password);
    await page.goto(srv.url + '/hall/rating-appeals');
    await page.locator('[data-test=appeal-refuse]').first().click();
    await page.locator('.el-message-box input').fill('证据不足');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.getByText('已复核').waitFor();
  });
  await withPage(browser, 'ratings-dept-rectify', async (page) => {
    await loginAs(page, srv.url, DEMO.scjg_admin, DEMO.password);
    await page.goto(srv.url + '/dept/ratings');
    await page.locator('[data-test=loop-table] .el-table__row').first().click();
    const dr = page.locator('[data-test=loop-drawer]');
    await field(dr, 'loop-measures').fill('当场更正办事指南');
    await dr.locator('[data-test=loop-submit]').click();
    await field(dr, 'loop-text').fill('指南已更正，感谢监督');
    await dr.locator('[data-test=loop-submit]').click();
    await field(dr, 'loop-note').fill('电话回访，满意');
    await dr.locator('[data-test=loop-submit]').click();
    await dr.getByText('当前环节无需您处理').waitFor();
  });
  await withPage(browser, 'ratings-supervisor', async (page) => {
    await loginAs(page, srv.url, DEMO.ducha, DEMO.password);
    await page.goto(srv.url + '/dept/ratings');
    await page.locator('[data-test=loop-table] .el-table__row').first().click();
    const dr = page.locator('[data-test=loop-drawer]');
    await field(dr, 'loop-note').fill('整改到位');
    await dr.locator('[data-test=loop-close]').click();
    await dr.getByText('监督办结').first().waitFor();
    await page.goto(srv.url + '/ratings');
    await page.locator('[data-test=ratings-chart] canvas').waitFor();
    const t = page.locator('[data-test=ratings-table]');
    await t.getByText('县市场监管局').waitFor();
    await t.locator('[data-test=ratings-count]').first().click();
    await page.locator('[data-test=ratings-drill] .el-table__row').first().waitFor();
    assert.ok(await page.locator('[data-test=ratings-drill] .el-table__row').count() >= 2);
  });
});
