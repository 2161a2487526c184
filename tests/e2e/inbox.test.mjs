// Browser tests of the in-app inbox and the department's work lists: a case
// turns yellow then red (the deadline sweeper run through `onetrip jobs
// run-once` with a later clock), the department administrator sees the
// bell's count and the notifications, follows one to the case and marks the
// rest read; an extension requested by the approver on the case page is
// approved on /dept/extensions and the case's due day moves, another is
// refused only with a reason; a false 告知承诺 is recorded on /dept/checks
// after a confirmation and revokes the decision; the clerk's window and the applicant's phone
// come from GET /api/me. Screenshots: /tmp/e2e-inbox-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, binPath, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, PHONE, settled } from './helpers.mjs';

const NOW = '2026-09-28T10:00:00+08:00';
const SMALL_WORKSHOP = '食品小作坊登记'; // 县市场监管局, 5 working days: due 2026-10-10
const FOOD_CHANGE = '食品经营许可（变更）'; // 县市场监管局, may be accepted on 告知承诺
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let browser;
let srv;
let itemId;

function cli(args) {
  return new Promise((resolve, reject) => {
    execFile(binPath(), args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

function runJobs(day) {
  return cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', `${day}T10:00:00+08:00`]);
}

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

async function api(who) {
  const c = new Client(srv.url);
  await c.login(who, DEMO.password);
  return c;
}

// A case applied for online by the person and accepted at the window
// (through the API: the pages under test come after).
async function acceptedCase() {
  const person = await api(DEMO.person);
  const clerk = await api(DEMO.scjg_clerk);
  const g = await person.get(`/api/guide/items/${itemId}`);
  const mats = g.json.materials || g.json.elements?.materials || g.json.item?.materials || [];
  const materials = [];
  for (let i = 0; i < mats.length; i++) {
    if (mats[i].necessity !== 'required') continue;
    const u = await person.post(`/api/uploads?name=m${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(u.status, 201, u.text);
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  let r = await person.post('/api/cases', { item_id: itemId, form: { phone: '13991500001' }, materials });
  assert.equal(r.status, 201, r.text);
  r = await clerk.post(`/api/cases/${r.json.id}/accept`, { mode: 'normal', version: r.json.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.due_day, '2026-10-10');
  return r.json;
}

async function bellCount(page) {
  const b = page.locator('[data-test=bell-count]');
  return (await b.count()) ? (await b.innerText()).trim() : '';
}

async function waitBell(page, text) {
  try {
    await page.waitForFunction((t) => {
      const el = document.querySelector('[data-test=bell-count]');
      return (el ? el.innerText.trim() : '') === t;
    }, text, { timeout: 10000 });
  } catch (err) {
    err.message += ` (the bell shows "${await bellCount(page)}", expected "${text}")`;
    throw err;
  }
}

async function noSideScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `${what} scrolls sideways: ${w}px`);
}

before(async () => {
  browser = await launchBrowser();
  srv = await startServer({ db: 'sqlite', now: NOW, args: ['--no-jobs'] });
  const r = await fetch(`${srv.url}/api/guide/items?q=${encodeURIComponent(SMALL_WORKSHOP)}&limit=50`);
  const it = (await r.json()).items.find((x) => x.name === SMALL_WORKSHOP);
  assert.ok(it, SMALL_WORKSHOP);
  itemId = it.id;
});

after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
});

test('deadline warnings reach the department administrator\'s inbox and lead to the case', async () => {
  const base = srv.url;
  const k = await acceptedCase();
  // The demo gives the administrator notices of its own (bad ratings and
  // their overdue steps, also raised by the job runs): read those, so that
  // the bell counts this case's warnings.
  const admin = await api(DEMO.scjg_admin);
  const readOthers = async () => {
    const all = await admin.get('/api/notifications?limit=100');
    assert.equal(all.status, 200, all.text);
    for (const n of all.json.items)
      if (!n.read_at && !JSON.stringify(n).includes(k.case_no))
        assert.equal((await admin.post(`/api/notifications/${n.id}/read`, {})).status, 204);
  };
  await runJobs('2026-10-09'); // one working day left: yellow
  await readOthers();

  await withPage(browser, 'inbox-admin', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await waitBell(page, '1');
    assert.match(await page.locator('[data-test=bell]').getAttribute('aria-label'), /1 条未读/);
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-bell-1366.png' });

    // The case goes red; the bell follows on the next page change.
    await runJobs('2026-10-13');
    await readOthers();
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '事项管理' }).click();
    await page.waitForURL(base + '/catalog');
    await waitBell(page, '2');

    await page.locator('[data-test=bell]').click();
    await page.waitForURL(base + '/notifications');
    const items = page.locator('[data-test=notif-item]');
    await items.nth(1).waitFor();
    // This case's two, unread, before the demo's notices read above.
    assert.ok(await items.count() >= 2);
    // Newest first among the unread: the red one on top.
    assert.equal((await items.nth(0).locator('[data-test=notif-title]').innerText()).trim(), `办件已超期：${k.case_no}`);
    assert.equal((await items.nth(1).locator('[data-test=notif-title]').innerText()).trim(), `办件临期预警：${k.case_no}`);
    assert.match(await items.nth(0).locator('[data-test=notif-body]').innerText(), /超期 2 个工作日/);
    assert.match(await page.locator('[data-test=notif-unread]').innerText(), /2 条未读/);
    assert.equal(await items.nth(0).getAttribute('data-read'), '0');
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-list-1366.png', fullPage: true });

    // Opening the red one marks it read and shows the case on the
    // approval desk.
    const read = page.waitForResponse((r) => /\/api\/notifications\/\d+\/read$/.test(r.url()));
    await items.nth(0).click();
    assert.equal((await read).status(), 204);
    await page.waitForURL(`${base}/approve/cases/${k.id}`);
    await page.locator('[data-test=case-no]', { hasText: k.case_no }).waitFor();
    assert.match(await page.locator('[data-test=case-warn]').innerText(), /超期/);
    await waitBell(page, '1');

    await page.goto(base + '/notifications');
    await items.nth(1).waitFor();
    // The unread (yellow) one now comes first, the read one after it.
    assert.equal(await items.nth(0).getAttribute('data-read'), '0');
    assert.equal(await items.nth(1).getAttribute('data-read'), '1');
    const all = page.waitForResponse((r) => r.url().endsWith('/api/notifications/read-all'));
    await page.locator('[data-test=notif-read-all]').click();
    assert.equal((await all).status(), 200);
    await waitBell(page, '');
    assert.equal(await items.nth(0).getAttribute('data-read'), '1');
    assert.match(await page.locator('[data-test=notif-unread]').innerText(), /没有未读消息/);
    assert.ok(await page.locator('[data-test=notif-read-all]').isDisabled());
    // Still read after a reload (the server kept it).
    await page.reload();
    await items.nth(1).waitFor();
    assert.equal(await bellCount(page), '');
  });

  // The same inbox on a phone.
  await withPage(browser, 'inbox-phone', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/notifications');
    await page.locator('[data-test=notif-item]').nth(1).waitFor();
    await noSideScroll(page, 'notifications page');
    assert.ok(await page.locator('[data-test=bell]').isVisible(), 'the bell shows on a phone');
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-list-375.png', fullPage: true });
  }, { viewport: PHONE });
});

test('an extension requested on the case page is approved on /dept/extensions and the due day moves', async () => {
  const base = srv.url;
  const k1 = await acceptedCase();
  const k2 = await acceptedCase();

  await withPage(browser, 'inbox-ext-request', async (page) => {
    await loginAs(page, base, DEMO.scjg_sp, DEMO.password);
    for (const [k, days, reason] of [[k1, 3, '需现场核查生产场所，申请延长 3 个工作日。'], [k2, 2, '需补充检验。']]) {
      await page.goto(`${base}/approve/cases/${k.id}`);
      await page.locator('[data-test=case-no]', { hasText: k.case_no }).waitFor();
      await page.locator('[data-test=act-extension]').click();
      const dlg = dialog(page);
      await dlg.waitFor();
      await field(dlg, 'extension-days').fill(String(days));
      // 食品小作坊登记 has a 15-day statutory limit: the legal basis is required (行政许可法 §42).
      await field(dlg, 'extension-basis').fill('《陕西省食品小作坊小餐饮及摊贩管理条例》第十二条');
      await field(dlg, 'action-reason').fill(reason);
      const resp = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${k.id}/extensions`));
      await dlg.locator('[data-test=action-confirm]').click();
      assert.equal((await resp).status(), 201);
      await dlg.waitFor({ state: 'hidden' });
      // The request shows on the case page, waiting; the approver may not decide.
      const card = page.locator('[data-test=case-extensions]');
      await card.locator('[data-test=case-extension-status]', { hasText: '待审批' }).waitFor();
      assert.match(await card.innerText(), new RegExp(`延长 ${days} 个工作日`));
      assert.equal(await card.locator('[data-test=case-ext-approve]').count(), 0);
    }
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-ext-case-1366.png', fullPage: true });
    // Not the approver's page.
    await page.goto(base + '/dept/extensions');
    await page.waitForURL(base + '/');
  });

  await withPage(browser, 'inbox-ext-approve', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '延期审批' }).click();
    await page.waitForURL(base + '/dept/extensions');
    const row1 = page.locator('[data-test=ext-row]', { hasText: k1.case_no });
    await row1.waitFor();
    assert.match(await row1.locator('[data-test=ext-days]').innerText(), /延长 3 个工作日/);
    assert.match(await row1.innerText(), /张\S* ?610929\*+001X/);
    assert.match(await row1.locator('[data-test=ext-due]').innerText(), /2026年10月10日/);
    assert.match(await row1.locator('[data-test=ext-new-due]').innerText(), /2026年10月14日/);
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-ext-list-1366.png', fullPage: true });

    // Refusing needs a reason.
    const row2 = page.locator('[data-test=ext-row]', { hasText: k2.case_no });
    await row2.locator('[data-test=ext-reject]').click();
    let dlg = dialog(page);
    await dlg.waitFor();
    await dlg.locator('[data-test=ext-confirm]').click();
    await dlg.locator('[data-test=ext-error]', { hasText: '请填写不予批准的理由' }).waitFor();
    await field(dlg, 'ext-reason').fill('检验可在原期限内完成。');
    let resp = page.waitForResponse((r) => r.url().endsWith('/reject'));
    await dlg.locator('[data-test=ext-confirm]').click();
    assert.equal((await resp).status(), 200);
    await dlg.waitFor({ state: 'hidden' });
    await row2.waitFor({ state: 'detached' });

    await row1.locator('[data-test=ext-approve]').click();
    dlg = dialog(page);
    await dlg.waitFor();
    assert.match(await dlg.locator('[data-test=ext-new-due]').innerText(), /2026年10月14日/);
    resp = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await dlg.locator('[data-test=ext-confirm]').click();
    assert.equal((await resp).status(), 200);
    await dlg.waitFor({ state: 'hidden' });
    await row1.waitFor({ state: 'detached' });

    await page.locator('[data-test=ext-status]').getByText('已批准').click();
    await page.locator('[data-test=ext-row]', { hasText: k1.case_no }).waitFor();
    await page.locator('[data-test=ext-status]').getByText('未批准').click();
    await page.locator('[data-test=ext-row]', { hasText: '检验可在原期限内完成' }).waitFor();

    // The case's due day moved by three working days.
    await page.goto(`${base}/approve/cases/${k1.id}`);
    await page.locator('[data-test=case-due-day]', { hasText: '2026年10月14日' }).waitFor();
    await page.locator('[data-test=case-extension-status]', { hasText: '已批准' }).waitFor();
    await page.goto(`${base}/approve/cases/${k2.id}`);
    await page.locator('[data-test=case-due-day]', { hasText: '2026年10月10日' }).waitFor();
    await page.locator('[data-test=case-extension-status]', { hasText: '未批准' }).waitFor();
  });
  const check = await (await api(DEMO.scjg_sp)).get(`/api/cases/${k1.id}`);
  assert.equal(check.json.due_day, '2026-10-14');
  assert.equal(check.json.extension_days, 3);

  // A pending one on a phone.
  const k3 = await acceptedCase();
  const sp = await api(DEMO.scjg_sp);
  assert.equal((await sp.post(`/api/cases/${k3.id}/extensions`, { days: 5, reason: '需组织专家论证。', basis: '《陕西省食品小作坊小餐饮及摊贩管理条例》第十二条' })).status, 201);
  await withPage(browser, 'inbox-ext-phone', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.goto(base + '/dept/extensions');
    await page.locator('[data-test=ext-row]', { hasText: k3.case_no }).waitFor();
    await noSideScroll(page, 'extensions page');
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-ext-list-375.png', fullPage: true });
  }, { viewport: PHONE });
});

