// Browser tests of the case pages: online application with 一次性告知补正,
// acceptance, review and decision, download and verification of the sealed
// decision; 容缺受理 with a late supplement; a 即办件 closed at the window the
// same day; a deadline crossing the National Day holiday.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { startServer, binPath } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs, PHONE, fillApplyForm, settled } from './helpers.mjs';

const SMALL_WORKSHOP = '食品小作坊登记';      // 县市场监管局, 承诺件 5 working days, person
const FOOD_LICENCE = '食品经营许可（新办）';  // 县市场监管局, 容缺 item, material 4 容缺可后补
const SOLE_TRADER = '个体工商户设立登记';     // 县市场监管局, 即办件, window-authorised

let browser;
let files;

// ---- generated upload files ----

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// A 16x16 RGB PNG of one colour.
function makePng(r, g, b) {
  const w = 16;
  const h = 16;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function makePdf(label) {
  return Buffer.from([
    '%PDF-1.4', `% ${label}`,
    '1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj',
    '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj',
    '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj',
    'trailer <</Root 1 0 R>>', '%%EOF', '',
  ].join('\n'));
}

function makeFiles() {
  const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-e2e-files-'));
  const out = {};
  const put = (name, data) => {
    out[name] = path.join(dir, name);
    writeFileSync(out[name], data);
  };
  for (let i = 0; i < 6; i++) put(`材料${i + 1}.pdf`, makePdf('material ' + i + ' ' + Date.now()));
  put('现场照片.png', makePng(30, 90, 160));
  put('补正后照片.png', makePng(200, 60, 40));
  put('容缺补交.png', makePng(40, 160, 80));
  put('假文件.pdf', Buffer.from('this is plain text, not a PDF\n'));
  return out;
}

// ---- helpers ----

function cli(args) {
  return new Promise((resolve, reject) => {
    execFile(binPath(), args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim())));
  });
}

async function itemId(base, name) {
  const r = await fetch(`${base}/api/guide/items?q=${encodeURIComponent(name)}&limit=50`);
  assert.equal(r.status, 200, 'guide search ' + name);
  const data = await r.json();
  const it = (data.items || []).find((x) => x.name === name);
  assert.ok(it, `item ${name} not in the published guide`);
  return it.id;
}

// An Element Plus input or textarea by its data-test (the attribute lands on
// the native element or on its wrapper, depending on the component).
function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

// The visible Element Plus dialog (the last one opened).
function dialog(page) {
  return page.locator('.el-dialog:visible').last();
}

async function uploadInto(page, index, file, scope = page) {
  const row = scope.locator(`[data-test=material-${index}]`);
  const resp = page.waitForResponse((r) => r.url().includes('/api/uploads'));
  await row.locator('[data-test=material-input]').setInputFiles(file);
  const r = await resp;
  return { row, status: r.status() };
}

async function waitUploaded(row) {
  await row.locator('[data-test=material-file]').waitFor();
}

// Clicks an action button of the staff case page, fills its dialog with
// fill(dlg) and confirms; waits for the case to reload.
async function act(page, key, fill) {
  await page.locator(`[data-test=act-${key}]`).click();
  const dlg = dialog(page);
  await dlg.waitFor();
  if (fill) await fill(dlg);
  const resp = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/cases/'));
  await dlg.locator('[data-test=action-confirm]').click();
  const r = await resp;
  assert.ok(r.status() < 300, `${key}: ${r.status()} ${await r.text()}`);
  await dlg.waitFor({ state: 'hidden' });
  return r.json().catch(() => null);
}

async function caseState(page) {
  return (await page.locator('[data-test=case-state]').innerText()).trim();
}

async function waitState(page, label) {
  await page.waitForFunction(
    (l) => document.querySelector('[data-test=case-state]')?.innerText.trim() === l, label, { timeout: 10000 });
}

