// Browser test of real-name verification (实名核验): a self-registered person
// sees the home-page notice, verifies with the SMS code sent to the mobile of
// a walk-in case, and then finds that case in 我的办件; a clerk looks an ID
// number up on the 身份核验 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, personId } from './helpers.mjs';

const PW = 'Qinling#2026';
const IDNO = personId('61092919860220071');
const MOBILE = '13991507071';

let srv, browser, walkinNo;

function sql(q) {
  return execFileSync('sqlite3', ['-batch', '-noheader', srv.dbUrl.slice(7), q], { encoding: 'utf8' }).trim();
}

before(async () => {
  srv = await startServer({ db: 'sqlite', args: ['--no-jobs'] });
  browser = await launchBrowser();
  // A clerk registers a walk-in case for the person, with their mobile.
  const w = new Client(srv.url);
  await w.login(DEMO.window01, DEMO.password);
  const depts = (await w.get('/api/departments')).json;
  const sthj = (Array.isArray(depts) ? depts : depts.items).find((d) => d.name === '县生态环境分局');
  const item = (await w.get(`/api/guide/items?dept_id=${sthj.id}&limit=50`)).json.items.find((i) => i.case_kind === 2);
  const g = (await w.get(`/api/guide/items/${item.id}`)).json;
  const materials = [];
  for (let i = 0; i < (g.elements || g.item || g).materials.length; i++) {
    const body = new TextEncoder().encode(`%PDF-1.4\n% m${i} ${Math.random()}\n%%EOF\n`);
    const u = await w.post(`/api/uploads?name=m${i}.pdf`, body, { headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(u.status, 201, u.text);
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  const r = await w.post('/api/cases/walkin', {
    item_id: item.id, applicant: { kind: 'person', idno: IDNO, name: '冯核验', mobile: MOBILE }, materials,
  });
  assert.equal(r.status, 201, r.text);
  walkinNo = r.json.case_no;
  const reg = await new Client(srv.url).post('/api/auth/register', {
    kind: 'person', idno: IDNO, name: '冯核验', mobile: '13700007071', password: PW,
  });
  assert.equal(reg.status, 201, reg.text);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('an unverified person verifies by SMS code and then sees the walk-in case', async () => {
  const base = srv.url;
  await withPage(browser, 'realname', async (page) => {
    await loginAs(page, base, IDNO, PW);
    await page.goto(base + '/');
    await page.locator('[data-test=home-realname]').waitFor();
    await page.goto(base + '/my/cases');
    await page.locator('[data-test=my-cases]').waitFor();
    assert.ok(!(await page.locator('[data-test=my-cases]').innerText()).includes(walkinNo), 'not before verification');

    await page.locator('[data-test=home-realname-link]').count(); // the link exists on home
    await page.goto(base + '/my/realname');
    assert.equal((await page.locator('[data-test=realname-level]').innerText()).trim(), '未实名核验');
    assert.match(await page.locator('[data-test=realname-mobile]').innerText(), /^139\*+7071$/);
    await page.locator('[data-test=realname-send]').click();
    let code = '';
    for (let i = 0; i < 50 && !code; i++) {
      const p = sql(`SELECT payload FROM outbox WHERE recipient = '${MOBILE}' AND payload LIKE '%realname_code%' ORDER BY id DESC LIMIT 1`);
      code = (/验证码(\d{6})/.exec(p) || [])[1] || '';
      if (!code) await page.waitForTimeout(100);
    }
    assert.ok(code, 'a code was texted to the walk-in mobile');
    // A wrong code is refused with a message.
    await page.locator('[data-test=realname-code]').fill(code === '000000' ? '000001' : '000000');
    await page.locator('[data-test=realname-confirm]').click();
    await page.locator('[data-test=realname-error]').waitFor();
    assert.match(await page.locator('[data-test=realname-error]').innerText(), /验证码不正确/);
    await page.locator('[data-test=realname-code]').fill(code);
    await page.locator('[data-test=realname-confirm]').click();
    await page.locator('[data-test=realname-level]', { hasText: '已实名核验' }).waitFor();

    await page.goto(base + '/my/cases');
    await page.locator('[data-test=my-cases]', { hasText: walkinNo }).waitFor();
    await page.goto(base + '/');
    await page.locator('[data-test=welcome]').waitFor();
    assert.equal(await page.locator('[data-test=home-realname]').count(), 0);
  });
});

test('a clerk looks an ID number up on the 身份核验 page', async () => {
  const base = srv.url;
  await withPage(browser, 'identity', async (page) => {
    await loginAs(page, base, DEMO.window01, DEMO.password);
    await page.goto(base + '/window/identity');
    await page.locator('[data-test=identity-idno]').fill(IDNO);
    await page.locator('[data-test=identity-find]').click();
    await page.locator('[data-test=identity-account]').waitFor();
    assert.match(await page.locator('[data-test=identity-account]').innerText(), /冯核验/);
    assert.equal((await page.locator('[data-test=identity-level]').innerText()).trim(), '已实名核验');
  });
});