// A 告知承诺 case taken to an approval through the API, by whoever may act.
async function committedCase() {
  const r0 = await fetch(`${srv.url}/api/guide/items?q=${encodeURIComponent(FOOD_CHANGE)}&limit=50`);
  const it = (await r0.json()).items.find((x) => x.name === FOOD_CHANGE);
  assert.ok(it, FOOD_CHANGE);
  const person = await api(DEMO.person);
  const clerk = await api(DEMO.scjg_clerk);
  const sp = await api(DEMO.scjg_sp);
  const g = await person.get(`/api/guide/items/${it.id}`);
  const mats = g.json.materials || g.json.elements?.materials || g.json.item?.materials || [];
  const materials = [];
  for (let i = 0; i < mats.length; i++) {
    const u = await person.post(`/api/uploads?name=c${i}.pdf`, PDF, { headers: { 'Content-Type': 'application/pdf' } });
    materials.push({ index: i, sha256: u.json.sha256 });
  }
  let r = await person.post('/api/cases', { item_id: it.id, form: { phone: '13991500001' }, materials });
  assert.equal(r.status, 201, r.text);
  r = await clerk.post(`/api/cases/${r.json.id}/accept`, {
    mode: 'commitment', commitment_text: '本人承诺经营场所和设施符合要求。', version: r.json.version,
  });
  assert.equal(r.status, 200, r.text);
  for (let step = 0; step < 6 && r.json.decision !== 'approved'; step++) {
    const next = ['forward', 'pass', 'approve'].find((a) => r.json.available_actions.some((x) => x.code === a));
    const who = next && r.json.available_actions.length ? sp : null;
    assert.ok(who, 'no way to approve: ' + JSON.stringify(r.json.available_actions));
    let out = await sp.post(`/api/cases/${r.json.id}/actions/${next}`, { reason: '符合条件。', version: r.json.version });
    if (out.status === 403) out = await clerk.post(`/api/cases/${r.json.id}/actions/${next}`, { reason: '符合条件。', version: r.json.version });
    assert.equal(out.status, 200, out.text);
    r = out;
  }
  assert.equal(r.json.decision, 'approved');
  return r.json;
}

