// Phone size and weight: the first page of the guide moves under 300 kB
// (compressed bytes on the wire, summed from the browser's network events),
// the main pages fit a 390x844 screen without sideways scrolling (the verify
// page with the case number in groups, the header with the whole site
// name), and the item page keeps "在线办理" on the screen while it scrolls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, loginAs } from './helpers.mjs';

const NOW = '2026-09-29T09:00:00+08:00';
const PHONE390 = { width: 390, height: 844 };
const GUIDE_BUDGET = 300 * 1000;
let browser, srv, itemId, caseId, verifyCode;

function sqlite(q) {
  return new Promise((resolve, reject) => {
    execFile('sqlite3', ['-batch', '-noheader', srv.dbUrl.slice(7), q], { encoding: 'utf8' },
      (err, out, stderr) => (err ? reject(new Error(stderr)) : resolve(out.trim())));
  });
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
  const person = new Client(srv.url);
  await person.login(DEMO.person, DEMO.password);
  const zj = new Client(srv.url);
  await zj.login(DEMO.zj_clerk, DEMO.password);
  let r = await person.get(`/api/guide/items?q=${encodeURIComponent('建筑工程施工许可证核发')}&limit=50`);
  const item = r.json.items.find((i) => i.name === '建筑工程施工许可证核发');
  itemId = item.id;
  const materials = [];
  for (let i = 0; i < 5; i++) {
    const body = new TextEncoder().encode(`%PDF-1.4\n% m${i} ${Math.random()}\n%%EOF\n`);
    const u = await person.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  r = await person.post('/api/cases', { item_id: item.id, form: { project: '白河县某小区 3 号楼' }, materials });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  r = await zj.post(`/api/cases/${caseId}/accept`, { mode: 'normal', version: r.json.version });
  assert.equal(r.status, 200, r.text);
  // The 受理通知书 is registered at once (rendered later by the job): its
  // verify page already shows the document's facts and the case number.
  verifyCode = await sqlite(`SELECT verify_code FROM documents WHERE case_id = ${caseId} ORDER BY id LIMIT 1`);
  assert.match(verifyCode, /^[0-9A-Z]{8,}$/);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

// A fresh phone-size context that counts the bytes moved (headers and
// compressed bodies, as Chromium reports them when a response finishes).
async function phoneContext(viewport = PHONE390) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const net = { bytes: 0, responses: [] };
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response));
  cdp.on('Network.loadingFinished', (e) => {
    net.bytes += e.encodedDataLength;
    const resp = urls.get(e.requestId);
    if (resp) net.responses.push({ url: resp.url, headers: resp.headers, bytes: e.encodedDataLength });
  });
  return { context, page, net };
}

async function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

