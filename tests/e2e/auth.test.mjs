// Browser tests of the front-end shell: registration, login, role menus,
// wrong passwords, lockout, route guard and the phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import {
  launchBrowser, withPage, submitLogin, loginAs, logout, menuTexts, personId, PHONE, settled,
} from './helpers.mjs';

const APPLICANT_MENU = ['办事指南', '我要办事', '我的办件', '我的证照', '我的评价'];
const APPROVER_MENU = ['审批工作台', '待审查', '待决定'];
const HALL_MENU = ['部门与窗口', '事项审核发布', '人员变更审批', '事项撤回审批', '工作日历', '一件事管理'];
const STRONG_PW = 'Qinling#2026';

let srv;
let browser;

before(async () => {
  srv = await startServer({ db: 'sqlite' });
  const index = await fetch(srv.url + '/login');
  const html = await index.text();
  assert.ok(index.ok && html.includes('id="app"'),
    `the server does not serve the front-end (${index.status}); build it with "make web"`);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('a new person registers, lands on the applicant home, logs out and in again', async () => {
  const base = srv.url;
  await withPage(browser, 'register', async (page) => {
    await page.goto(base + '/login');
    await page.locator('[data-test=to-register]').click();
    await page.waitForURL(base + '/register');

    // Bad input is refused in the page before anything is sent.
    let posted = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/auth/register')) posted++; });
    await page.locator('[data-test=register-idno]').fill('610929200002290031'); // wrong check digit
    await page.locator('[data-test=register-name]').fill('周晓');
    await page.locator('[data-test=register-mobile]').fill('1391234567');
    await page.locator('[data-test=register-password]').fill('password');
    await page.locator('[data-test=register-password2]').fill('password1');
    await page.locator('[data-test=register-submit]').click();
    await page.getByText('居民身份证号码不正确，请核对').waitFor();
    await page.getByText('手机号码格式不正确').waitFor();
    await page.getByText('密码须包含大写字母、小写字母、数字、符号中的至少三类').waitFor();
    await page.getByText('两次输入的密码不一致').waitFor();
    assert.equal(posted, 0, 'invalid form must not be submitted');

    // An ID number that is already registered: the server answers as for a
    // new one (it does not tell which numbers are taken); the login that
    // follows fails, and the page says what to do either way.
    await page.locator('[data-test=register-idno]').fill(DEMO.person);
    await page.locator('[data-test=register-mobile]').fill('13912345678');
    await page.locator('[data-test=register-password]').fill(STRONG_PW);
    await page.locator('[data-test=register-password2]').fill(STRONG_PW);
    const dupResp = page.waitForResponse((r) => r.url().endsWith('/api/auth/register'));
    await page.locator('[data-test=register-submit]').click();
    const dup = await dupResp;
    assert.equal(dup.status(), 201, 'a taken number gets the neutral answer');
    await page.locator('[data-test=register-error]').waitFor();
    assert.match(await page.locator('[data-test=register-error]').innerText(), /窗口办理实名核验/);
    assert.equal(new URL(page.url()).pathname, '/register');

    // The spare ID number registers and logs straight in.
    await page.locator('[data-test=register-idno]').fill('610929200002290032');
    await page.locator('[data-test=register-submit]').click();
    await page.waitForURL(base + '/');
    const welcome = page.locator('[data-test=welcome]');
    await welcome.waitFor();
    assert.match(await welcome.innerText(), /周晓/);
    assert.match(await page.locator('[data-test=welcome-login]').innerText(), /^610929\*+0032$/);
    // A new account is not 实名 yet: the home page says how to verify.
    await page.locator('[data-test=home-realname]').waitFor();
    assert.equal((await page.locator('[data-test=user-name]').innerText()).trim(), '周晓');
    const menu = await menuTexts(page);
    for (const m of APPLICANT_MENU) assert.ok(menu.includes(m), `applicant menu lacks ${m}: ${menu}`);
    assert.ok(!menu.includes('窗口工作台') && !menu.includes('审批工作台'), `applicant sees staff menu: ${menu}`);

    // A menu entry opens its page.
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '我的办件' }).click();
    await page.waitForURL(base + '/my/cases');
    await page.locator('[data-test=my-cases]').waitFor();

    await logout(page, base);
    // The session is gone: a protected page sends us back to the login form.
    await page.goto(base + '/my/cases');
    await page.waitForURL(/\/login\?redirect=/);
    await submitLogin(page, '610929200002290032', STRONG_PW);
    await page.waitForURL(base + '/my/cases');
    await page.locator('[data-test=my-cases]').waitFor();
    await page.locator('[data-test=menu-home]').click();
    await page.locator('[data-test=welcome]').waitFor();
    await page.screenshot({ path: '/tmp/e2e-home-1366.png' });
  });
});