test('告知承诺核查: a false commitment revokes the decision after a warning', async () => {
  const base = srv.url;
  const k = await committedCase();
  await withPage(browser, 'inbox-checks-false', async (page) => {
    await loginAs(page, base, DEMO.scjg_admin, DEMO.password);
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '告知承诺核查' }).click();
    await page.waitForURL(base + '/dept/checks');
    const row = page.locator('[data-test=check-row]', { hasText: k.case_no });
    await row.waitFor();
    assert.equal((await row.locator('[data-test=check-applicant]').innerText()).trim(), '张*');
    assert.match(await row.locator('[data-test=check-due]').innerText(), /^\d{4}年\d+月\d+日/);
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-checks-1366.png', fullPage: true });

    await row.locator('[data-test=check-record]').click();
    const dlg = dialog(page);
    await dlg.waitFor();
    await dlg.locator('[data-test=check-verdict]').getByText('承诺不实').click();
    await dlg.getByText('承诺不实将撤销已作出的许可决定').waitFor();
    await dlg.locator('[data-test=check-save]').click();
    await dlg.locator('[data-test=check-error]', { hasText: '请填写核查情况' }).waitFor();
    await field(dlg, 'check-result').fill('经现场核查，经营场所面积与承诺不符。');
    await dlg.locator('[data-test=check-save]').click();
    // The confirmation says what happens; cancelling sends nothing.
    const box = page.locator('.ot-revoke-confirm');
    await box.waitFor();
    assert.match(await box.innerText(), new RegExp(`撤销办件 ${k.case_no} 已作出的许可决定`));
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-checks-confirm-1366.png' });
    await box.getByRole('button', { name: '取消' }).click();
    await box.waitFor({ state: 'hidden' });
    let cs = await (await page.request.get(`${base}/api/cases/${k.id}`)).json();
    assert.notEqual(cs.state, 'revoked');
    assert.equal(cs.check_status, 'pending');
    await dlg.locator('[data-test=check-save]').click();
    await box.waitFor();
    const resp = page.waitForResponse((r) => r.url().endsWith('/result'));
    await box.getByRole('button', { name: '确认撤销' }).click();
    assert.equal((await resp).status(), 200);
    await row.waitFor({ state: 'detached' });
    cs = await (await page.request.get(`${base}/api/cases/${k.id}`)).json();
    assert.equal(cs.state, 'revoked');
    assert.equal(cs.check_status, 'false');
    await page.locator('[data-test=check-status]').getByText('承诺不实').click();
    await page.locator('[data-test=check-row]', { hasText: '经营场所面积与承诺不符' }).waitFor();
  });
});

