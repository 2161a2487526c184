// The applicant's side in the browser: the public home page for anonymous
// visitors (guide, 一件事, 办件进度查询) at desktop and phone size (390x844),
// the step bar and the query code on the applicant's case page, the case
// number in groups on a phone, and password recovery by SMS code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

const NOW = '2026-09-29T09:00:00+08:00';
const PHONE390 = { width: 390, height: 844 };
let browser, srv, kase;

function sqlite(q) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-batch', '-noheader', srv.dbUrl.slice(7), q], { encoding: 'utf8' },
      (err, out, stderr) => (err ? reject(new Error(stderr)) : resolve(out.trim())));
  });
}

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], [data-test="${name}"] input`).first();
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
  // The demo person applies online; the department's hall window accepts.
  const person = new Client(srv.url);
  await person.login(DEMO.person, DEMO.password);
  const zj = new Client(srv.url);
  await zj.login(DEMO.zj_clerk, DEMO.password);
  let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
  const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
  const materials = [];
  for (let i = 0; i < 5; i++) {
    const body = new TextEncoder().encode(`%PDF-1.4\n% m${i} ${Math.random()}\n%%EOF\n`);
    const u = await person.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 3 号楼' }, materials });
  assert.equal(r.status, 201, r.text);
  const a = await zj.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
  assert.equal(a.status, 200, a.text);
  kase = { ...a.json, mobile: await sqlite(`SELECT applicant_mobile FROM cases WHERE id = ${r.json.id}`) };
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

for (const [size, viewport] of [['1366', { width: 1366, height: 768 }], ['390', PHONE390]]) {
  test(`anonymous home page and progress look-up (${size})`, async () => {
    await withPage(browser, `public-home-${size}`, async (page) => {
      await page.goto(srv.url + '/');
      await page.locator('[data-test=public-home]').waitFor();
      assert.equal(new URL(page.url()).pathname, '/', 'no redirect to the login page');
      await page.locator('[data-test=home-link-guide]').waitFor();
      await page.locator('[data-test=home-link-bundles]').waitFor();
      // A wrong pair: a clear message, no data.
      await field(page, 'progress-no').fill(kase.case_no);
      await field(page, 'progress-who').fill('13900000000');
      await page.locator('[data-test=progress-submit]').click();
      await page.locator('[data-test=progress-error]', { hasText: '未查到办件' }).waitFor();
      // The query code and the mobile.
      await field(page, 'progress-no').fill(kase.query_code);
      await field(page, 'progress-who').fill(kase.mobile);
      await page.locator('[data-test=progress-submit]').click();
      const res = page.locator('[data-test=progress-result]');
      await res.waitFor();
      assert.equal(await res.locator('[data-test=case-steps]').getAttribute('data-step'), '1');
      await res.locator('[data-test=case-steps-due]').waitFor();
      const text = await res.innerText();
      assert.ok(text.includes('受理') && !text.includes(kase.mobile) && !text.includes(kase.applicant.name));
      // The page fits the phone: nothing wider than the viewport.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
      await page.screenshot({ path: `/tmp/e2e-public-home-${size}.png`, fullPage: true });
    }, { viewport });
  });
}

test('the applicant case page: step bar, query code, case number in groups (390)', async () => {
  await withPage(browser, 'my-case-steps-390', async (page) => {
    await loginAs(page, srv.url, DEMO.person, DEMO.password);
    await page.goto(`${srv.url}/my/cases/${kase.id}`);
    const steps = page.locator('[data-test=case-steps]');
    await steps.waitFor();
    assert.equal(await steps.getAttribute('data-step'), '1');
    assert.equal((await page.locator('[data-test=case-query-code]').innerText()).trim(), kase.query_code);
    const groups = page.locator('[data-test=case-no] .ot-caseno-g');
    assert.equal(await groups.count(), 5);
    const box = await page.locator('[data-test=case-no]').boundingBox();
    assert.ok(box.x + box.width <= 390, 'the case number stays on the screen');
    await page.screenshot({ path: '/tmp/e2e-my-case-steps-390.png', fullPage: true });
  }, { viewport: PHONE390 });
});

test('password recovery by SMS code', async () => {
  const login = DEMO.person2;
  const mobile = await sqlite(`SELECT mobile FROM users WHERE login = '${login}'`);
  await withPage(browser, 'forgot', async (page) => {
    await page.goto(srv.url + '/login');
    await page.locator('[data-test=to-forgot]').click();
    await page.waitForURL((u) => u.pathname === '/forgot');
    await field(page, 'forgot-login').fill(login);
    await field(page, 'forgot-mobile').fill(mobile);
    await page.locator('[data-test=forgot-submit]').click();
    await page.locator('[data-test=forgot-sent]').waitFor();
    const payload = await sqlite(`SELECT payload FROM outbox WHERE recipient = '${mobile}' AND payload LIKE '%password_reset%' ORDER BY id DESC LIMIT 1`);
    const code = /验证码(\d{6})/.exec(JSON.parse(payload).text)[1];
    await field(page, 'forgot-code').fill(code);
    await field(page, 'forgot-password').fill('Reset#2026ok');
    await page.locator('[data-test=forgot-submit]').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await loginAs(page, srv.url, login, 'Reset#2026ok');
    await page.locator('[data-test=welcome]').waitFor();
  }, { viewport: PHONE390 });
});

test('messages: the steps in the inbox, the SMS switch (390)', async () => {
  await withPage(browser, 'my-messages-390', async (page) => {
    await loginAs(page, srv.url, DEMO.person, DEMO.password);
    await page.goto(`${srv.url}/notifications`);
    const titles = page.locator('[data-test=notif-title]');
    await titles.first().waitFor();
    const all = await titles.allInnerTexts();
    assert.ok(all.some((t) => t.startsWith('申请已提交：')), all.join('|'));
    assert.ok(all.some((t) => t.startsWith('已受理：')), all.join('|'));
    const sw = page.locator('[data-test=notif-sms]');
    await sw.waitFor();
    assert.equal(await sw.locator('input').isChecked(), true);
    await sw.click();
    for (let i = 0; i < 50; i++) {
      if (await sqlite(`SELECT notify_sms FROM users WHERE login = '${DEMO.person}'`) === '0') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await sqlite(`SELECT notify_sms FROM users WHERE login = '${DEMO.person}'`), '0');
    await sw.click();
    const box = await page.locator('[data-test=notifications-page]').boundingBox();
    assert.ok(box.x + box.width <= 390, 'the inbox fits the phone');
    await page.screenshot({ path: '/tmp/e2e-my-messages-390.png', fullPage: true });
  }, { viewport: PHONE390 });
});

test('the hall edits a message template', async () => {
  await withPage(browser, 'hall-messages', async (page) => {
    await loginAs(page, srv.url, DEMO.hall, DEMO.password);
    await page.goto(`${srv.url}/hall/messages`);
    await page.locator('[data-test=tpl-edit-case_accepted]').click();
    const sms = page.locator('textarea[data-test=tpl-sms], [data-test=tpl-sms] textarea').first();
    await sms.fill('查询码{code}的办件已受理，{due}前办结。');
    await page.locator('[data-test=tpl-save]').click();
    await page.locator('[data-test=tpl-reset-case_accepted]').waitFor();
    assert.equal(await sqlite(`SELECT sms FROM message_templates WHERE kind = 'case_accepted'`), '查询码{code}的办件已受理，{due}前办结。');
    await page.locator('[data-test=tpl-reset-case_accepted]').click();
    await page.locator('[data-test=tpl-reset-case_accepted]').waitFor({ state: 'detached' });
    assert.equal(await sqlite(`SELECT count(*) FROM message_templates`), '0');
  });
});