async function openFromQueue(page, base, queuePath, caseNo, shot) {
  await page.goto(base + queuePath);
  const link = page.locator('[data-test=queue-case-link]', { hasText: caseNo });
  await link.waitFor();
  if (shot) {
    await settled(page);
    await page.screenshot({ path: shot, fullPage: true });
  }
  await link.click();
  await page.waitForURL(/\/cases\/\d+$/);
  await page.locator('[data-test=case-no]', { hasText: caseNo }).waitFor();
}

// Applies online for itemName with every material as a file; returns
// {caseNo, caseId}.
async function applyOnline(page, base, id, uploads) {
  await page.goto(`${base}/apply?item=${id}`);
  await page.locator('[data-test=apply-item-name]').waitFor();
  await page.locator('[data-test=apply-phone]').fill('13991500001');
  await page.locator('[data-test=apply-address]').fill('白河县城关镇解放路 18 号');
  await page.locator('[data-test=apply-description]').fill('在城关镇解放路开办食品加工小作坊，生产挂面。');
  for (const [index, file] of uploads) {
    const { row, status } = await uploadInto(page, index, file);
    assert.equal(status, 201, 'upload ' + file);
    await waitUploaded(row);
  }
  await fillApplyForm(page);
  const resp = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
  await page.locator('[data-test=apply-submit]').click();
  const r = await resp;
  assert.equal(r.status(), 201, 'apply: ' + (await r.text()));
  const c = await r.json();
  await page.locator('[data-test=apply-done]').waitFor();
  assert.equal((await page.locator('[data-test=apply-case-no]').innerText()).trim(), c.case_no);
  return { caseNo: c.case_no, caseId: c.id };
}

before(async () => {
  files = makeFiles();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
});

