// Construction projects in a real browser: the window accepts a stage
// application once and two departments approve their cases in parallel on
// their own pages; the owner's project view shows the stage done with both
// approvals and the days against the target, and the owner applies for the
// next stage online (one form, one material list); the steward's desk lists
// the steward's projects; the demo's joint acceptance with three departments
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

before(async () => {
  [srv, browser] = await Promise.all([startServer({ args: ['--no-jobs'] }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

// A department's approver decides its case on its own case page.
async function approveInPage(page, login, caseId) {
  await loginAs(page, srv.url, login, DEMO.password);
  await page.goto(`${srv.url}/approve/cases/${caseId}`);
  for (const [key, reason] of [['pass', '材料齐全，符合条件。'], ['approve', '准予许可。']]) {
    const act = page.locator(`[data-test=act-${key}]`);
    await act.or(page.locator('[data-test=act-approve]')).first().waitFor();
    if (!(await act.isVisible())) continue; // no review step for this item
    await act.click();
    const dlg = dialog(page);
    await dlg.waitFor();
    await field(dlg, 'action-reason').fill(reason);
    const resp = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/cases/'));
    await dlg.locator('[data-test=action-confirm]').click();
    const r = await resp;
    assert.ok(r.status() < 300, `${login} ${key}: ${r.status()} ${await r.text()}`);
    await dlg.waitFor({ state: 'hidden' });
  }
}

test('a stage accepted once at the window, approved in parallel by two departments, the next stage applied for online', async () => {
  const owner = await api(OWNER3);
  const pid = ok(await owner.get('/api/projects')).items[0].id;
  let v = ok(await owner.get(`/api/projects/${pid}`));
  const bcase = v.stages[0].application.bundle_case_id;

  // The project window accepts the stage application once.
  await withPage(browser, 'project-window', async (page) => {
    await loginAs(page, srv.url, DEMO.window01, DEMO.password);
    await page.goto(`${srv.url}/window/bundles/${bcase}`);
    await page.locator('[data-test=bundle-accept]').click();
    const dlg = dialog(page);
    await dlg.waitFor();
    await dlg.locator('[data-test=bundle-accept-confirm]').click();
    await page.locator('[data-test=bundle-state]', { hasText: '并联审批中' }).waitFor();
  });
  v = ok(await owner.get(`/api/projects/${pid}`));
  const byDept = Object.fromEntries(v.stages[0].approvals.map((a) => [a.dept_name, a.case_id]));
  assert.deepEqual(Object.keys(byDept).sort(), ['县发改局', '县自然资源局'].sort());

  // The two departments decide at the same moment, each in its own browser.
  await Promise.all([
    withPage(browser, 'project-fg', (page) => approveInPage(page, 'fg_sp', byDept['县发改局'])),
    withPage(browser, 'project-zr', (page) => approveInPage(page, 'zr_sp', byDept['县自然资源局'])),
  ]);

  await withPage(browser, 'project-owner', async (page) => {
    await loginAs(page, srv.url, OWNER3, DEMO.password);
    await page.goto(`${srv.url}/my/projects`);
    await page.locator(`[data-test=project-${pid}]`).click();
    await page.locator('[data-test=project-name]').waitFor();
    await page.locator('[data-test=stage-state-1]', { hasText: '已完成' }).waitFor();
    const rows = page.locator('[data-test=approvals-1] .el-table__body tr');
    assert.equal(await rows.count(), 2);
    const table = await page.locator('[data-test=approvals-1]').innerText();
    assert.match(table, /县发改局/);
    assert.match(table, /县自然资源局/);
    assert.match(await page.locator('[data-test=project-days]').innerText(), /目标 120 个工作日/);

    // The owner applies for the next stage once: one form, one material list.
    await page.locator('[data-test=apply-stage-2]').click();
    await page.waitForURL(new RegExp(`/my/projects/${pid}/stages/2/apply/\\d+$`));
    await page.locator('[data-test=bundle-submit]').waitFor();
    const inputs = page.locator('input[data-test^="field-"], [data-test^="field-"] input');
    for (let i = 0; i < await inputs.count(); i++) await inputs.nth(i).fill('白河县城关镇物流园区');
    const pdf = { name: 'stage2.pdf', mimeType: 'application/pdf',
      buffer: Buffer.from(`%PDF-1.4\n% stage 2 ${Date.now()}\n%%EOF\n`) };
    const n = await page.locator('.ot-mlist [data-test=material-input]').count();
    assert.ok(n >= 1, `materials: ${n}`);
    for (let i = 0; i < n; i++) {
      const row = page.locator(`[data-test=material-${i}]`);
      if ((await row.locator('[data-test=material-necessity]').innerText()).trim() === '非必要') continue;
      const resp = page.waitForResponse((r) => r.url().includes('/api/uploads'));
      await row.locator('[data-test=material-input]').setInputFiles(pdf);
      assert.equal((await resp).status(), 201);
      await row.locator('[data-test=material-file]').waitFor();
    }
    await page.locator('[data-test=bundle-promise]').click();
    await page.locator('[data-test=bundle-submit]').click();
    await page.waitForURL(`${srv.url}/projects/${pid}`);
    await page.locator('[data-test=stage-state-2]', { hasText: '已申报，待受理' }).waitFor();
  });
  v = ok(await owner.get(`/api/projects/${pid}`));
  const s2 = v.stages.find((s) => s.stage === 2);
  assert.ok(s2.application && s2.application.bundle_case_id, JSON.stringify(s2));

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