test('the first page of the guide moves under 300 kB, compressed', async () => {
  const { context, page, net } = await phoneContext();
  try {
    await page.goto(srv.url + '/guide', { waitUntil: 'networkidle' });
    await page.locator('[data-test=guide-home]').waitFor();
    await page.waitForLoadState('networkidle');
    const big = net.responses.filter((r) => /\.(js|css)$/.test(new URL(r.url).pathname));
    assert.ok(big.length > 0, 'scripts and styles were loaded');
    for (const r of big) {
      // Bodies under 1 kB go as they are (src/http/compress.c).
      const len = Number(r.headers['content-length'] || r.headers['Content-Length'] || NaN);
      if (len < 1024) continue;
      const enc = r.headers['content-encoding'] || r.headers['Content-Encoding'];
      assert.ok(enc === 'br' || enc === 'gzip', `${r.url} sent uncompressed`);
      const cc = r.headers['cache-control'] || r.headers['Cache-Control'] || '';
      if (/\/assets\//.test(r.url)) assert.match(cc, /max-age=31536000.*immutable/, `${r.url}: ${cc}`);
    }
    console.log(`# guide first page: ${net.bytes} bytes transferred in ${net.responses.length} responses`);
    assert.ok(net.bytes < GUIDE_BUDGET, `the guide moved ${net.bytes} bytes (budget ${GUIDE_BUDGET})`);
  } finally {
    await context.close();
  }
});

const PUBLIC_PAGES = [
  ['public home', () => '/', '[data-test=public-home]'],
  ['guide', () => '/guide', '[data-test=guide-home]'],
  ['item page', () => `/guide/items/${itemId}`, '[data-test=guide-title]'],
  ['login', () => '/login', '[data-test=login-submit]'],
  ['progress look-up', () => '/progress', '[data-test=progress-submit]'],
];

test('the main pages fit a 390 px screen', async () => {
  const { context, page } = await phoneContext();
  try {
    for (const [name, path, ready] of PUBLIC_PAGES) {
      await page.goto(srv.url + path());
      await page.locator(ready).first().waitFor();
      assert.ok(await overflow(page) <= 0, `${name}: the page is wider than the screen`);
    }
    // The verify page (server-made HTML): no sideways scrolling, the case
    // number in its five groups.
    await page.goto(`${srv.url}/verify/${verifyCode}`);
    assert.ok(await overflow(page) <= 0, 'the verify page is wider than the screen');
    assert.equal(await page.locator('td .g').count(), 5, 'the case number in groups');
    await page.screenshot({ path: '/tmp/e2e-phone-verify-390.png', fullPage: true });

    const pages = [
      [DEMO.person, [['my cases', '/my/cases', '[data-test=my-cases]'],
        ['my case', `/my/cases/${caseId}`, '[data-test=case-steps]']]],
      [DEMO.zj_clerk, [['window desk', '/window', '[data-test=window-home]'], ['window case', `/window/cases/${caseId}`, '[data-test=case-no]']]],
      [DEMO.zj_sp, [['approver desk', '/approve', '[data-test=approve-home]']]],
      [DEMO.hall, [['dashboard', '/dashboard', '[data-test=dashboard]']]],
    ];
    for (const [who, list] of pages) {
      await context.clearCookies();
      await loginAs(page, srv.url, who, DEMO.password);
      for (const [name, path, ready] of list) {
        await page.goto(srv.url + path);
        await page.locator(ready).first().waitFor();
        await page.waitForLoadState('networkidle');
        assert.ok(await overflow(page) <= 0, `${name} (${who}): the page is wider than the screen`);
        // The site name in the header is shown whole, not cut off.
        const clipped = await page.locator('[data-test=brand-name]').evaluate((el) => {
          const link = el.closest('a') || el.parentElement;
          return el.scrollWidth > el.clientWidth + 1 || link.scrollWidth > link.clientWidth + 1;
        });
        assert.equal(clipped, false, `${name}: the site name is clipped`);
      }
    }
  } finally {
    await context.close();
  }
});

test('the item page keeps 在线办理 on the screen (390)', async () => {
  const { context, page } = await phoneContext();
  try {
    await page.goto(`${srv.url}/guide/items/${itemId}`);
    await page.locator('[data-test=guide-title]').waitFor();
    const btn = page.locator('[data-test=apply-online]');
    for (const where of ['top', 'bottom']) {
      if (where === 'bottom') {
        await page.evaluate(() => {
          for (const el of document.querySelectorAll('*')) {
            if (el.scrollHeight > el.clientHeight + 10 && /(auto|scroll)/.test(getComputedStyle(el).overflowY)) el.scrollTop = el.scrollHeight;
          }
          window.scrollTo(0, document.body.scrollHeight);
        });
      }
      // Uncovered once the page has settled (a loading mask or an entering
      // transition may lie over it for a moment after the title shows).
      const uncovered = await page.waitForFunction(() => {
        const el = document.querySelector('[data-test=apply-online]');
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return el.contains(hit);
      }, null, { timeout: 5000 }).then(() => true, () => false);
      assert.equal(uncovered, true, `${where}: 在线办理 is covered`);
      const box = await btn.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= PHONE390.height, `${where}: 在线办理 is off the screen`);
    }
    await page.screenshot({ path: '/tmp/e2e-phone-item-390.png' });
    await btn.click();
    await page.waitForURL((u) => u.pathname === '/login' || u.pathname === '/apply');
  } finally {
    await context.close();
  }
});