test('staff see the menus of their roles only', async () => {
  const base = srv.url;
  await withPage(browser, 'staff', async (page) => {
    await loginAs(page, base, DEMO.scjg_sp, DEMO.password);
    let menu = await menuTexts(page);
    for (const m of APPROVER_MENU) assert.ok(menu.includes(m), `approver menu lacks ${m}: ${menu}`);
    for (const m of HALL_MENU) assert.ok(!menu.includes(m), `approver sees ${m}`);
    assert.ok(!menu.includes('我要办事'), 'approver sees the applicant menu');
    assert.match(await page.locator('[data-test=user-roles]').innerText(), /审批人员/);
    assert.match(await page.locator('[data-test=welcome-dept]').innerText(), /市场监管局/);
    await page.screenshot({ path: '/tmp/e2e-home-approver-1366.png' });

    // Typing the address of another role's page leads back home.
    await page.goto(base + '/hall/depts');
    await page.waitForURL(base + '/');
    await page.locator('[data-test=welcome]').waitFor();

    await logout(page, base);
    await loginAs(page, base, DEMO.hall, DEMO.password);
    menu = await menuTexts(page);
    for (const m of HALL_MENU) assert.ok(menu.includes(m), `hall menu lacks ${m}: ${menu}`);
    for (const m of APPROVER_MENU) assert.ok(!menu.includes(m), `hall admin sees ${m}`);
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '部门与窗口' }).click();
    await page.waitForURL(base + '/hall/depts');
  });
});

test('the public guide opens without login and offers a login button', async () => {
  const base = srv.url;
  await withPage(browser, 'guide', async (page) => {
    await page.goto(base + '/guide');
    await page.locator('[data-test=guide-home]').waitFor();
    assert.equal(new URL(page.url()).pathname, '/guide');
    await page.locator('[data-test=login-button]').click();
    await page.waitForURL(/\/login/);
    await submitLogin(page, DEMO.person, DEMO.password);
    await page.waitForURL(base + '/guide');
  });
});

test('a wrong password shows 账号或密码错误', async () => {
  const base = srv.url;
  await withPage(browser, 'wrong-password', async (page) => {
    await page.goto(base + '/login');
    // Empty form: checked in the page.
    await page.locator('[data-test=login-submit]').click();
    await page.getByText('请输入账号').waitFor();
    await submitLogin(page, DEMO.ducha, 'Baihe@2025');
    const alert = page.locator('[data-test=login-error]');
    await alert.waitFor();
    assert.equal((await alert.innerText()).trim(), '账号或密码错误');
    assert.equal(new URL(page.url()).pathname, '/login');
    // An unknown account gives the same answer.
    const unknown = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await submitLogin(page, 'nobody_here', 'Baihe@2024');
    assert.equal((await unknown).status(), 401);
    assert.equal((await alert.innerText()).trim(), '账号或密码错误');
    // The right password still works afterwards.
    await submitLogin(page, DEMO.ducha, DEMO.password);
    await page.waitForURL(base + '/');
    await page.locator('[data-test=welcome]').waitFor();
  });
});

test('the sixth try on an account is locked out', async () => {
  const base = srv.url;
  const idno = personId('61092919920701123');
  const res = await fetch(base + '/api/auth/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'person', idno, name: '吴锁定', mobile: '13700000001', password: STRONG_PW }),
  });
  assert.equal(res.status, 201, 'register ' + (await res.text()));
  await withPage(browser, 'lockout', async (page) => {
    await page.goto(base + '/login');
    const alert = page.locator('[data-test=login-error]');
    for (let i = 1; i <= 5; i++) {
      const resp = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await submitLogin(page, idno, 'Wrong#pass' + i);
      assert.equal((await resp).status(), 401, 'try ' + i);
      assert.equal((await alert.innerText()).trim(), '账号或密码错误');
    }
    // Sixth try, even with the right password: locked.
    const resp = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await submitLogin(page, idno, STRONG_PW);
    const r6 = await resp;
    assert.equal(r6.status(), 429);
    const body = await r6.json();
    assert.equal(body.error.code, 'account_locked');
    assert.ok(body.error.message && body.error.message !== '账号或密码错误');
    await page.waitForFunction(
      (m) => document.querySelector('[data-test=login-error]')?.innerText.trim() === m, body.error.message);
    assert.equal(new URL(page.url()).pathname, '/login');
  });
});

test('on a 375-px phone the menu opens from the drawer button', async () => {
  const base = srv.url;
  await withPage(browser, 'phone', async (page) => {
    await loginAs(page, base, DEMO.person, DEMO.password);
    // No side bar on a phone: the menu is hidden until the drawer opens.
    assert.deepEqual(await menuTexts(page), []);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page scrolls sideways: ${width}px`);
    await page.screenshot({ path: '/tmp/e2e-home-375.png' });
    await page.locator('[data-test=menu-toggle]').click();
    const drawer = page.locator('.ot-drawer');
    await drawer.waitFor();
    await drawer.getByText('我的证照').waitFor();
    const menu = await menuTexts(page);
    for (const m of APPLICANT_MENU) assert.ok(menu.includes(m), `drawer lacks ${m}: ${menu}`);
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-drawer-375.png' });
    await drawer.getByText('我的证照').click();
    await page.waitForURL(base + '/my/certs');
    await drawer.waitFor({ state: 'hidden' });
    await page.locator('[data-test=my-certs]').waitFor();
    await logout(page, base);
  }, { viewport: PHONE });
});

