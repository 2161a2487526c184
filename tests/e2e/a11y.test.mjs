// Accessibility of the main pages: axe-core (tests/node_modules/axe-core)
// runs in the page on the public home, the guide list, an item page, the
// login page, the applicant's case page, the window desk, the approver desk
// and the dashboard, at desktop and at phone size. No serious or critical
// violation may remain (text contrast below WCAG AA is one of them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const NOW = '2026-09-29T09:00:00+08:00';
const SIZES = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } };
let browser, srv, itemId, caseId;

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
  const person = new Client(srv.url);
  await person.login(DEMO.person, DEMO.password);
  let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
  const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
  itemId = item.id;
  const materials = [];
  for (let i = 0; i < 5; i++) {
    const body = new TextEncoder().encode(`%PDF-1.4\n% a${i} ${Math.random()}\n%%EOF\n`);
    const u = await person.post(`/api/uploads?name=a${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 5 号楼' }, materials });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

// Runs axe in the page (through the DevTools protocol, so the page's
// Content-Security-Policy stays as it is) and returns the serious and
// critical violations, one line each.
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${(n.any[0] || n.all[0] || {}).message || ''}`),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(' | ')}`);
}

const PAGES = [
  [null, 'public home', () => '/', '[data-test=public-home]'],
  [null, 'guide list', () => '/guide', '[data-test=guide-home]'],
  [null, 'item page', () => `/guide/items/${itemId}`, '[data-test=guide-title]'],
  [null, 'login', () => '/login', '[data-test=login-submit]'],
  [DEMO.person, 'applicant case page', () => `/my/cases/${caseId}`, '[data-test=case-steps]'],
  [DEMO.zj_clerk, 'window desk', () => '/window', '[data-test=window-home]'],
  [DEMO.zj_sp, 'approver desk', () => '/approve', '[data-test=approve-home]'],
  [DEMO.hall, 'dashboard', () => '/dashboard', '[data-test=dashboard]'],
];

// Signs in through the API in the page's context, which keeps the session
// cookie for its pages: the login form is tested in auth.test.mjs, here only
// the pages behind it (and the form itself, as a page) are checked.
async function signIn(context, login) {
  const r = await context.request.post(srv.url + '/api/auth/login', { data: { login, password: DEMO.password } });
  assert.equal(r.status(), 200, await r.text());
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`axe finds no serious violation on the main pages (${size})`, async () => {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const problems = [];
    let who = null;
    try {
      for (const [login, name, path, ready] of PAGES) {
        if (login !== who) {
          await context.clearCookies();
          if (login) await signIn(context, login);
          who = login;
        }
        await page.goto(srv.url + path());
        await page.locator(ready).first().waitFor();
        await page.waitForLoadState('networkidle');
        for (const v of await axeViolations(page)) problems.push(`${name}: ${v}`);
      }
    } catch (e) {
      await page.screenshot({ path: `/tmp/e2e-a11y-${size}.png`, fullPage: true }).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}