test('online application → 补正 → 受理 → approval → download of the sealed decision → 验证通过', async () => {
  const srv = await startServer({ db: 'sqlite' });
  try {
    const base = srv.url;
    const id = await itemId(base, SMALL_WORKSHOP);
    let caseNo;
    let caseId;

    await withPage(browser, 'case-apply', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      await page.goto(`${base}/apply?item=${id}`);
      await page.locator('[data-test=apply-item-name]', { hasText: SMALL_WORKSHOP }).waitFor();
      // The applicant's name comes from the account.
      assert.equal(await field(page, 'apply-applicant').inputValue(), '张明');
      assert.equal(await page.locator('[data-test=material-name]').count(), 4);
      assert.match(await page.locator('[data-test=material-0] [data-test=material-necessity]').innerText(), /必要/);

      // A text file named .pdf: the server sniffs it and refuses in Chinese.
      const bad = await uploadInto(page, 0, files['假文件.pdf']);
      assert.equal(bad.status, 415);
      assert.match(await bad.row.locator('[data-test=material-error]').innerText(), /仅支持 PDF、JPEG、PNG 格式/);

      // Submitting without a required material: the server's message is shown.
      await page.locator('[data-test=apply-phone]').fill('13991500001');
      await page.locator('[data-test=apply-address]').fill('白河县城关镇解放路 18 号');
      await page.locator('[data-test=apply-description]').fill('开办食品加工小作坊。');
      for (const [i, f] of [[0, files['材料1.pdf']], [1, files['现场照片.png']], [2, files['材料3.pdf']]]) {
        const up = await uploadInto(page, i, f);
        assert.equal(up.status, 201);
        await waitUploaded(up.row);
      }
      await fillApplyForm(page);
      const r422 = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
      await page.locator('[data-test=apply-submit]').click();
      assert.equal((await r422).status(), 422);
      assert.match(await page.locator('[data-test=apply-error]').innerText(), /从业人员健康证明/);
      await page.screenshot({ path: '/tmp/e2e-case-apply-1366.png', fullPage: true });

      ({ caseNo, caseId } = await applyOnline(page, base, id, [
        [0, files['材料1.pdf']], [1, files['现场照片.png']], [2, files['材料3.pdf']], [3, files['材料4.pdf']],
      ]));
      await page.locator('[data-test=apply-open-case]').click();
      await page.waitForURL(`${base}/my/cases/${caseId}`);
      await waitState(page, '待受理');
      await page.goto(base + '/my/cases');
      await page.locator('[data-test=my-case-link]', { hasText: caseNo }).waitFor();
      await page.screenshot({ path: '/tmp/e2e-case-my-cases-1366.png', fullPage: true });
    });

    // The window asks once for everything that must be corrected.
    await withPage(browser, 'case-window-supplement', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await openFromQueue(page, base, '/window', caseNo, '/tmp/e2e-case-window-queue-1366.png');
      await page.screenshot({ path: '/tmp/e2e-case-window-1366.png', fullPage: true });
      await act(page, 'request_supplement', async (dlg) => {
        const pick = dlg.locator('[data-test=pick-material-2]');
        await pick.click();
        await field(dlg, 'problem-2').fill('加工场所平面图不清晰，请重新上传');
      });
      await waitState(page, '待补正');
    });

    await withPage(browser, 'case-applicant-supplement', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      await page.goto(`${base}/my/cases/${caseId}`);
      await waitState(page, '待补正');
      const panel = page.locator('[data-test=supplement-panel]');
      await panel.waitFor();
      assert.match(await panel.innerText(), /加工场所平面图及设备布局图/);
      assert.match(await panel.innerText(), /不清晰/);
      assert.ok(await page.locator('[data-test=case-awaiting]').isVisible());
      await page.screenshot({ path: '/tmp/e2e-case-supplement-1366.png', fullPage: true });
      const up = await uploadInto(page, 2, files['补正后照片.png'], panel);
      assert.equal(up.status, 201);
      await waitUploaded(up.row);
      const resp = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/supplement`));
      await page.locator('[data-test=supplement-submit]').click();
      assert.equal((await resp).status(), 200);
      await waitState(page, '待受理');
      await page.locator('[data-test=supplement-panel]').waitFor({ state: 'hidden' });
    });

    // 受理 and 分送审查 at the window.
    await withPage(browser, 'case-window-accept', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await openFromQueue(page, base, '/window/accept', caseNo);
      await act(page, 'accept');
      await waitState(page, '已受理');
      await page.locator('[data-test=case-due-day]').waitFor();
      await page.locator('[data-test=doc-accept_notice]').waitFor();
      if (await page.locator('[data-test=act-forward]').count()) {
        await act(page, 'forward');
        await waitState(page, '审查中');
      }
    });

    // The approver reviews and approves.
    await withPage(browser, 'case-approve', async (page) => {
      await loginAs(page, base, DEMO.scjg_sp, DEMO.password);
      await openFromQueue(page, base, '/approve', caseNo, '/tmp/e2e-case-approve-queue-1366.png');
      assert.match(await page.locator('[data-test=case-remaining]').innerText(), /剩余 \d+ 个工作日/);
      await page.screenshot({ path: '/tmp/e2e-case-approve-1366.png', fullPage: true });
      await act(page, 'pass', (dlg) => field(dlg, 'action-reason').fill('材料齐全，符合条件，同意。'));
      await waitState(page, '待决定');
      // A wrong click: 不予许可 without a reason is refused in the page.
      await page.locator('[data-test=act-deny]').click();
      const dlg = dialog(page);
      await dlg.locator('[data-test=action-confirm]').click();
      await dlg.locator('[data-test=action-error]').waitFor();
      await dlg.getByRole('button', { name: '取消' }).click();
      await act(page, 'approve', (d) => field(d, 'action-reason').fill('准予许可。'));
      await waitState(page, '制证中');
    });

    // The window hands the result out by download.
    await withPage(browser, 'case-deliver', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await openFromQueue(page, base, '/window/deliver', caseNo);
      await act(page, 'deliver', (dlg) => dlg.locator('[data-test=deliver-method]').getByText('网上下载').click());
      await waitState(page, '已办结');
    });

    // The applicant downloads the sealed decision and verifies it.
    await withPage(browser, 'case-download', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      await page.goto(`${base}/my/cases/${caseId}`);
      await waitState(page, '已办结');
      const link = page.locator('[data-test=doc-approval_decision] [data-test=doc-download]');
      await link.waitFor({ timeout: 30000 });
      const href = await link.getAttribute('href');
      const pdf = await page.request.get(base + href);
      assert.equal(pdf.status(), 200);
      assert.match(pdf.headers()['content-type'], /application\/pdf/);
      const body = await pdf.body();
      assert.equal(body.subarray(0, 5).toString(), '%PDF-');
      assert.ok(body.length > 2000, 'decision PDF too small: ' + body.length);
      assert.ok((await page.locator('[data-test=timeline-step]').count()) >= 6);
      await page.screenshot({ path: '/tmp/e2e-case-done-1366.png', fullPage: true });
      const verify = await page.locator('[data-test=doc-approval_decision] [data-test=doc-verify]').getAttribute('href');
      assert.match(verify, /^\/verify\/\S+$/);
      await page.goto(base + verify);
      await page.getByText('验证通过').first().waitFor();
      await page.screenshot({ path: '/tmp/e2e-case-verify-1366.png', fullPage: true });

      // The certificate is in the library and can be reused (减材料).
      await page.goto(base + '/my/certs');
      const cert = page.locator('[data-test=cert]').first();
      await cert.waitFor();
      assert.match(await cert.innerText(), /县市场监管局|市场监督管理局/);
      await page.screenshot({ path: '/tmp/e2e-case-certs-1366.png', fullPage: true });
      await page.goto(`${base}/apply?item=${id}`);
      await page.locator('[data-test=material-0] [data-test=material-reuse]').click();
      const picker = dialog(page);
      const certItem = picker.locator('[data-test=reuse-item]', { hasText: '电子证照' }).first();
      await certItem.waitFor();
      await certItem.click();
      await picker.waitFor({ state: 'hidden' });
      assert.match(await page.locator('[data-test=material-0] [data-test=material-file]').innerText(), /证照复用/);
    });
    await withPage(browser, 'case-phone', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      await page.goto(`${base}/my/cases/${caseId}`);
      await waitState(page, '已办结');
      await page.locator('[data-test=doc-approval_decision]').waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `case page scrolls sideways: ${width}px`);
      await page.screenshot({ path: '/tmp/e2e-case-done-375.png', fullPage: true });
      await page.goto(`${base}/my/cases`);
      await page.locator('[data-test=my-case-link]', { hasText: caseNo }).waitFor();
      await page.screenshot({ path: '/tmp/e2e-case-my-cases-375.png', fullPage: true });
      await page.goto(`${base}/apply?item=${id}`);
      await page.locator('[data-test=material-3]').waitFor();
      const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w2 <= PHONE.width, `apply page scrolls sideways: ${w2}px`);
      await page.screenshot({ path: '/tmp/e2e-case-apply-375.png', fullPage: true });
    }, { viewport: PHONE });
    // Another applicant does not see the case.
    await withPage(browser, 'case-other', async (page) => {
      await loginAs(page, base, DEMO.person2, DEMO.password);
      await page.goto(`${base}/my/cases/${caseId}`);
      await page.getByText('办件不存在').waitFor();
    });
  } finally {
    await srv.stop();
  }
});

test('容缺受理: accepted without a 容缺 material, supplemented late, flagged', async () => {
  const srv = await startServer({ db: 'sqlite', now: '2026-06-01T10:00:00+08:00' });
  try {
    const base = srv.url;
    const id = await itemId(base, FOOD_LICENCE);
    let caseNo;
    let caseId;
    await withPage(browser, 'case-rongque-apply', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      // Material 0 (申请书) is the electronic form the page fills in.
      ({ caseNo, caseId } = await applyOnline(page, base, id, [
        [1, files['材料2.pdf']], [2, files['材料3.pdf']], [3, files['材料4.pdf']],
      ]));
    });
    await withPage(browser, 'case-rongque-accept', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await openFromQueue(page, base, '/window', caseNo);
      await act(page, 'accept-rongque', async (dlg) => {
        // Material 4 (容缺可后补) is pre-ticked; the due date is typed in.
        assert.ok(await field(dlg, 'pick-material-4').isChecked());
        const due = field(dlg, 'rongque-due');
        await due.fill('2026-06-03');
        await due.press('Enter');
      });
      await waitState(page, '已受理');
      assert.match(await page.locator('[data-test=case-mode]').innerText(), /容缺受理/);
      await page.locator('[data-test=doc-rongque_notice]').waitFor();
      await page.screenshot({ path: '/tmp/e2e-case-rongque-1366.png', fullPage: true });
    });

    // A week later (after the 补交期限) the applicant hands the material in.
    // The server restarts with the later clock: a second server on the same
    // database, still at 06-01, would sweep the case back to 06-01's figures.
    await srv.restart({ now: '2026-06-10T10:00:00+08:00' });
    const later = srv;
    await withPage(browser, 'case-rongque-late', async (page) => {
      await loginAs(page, later.url, DEMO.person, DEMO.password);
      await page.goto(`${later.url}/my/cases/${caseId}`);
      const panel = page.locator('[data-test=supplement-panel]');
      await panel.waitFor();
      assert.match(await panel.innerText(), /食品安全自查/);
      const up = await uploadInto(page, 4, files['容缺补交.png'], panel);
      assert.equal(up.status, 201);
      await waitUploaded(up.row);
      const resp = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/supplement`));
      await page.locator('[data-test=supplement-submit]').click();
      assert.equal((await resp).status(), 200);
      await panel.waitFor({ state: 'hidden' });
    });
    await withPage(browser, 'case-rongque-flag', async (page) => {
      await loginAs(page, later.url, DEMO.scjg_clerk, DEMO.password);
      await page.goto(`${later.url}/window/cases/${caseId}`);
      await page.locator('[data-test=case-flag]').waitFor();
      assert.equal(await page.locator('[data-test=case-material-4] [data-test=case-material-status]').innerText(), '已提交');
      await page.screenshot({ path: '/tmp/e2e-case-rongque-flag-1366.png', fullPage: true });
    });
    // The sweeper raises the red warning; the department explains the delay.
    await cli(['jobs', 'run-once', '--db', srv.dbUrl, '--var', srv.varDir, '--now', '2026-06-10T10:00:00+08:00']);
    await withPage(browser, 'case-warnings', async (page) => {
      await loginAs(page, later.url, DEMO.scjg_admin, DEMO.password);
      await page.goto(later.url + '/warnings');
      const row = page.locator('[data-test=warn-table] .el-table__row', { hasText: caseNo }).filter({ has: page.locator('.el-tag', { hasText: /^超期$/ }) }).first();
      await row.waitFor();
      await row.locator('[data-test=warn-explain]').click();
      const dlg = dialog(page);
      await dlg.waitFor();
      await dlg.locator('[data-test=explain-save]').click();
      await dlg.getByText('请填写超期原因、整改措施和预计办结日期').waitFor();
      await field(dlg, 'explain-reason').fill('容缺材料逾期补交，审查顺延。');
      await field(dlg, 'explain-measures').fill('安排专人加班审查，明日完成现场核查。');
      const date = field(dlg, 'explain-date');
      await date.fill('2026-06-12');
      await date.press('Enter');
      const resp = page.waitForResponse((r) => r.url().endsWith('/overdue-explanation'));
      await dlg.locator('[data-test=explain-save]').click();
      assert.equal((await resp).status(), 201);
      await page.locator('[data-test=warn-explanation]', { hasText: '2026-06-12' }).first().waitFor();
      await dlg.waitFor({ state: 'hidden' });
      await settled(page);
      await page.screenshot({ path: '/tmp/e2e-case-warnings-1366.png', fullPage: true });
    });

    // The overdue case heads the window's queue on a phone too.
    await withPage(browser, 'case-window-phone', async (page) => {
      await loginAs(page, later.url, DEMO.scjg_clerk, DEMO.password);
      await page.goto(later.url + '/window/deliver');
      await page.locator('[data-test=tab-accept]').click();
      await page.goto(later.url + '/window');
      await page.locator('[data-test=tab-accept]').waitFor();
      await page.locator('.el-tabs__item', { hasText: '全部在办' }).click();
      const card = page.locator('[data-test=queue-case-link]', { hasText: caseNo });
      await card.waitFor();
      assert.match(await card.innerText(), /超期/);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `window page scrolls sideways: ${width}px`);
      await settled(page);
      await page.screenshot({ path: '/tmp/e2e-case-window-375.png', fullPage: true });
    }, { viewport: PHONE });
  } finally {
    await srv.stop();
  }
});

