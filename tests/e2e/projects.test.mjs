// Construction projects in a real browser: the owner sees a stage applied
// for once; the window accepts it and two departments approve their cases
// in parallel; the owner's project view shows the stage done with both
// approvals and the days against the target; the steward's desk lists the
// steward's projects; the demo's joint acceptance with three departments
// gets each department's opinion on the event page and ends in one sealed
// joint opinion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

const OWNER3 = '91610929MA0BHJ003X'; // 白河县秦巴物流有限公司, demo project 3 (stage 1 applied)
const OWNER1 = '91610929MA0BHJ001P'; // demo project 1 (joint acceptance scheduled)

let browser;
let srv;

// An Element Plus input: data-test lands on the input itself or its wrapper.
function field(page, name) {
  return page.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

async function api(who) {
  const c = new Client(srv.url);
  await c.login(who, DEMO.password);
  return c;
}

function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.json;
}

async function approve(c, caseId) {
  let cs = ok(await c.get(`/api/cases/${caseId}`));
  if (cs.state === 'review') cs = ok(await c.post(`/api/cases/${caseId}/actions/pass`, { version: cs.version, reason: '审查通过' }));
  return ok(await c.post(`/api/cases/${caseId}/actions/approve`, { version: cs.version, reason: '符合条件' }));
}

before(async () => {
  [srv, browser] = await Promise.all([startServer({ args: ['--no-jobs'] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a stage applied once, approved in parallel by two departments, seen by the owner and the steward', async () => {
  const [owner, win, fg, zr] = await Promise.all([api(OWNER3), api(DEMO.window01), api('fg_sp'), api('zr_sp')]);
  const pid = ok(await owner.get('/api/projects')).items[0].id;
  await withPage(browser, 'project-owner', async (page) => {
    await loginAs(page, srv.url, OWNER3, DEMO.password);
    await page.goto(`${srv.url}/my/projects`);
    await page.locator(`[data-test=project-${pid}]`).click();
    await page.locator('[data-test=project-name]').waitFor();
    await page.locator('[data-test=stage-state-1]', { hasText: '已申报，待受理' }).waitFor();

    // accepted once at the window; the two departments decide at the same moment
    let v = ok(await owner.get(`/api/projects/${pid}`));
    const bcase = v.stages[0].application.bundle_case_id;
    const b = ok(await win.get(`/api/bundle-cases/${bcase}`));
    ok(await win.post(`/api/bundle-cases/${bcase}/accept`, { version: b.version }));
    v = ok(await owner.get(`/api/projects/${pid}`));
    const byDept = Object.fromEntries(v.stages[0].approvals.map((a) => [a.dept_name, a.case_id]));
    assert.deepEqual(Object.keys(byDept).sort(), ['县发改局', '县自然资源局'].sort());
    await Promise.all([approve(fg, byDept['县发改局']), approve(zr, byDept['县自然资源局'])]);

    await page.reload();
    await page.locator('[data-test=stage-state-1]', { hasText: '已完成' }).waitFor();
    const rows = page.locator('[data-test=approvals-1] .el-table__body tr');
    assert.equal(await rows.count(), 2);
    const table = await page.locator('[data-test=approvals-1]').innerText();
    assert.match(table, /县发改局/);
    assert.match(table, /县自然资源局/);
    assert.match(await page.locator('[data-test=project-days]').innerText(), /目标 120 个工作日/);
    // the next stage may now be applied for
    await page.locator('[data-test=apply-stage-2]').waitFor();
  });
  await withPage(browser, 'project-desk', async (page) => {
    await loginAs(page, srv.url, 'xmgj', DEMO.password);
    await page.goto(`${srv.url}/projects/desk`);
    await page.locator(`[data-test=desk-project-${pid}]`).waitFor();
    const desk = await page.locator('[data-test=steward-desk]').innerText();
    assert.match(desk, /白河县城关镇滨江安置小区建设项目/);
    assert.match(desk, /联合验收/);
  });
});

test('a joint acceptance with three departments ends in a sealed joint opinion', async () => {
  const owner = await api(OWNER1);
  const p1 = ok(await owner.get('/api/projects')).items[0];
  const evId = ok(await owner.get(`/api/projects/${p1.id}`)).events[0].id;

  async function opinion(login, choice, comment, rects) {
    await withPage(browser, `project-opinion-${login}`, async (page) => {
      await loginAs(page, srv.url, login, DEMO.password);
      await page.goto(`${srv.url}/project-events/${evId}`);
      await page.locator('[data-test=opinion-form]').waitFor();
      await page.locator(`[data-test=opinion-${choice}]`).click();
      await field(page, 'opinion-comment').fill(comment);
      if (rects) await field(page, 'opinion-rects').fill(rects);
      await page.locator('[data-test=opinion-submit]').click();
      await page.locator('.el-message--success').waitFor();
    });
  }
  await opinion('xf_sp', 'rectify', '消防设施基本符合要求', '3 号楼疏散楼梯防火门安装闭门器');
  await opinion('rf_sp', 'agree', '人防工程符合设计要求');

  await withPage(browser, 'project-seal', async (page) => {
    await loginAs(page, srv.url, 'zj_sp', DEMO.password);
    await page.goto(`${srv.url}/project-events/${evId}`);
    await page.locator('[data-test=opinion-agree]').click();
    await field(page, 'opinion-comment').fill('规划条件核实通过');
    await page.locator('[data-test=opinion-submit]').click();
    await page.locator('.el-message--success').waitFor();
    await field(page, 'seal-conclusion').fill('整改完成后予以竣工验收备案。');
    await page.locator('[data-test=seal-submit]').click();
    await page.locator('[data-test=event-status]', { hasText: '已出具联合意见：整改后通过' }).waitFor();
    const depts = await page.locator('[data-test=event-depts]').innerText();
    assert.equal((depts.match(/已签章/g) || []).length, 3, depts);
    assert.match(await page.locator('[data-test=rects-table]').innerText(), /闭门器/);
    const href = await page.locator('[data-test=event-pdf]').getAttribute('href');
    const pdf = await page.request.get(srv.url + href);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
  });
});