test('the checks page, the clerk\'s window in the top bar and the applicant\'s phone prefilled', async () => {
  const base = srv.url;
  await withPage(browser, 'inbox-checks-empty', async (page) => {
    await loginAs(page, base, DEMO.scjg_sp, DEMO.password);
    await page.locator('[data-test=side-menu] .el-menu-item', { hasText: '告知承诺核查' }).click();
    await page.waitForURL(base + '/dept/checks');
    await page.getByText('暂无待核查的告知承诺').waitFor();
  });
  await withPage(browser, 'inbox-clerk', async (page) => {
    await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
    const me = await (await page.request.get(base + '/api/me')).json();
    assert.ok(me.user.window_name, 'the clerk has a window');
    const tag = page.locator('[data-test=user-window]');
    await tag.waitFor();
    assert.equal((await tag.innerText()).trim(), `${me.user.window_number} ${me.user.window_name}`);
    const menu = await page.locator('[data-test=side-menu] .el-menu-item:visible').allInnerTexts();
    assert.equal(menu.filter((m) => m.trim() === '消息通知').length, 1);
    await settled(page);
    await page.screenshot({ path: '/tmp/e2e-inbox-clerk-1366.png' });
  });
  await withPage(browser, 'inbox-apply', async (page) => {
    await loginAs(page, base, DEMO.person, DEMO.password);
    await page.goto(`${base}/apply?item=${itemId}`);
    await page.locator('[data-test=apply-item-name]').waitFor();
    assert.equal(await field(page, 'apply-phone').inputValue(), '13991500001');
  });
});