test('a 即办件 registered at the window is accepted and closed the same day', async () => {
  const srv = await startServer({ db: 'sqlite' });
  try {
    const base = srv.url;
    await withPage(browser, 'case-instant', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await page.goto(base + '/window');
      await page.locator('[data-test=walkin-open]').click();
      const dlg = dialog(page);
      await dlg.waitFor();
      await dlg.locator('[data-test=walkin-item]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp('^' + SOLE_TRADER + '$') }).click();
      await dlg.locator('[data-test=material-0]').waitFor();
      // A wrong ID number is refused in the page.
      await field(dlg, 'walkin-idno').fill('610929198511080026');
      await field(dlg, 'walkin-name').fill('李华');
      await field(dlg, 'walkin-mobile').fill('13991500002');
      await dlg.locator('[data-test=walkin-submit]').click();
      await dlg.getByText('居民身份证号码不正确，请核对').waitFor();
      await field(dlg, 'walkin-idno').fill(DEMO.person2);
      await field(dlg, 'walkin-address').fill('白河县城关镇新华街 6 号');
      for (const [i, f] of [[0, files['材料1.pdf']], [1, files['现场照片.png']], [2, files['材料3.pdf']]]) {
        const up = await uploadInto(page, i, f, dlg);
        assert.equal(up.status, 201);
        await waitUploaded(up.row);
      }
      await page.screenshot({ path: '/tmp/e2e-case-walkin-1366.png' });
      const resp = page.waitForResponse((r) => r.url().endsWith('/api/cases/walkin'));
      await dlg.locator('[data-test=walkin-submit]').click();
      const r = await resp;
      assert.equal(r.status(), 201, await r.text());
      const c = await r.json();
      await page.waitForURL(`${base}/window/cases/${c.id}`);
      await waitState(page, '待受理');
      assert.equal((await page.locator('[data-test=case-trips]').innerText()).trim(), '1');

      await act(page, 'accept', async (d) => {
        const instant = d.locator('[data-test=accept-instant]');
        if (await instant.count()) {
          if (!(await instant.locator('input').isChecked())) await instant.click();
          await d.locator('[data-test=accept-deliver-method]').getByText('窗口领取').click();
        }
      });
      // Whatever steps remain are taken at the window, the same day.
      for (const [key, needsReason] of [['forward', false], ['pass', true], ['approve', true], ['deliver', false]]) {
        if (!(await page.locator(`[data-test=act-${key}]`).count())) continue;
        await act(page, key, async (d) => {
          if (needsReason) await field(d, 'action-reason').fill('符合条件，当场办结。');
          if (key === 'deliver') await d.locator('[data-test=deliver-method]').getByText('窗口领取').click();
        });
      }
      await waitState(page, '已办结');
      const cs = await (await page.request.get(`${base}/api/cases/${c.id}`)).json();
      assert.equal(cs.state, 'done');
      assert.equal(cs.decision, 'approved');
      const day = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
      assert.equal(day(cs.closed_at), day(cs.created_at), 'closed the same day');
      assert.equal(cs.trips, 1, 'registered and handed out in one visit: one trip');
      await page.screenshot({ path: '/tmp/e2e-case-instant-1366.png', fullPage: true });
    });
  } finally {
    await srv.stop();
  }
});

