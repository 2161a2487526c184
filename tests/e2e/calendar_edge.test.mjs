// The calendar's edge in the browser: a case accepted on 2026-12-29 with 3
// working days is due 2027-01-01 by plain weekends, and its page says
// 暂按周末计算 (desktop and 390 px); the hall admin loads 2027 on the
// calendar page, and the case page shows the recomputed date without the mark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

const NOW = '2026-12-29T09:00:00+08:00';
const PHONE390 = { width: 390, height: 844 };
let browser, srv, caseId;

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
  const person = new Client(srv.url);
  await person.login(DEMO.person, DEMO.password);
  const zj = new Client(srv.url);
  await zj.login(DEMO.zj_clerk, DEMO.password);
  let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
  const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
  const materials = [];
  for (let i = 0; i < 5; i++) {
    const body = new TextEncoder().encode(`%PDF-1.4\n% e${i} ${Math.random()}\n%%EOF\n`);
    const u = await person.post(`/api/uploads?name=e${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 7 号楼' }, materials });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  r = await zj.post(`/api/cases/${caseId}/accept`, { mode: 'normal', version: r.json.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.due_day, '2027-01-01');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('the provisional mark, loading 2027, the recomputed date', async () => {
  for (const [size, viewport] of [['1366', undefined], ['390', PHONE390]]) {
    await withPage(browser, `calendar-mark-${size}`, async (page) => {
      await loginAs(page, srv.url, DEMO.person, DEMO.password);
      await page.goto(`${srv.url}/my/cases/${caseId}`);
      const mark = page.locator('[data-test=due-provisional]');
      await mark.waitFor();
      assert.equal((await mark.innerText()).trim(), '暂按周末计算');
      assert.match(await page.locator('[data-test=case-due-day]').innerText(), /2027/);
      const box = await mark.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= (viewport ? viewport.width : 1366), 'the mark is on the screen');
      await page.screenshot({ path: `/tmp/e2e-calendar-mark-${size}.png` });
    }, viewport ? { viewport } : undefined);
  }

  await withPage(browser, 'calendar-load', async (page) => {
    await loginAs(page, srv.url, DEMO.hall, DEMO.password);
    await page.goto(`${srv.url}/hall/calendar`);
    await page.locator('[data-test=cal-year]').waitFor();
    // The page opens on the browser's year; step to 2027.
    for (let i = 0; i < 5 && (await page.locator('[data-test=cal-year]').innerText()).trim() !== '2027 年'; i++) {
      const shown = parseInt(await page.locator('[data-test=cal-year]').innerText(), 10);
      await page.locator(shown < 2027 ? '[data-test=cal-next]' : '[data-test=cal-prev]').click();
    }
    assert.equal((await page.locator('[data-test=cal-year]').innerText()).trim(), '2027 年');
    await page.locator('[data-test=cal-missing]').waitFor();
    await page.locator('[data-test=cal-load-open]').click();
    const dialog = page.locator('[data-test=cal-load-dialog]');
    // A date of another year: refused, said why.
    await dialog.locator('textarea').fill('2028-01-01 off 元旦\n');
    await dialog.locator('[data-test=cal-load-save]').click();
    await dialog.locator('[data-test=cal-load-error]', { hasText: '不在 2027 年内' }).waitFor();
    await dialog.locator('textarea').fill('2027-01-01 off 元旦\n2027-01-02 off 元旦\n2027-01-03 off 元旦\n');
    await dialog.locator('[data-test=cal-load-save]').click();
    const done = page.locator('.el-message-box', { hasText: '已载入 2027 年节假日安排 3 天' });
    await done.waitFor();
    assert.match(await done.innerText(), /已重新计算 [1-9]\d* 件在办件/);
    await done.locator('button', { hasText: '知道了' }).click();
    await page.locator('[data-test=cal-missing]').waitFor({ state: 'detached' });
    await page.locator('[data-test=cal-day-2027-01-01].is-off').waitFor();
  });

  await withPage(browser, 'calendar-final', async (page) => {
    await loginAs(page, srv.url, DEMO.person, DEMO.password);
    await page.goto(`${srv.url}/my/cases/${caseId}`);
    await page.locator('[data-test=case-due-day]', { hasText: '2027' }).waitFor();
    assert.match(await page.locator('[data-test=case-due-day]').innerText(), /01.04|1月4日/);
    assert.equal(await page.locator('[data-test=due-provisional]').count(), 0);
  });
});