test('a deadline crossing the National Day holiday is shown after the holiday', async () => {
  const srv = await startServer({ db: 'sqlite', now: '2026-09-28T10:00:00+08:00' });
  try {
    const base = srv.url;
    const id = await itemId(base, SMALL_WORKSHOP);
    const expected = await cli(['calendar', 'deadline', '2026-09-28', '5', '--db', srv.dbUrl]);
    assert.match(expected, /^2026-10-\d\d$/);
    assert.ok(expected > '2026-10-07', 'the holiday must push the due day: ' + expected);
    let caseNo;
    let caseId;
    await withPage(browser, 'case-holiday-apply', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      ({ caseNo, caseId } = await applyOnline(page, base, id, [
        [0, files['材料1.pdf']], [1, files['材料2.pdf']], [2, files['材料3.pdf']], [3, files['材料4.pdf']],
      ]));
    });
    const [y, m, d] = expected.split('-').map(Number);
    const shown = `${y}年${m}月${d}日`;
    await withPage(browser, 'case-holiday-accept', async (page) => {
      await loginAs(page, base, DEMO.scjg_clerk, DEMO.password);
      await openFromQueue(page, base, '/window', caseNo);
      // A second tab shows the same case before it is accepted.
      const stale = await page.context().newPage();
      await stale.goto(page.url());
      await waitState(stale, '待受理');
      await act(page, 'accept');
      await waitState(page, '已受理');
      assert.match(await page.locator('[data-test=case-due-day]').innerText(), new RegExp(shown));

      // The stale tab tries to accept too: 409, its message, and a refresh.
      await stale.locator('[data-test=act-accept]').click();
      const resp = stale.waitForResponse((r) => r.url().endsWith('/accept'));
      await dialog(stale).locator('[data-test=action-confirm]').click();
      assert.equal((await resp).status(), 409);
      await stale.locator('.el-message', { hasText: '办件已被他人处理，请刷新后重试' }).waitFor();
      await waitState(stale, '已受理');
      await stale.close();
      assert.match(await page.locator('[data-test=case-remaining]').innerText(), /剩余 5 个工作日/);
      await page.screenshot({ path: '/tmp/e2e-case-holiday-1366.png', fullPage: true });
    });
    await withPage(browser, 'case-holiday-applicant', async (page) => {
      await loginAs(page, base, DEMO.person, DEMO.password);
      await page.goto(`${base}/my/cases/${caseId}`);
      await page.locator('[data-test=case-due-day]', { hasText: shown }).waitFor();
      await page.goto(`${base}/my/cases`);
      await page.locator('[data-test=my-cases-table]').getByText(shown).waitFor();
    });
    // The hall turns 2026-10-09 into a rest day: open deadlines move on.
    await withPage(browser, 'case-calendar', async (page) => {
      await loginAs(page, base, DEMO.hall, DEMO.password);
      await page.goto(base + '/hall/calendar');
      await page.locator('[data-test=cal-year]', { hasText: '2026' }).waitFor();
      await page.locator('[data-test=cal-day-2026-10-01].is-off').waitFor();
      await page.locator('[data-test=cal-day-2026-10-09]').click();
      const dlg = dialog(page);
      await dlg.waitFor();
      await dlg.locator('[data-test=cal-kind]').getByText('放假').click();
      await field(dlg, 'cal-name').fill('');
      await dlg.locator('[data-test=cal-save]').click();
      await dlg.locator('[data-test=cal-error]').waitFor();
      await field(dlg, 'cal-name').fill('县庆放假');
      await dlg.locator('[data-test=cal-save]').click();
      await page.getByText(/已重新计算 [1-9]\d* 件在办件的办结时限/).waitFor();
      await page.screenshot({ path: '/tmp/e2e-case-calendar-1366.png', fullPage: true });
    });
    const moved = await cli(['calendar', 'deadline', '2026-09-28', '5', '--db', srv.dbUrl]);
    assert.ok(moved > expected, `the due day did not move: ${moved}`);
  } finally {
    await srv.stop();
  }
});
