// The window's ID-card reader and document camera (docs/devices.md): a
// stand-in for the local device service on a free loopback port; the clerk
// registers a walk-in case with the applicant read from the card and every
// material taken by the camera; the page's policy opens that one address
// only; a stopped service gives a clear message; `onetrip serve` refuses a
// device address that is not on the clerk's machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { startServer, binPath, rawRequest } from '../lib/server.mjs';
import { DEMO } from '../lib/demo.mjs';
import { launchBrowser, withPage, loginAs } from './helpers.mjs';

const SOLE_TRADER = '个体工商户设立登记'; // 县市场监管局, window-authorised, 3 materials

// A small valid PNG (w x h, grey), as a camera shot.
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0x90);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// The stand-in device service: GET /idcard, POST /capture, CORS for the hall.
function deviceService() {
  const calls = [];
  const server = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    if (req.method === 'OPTIONS') { res.writeHead(204); res.end(); return; }
    if (req.method === 'GET' && req.url === '/idcard') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ name: '李华', idno: DEMO.person2, sex: '女', nation: '汉',
        birth: '1985-11-08', address: '陕西省白河县城关镇新华街 6 号', authority: '白河县公安局' }));
      return;
    }
    if (req.method === 'POST' && req.url === '/capture') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(png(64, 48));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: '未知请求' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, calls, port: server.address().port })));
}

let browser;
let dev;
let srv;

before(async () => {
  dev = await deviceService();
  [srv, browser] = await Promise.all([
    startServer({ args: ['--no-jobs', '--set', `devices.url=http://127.0.0.1:${dev.port}`] }),
    launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  dev?.server.close();
});

function field(scope, name) {
  return scope.locator(`input[data-test="${name}"], textarea[data-test="${name}"], `
    + `[data-test="${name}"] input, [data-test="${name}"] textarea`).first();
}

test('a walk-in registered with the ID card read and the materials taken by the 高拍仪', async () => {
  const page0 = await rawRequest(`${srv.url}/window`);
  const csp = page0.headers.get('content-security-policy');
  assert.match(csp, new RegExp(`connect-src 'self' http://127\\.0\\.0\\.1:${dev.port}$`), csp);

  await withPage(browser, 'devices-walkin', async (page) => {
    await loginAs(page, srv.url, DEMO.scjg_clerk, DEMO.password);
    await page.goto(`${srv.url}/window`);
    await page.locator('[data-test=walkin-open]').click();
    const dlg = page.locator('.el-dialog:visible').last();
    await dlg.waitFor();
    await dlg.locator('[data-test=walkin-item]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp('^' + SOLE_TRADER + '$') }).click();
    await dlg.locator('[data-test=material-0]').waitFor();

    await dlg.locator('[data-test=walkin-read-card]').click();
    await assertValue(field(dlg, 'walkin-idno'), DEMO.person2);
    await assertValue(field(dlg, 'walkin-name'), '李华');
    await assertValue(field(dlg, 'walkin-address'), '陕西省白河县城关镇新华街 6 号');
    await field(dlg, 'walkin-mobile').fill('13991500002');

    const n = await dlg.locator('[data-test^=material-capture-]').count();
    assert.ok(n >= 3, `capture buttons: ${n}`);
    for (let i = 0; i < n; i++) {
      const resp = page.waitForResponse((r) => r.url().includes('/api/uploads'));
      await dlg.locator(`[data-test=material-capture-${i}]`).click();
      assert.equal((await resp).status(), 201);
      const file = dlg.locator(`[data-test=material-${i}] [data-test=material-file]`);
      await file.waitFor();
      assert.match(await file.innerText(), /高拍仪-.+\.png/);
    }
    const resp = page.waitForResponse((r) => r.url().endsWith('/api/cases/walkin'));
    await dlg.locator('[data-test=walkin-submit]').click();
    const r = await resp;
    assert.equal(r.status(), 201, await r.text());
    const c = await r.json();
    assert.equal(c.applicant_name ?? c.applicant?.name ?? '李华', '李华');
    await page.waitForURL(`${srv.url}/window/cases/${c.id}`);
    assert.ok(dev.calls.includes('GET /idcard'), dev.calls.join(','));
    assert.equal(dev.calls.filter((x) => x === 'POST /capture').length, n);

    // The service stops: the clerk is told, nothing is filled.
    await new Promise((res) => dev.server.close(res));
    await page.goto(`${srv.url}/window`);
    await page.locator('[data-test=walkin-open]').click();
    const dlg2 = page.locator('.el-dialog:visible').last();
    await dlg2.waitFor();
    await dlg2.locator('[data-test=walkin-read-card]').click();
    await dlg2.locator('[data-test=walkin-device-error]', { hasText: '未连接本机设备服务' }).waitFor();
    await assertValue(field(dlg2, 'walkin-idno'), '');
  });
});

async function assertValue(locator, want) {
  for (let i = 0; i < 50; i++) {
    if ((await locator.inputValue()) === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await locator.inputValue(), want);
}

test('onetrip serve refuses a device address off the clerk\'s machine', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'onetrip-devices-'));
  const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=0' };
  delete env.ONETRIP_DB;
  for (const url of ['http://10.0.0.5:18080', 'https://127.0.0.1:18080', 'http://127.0.0.1:18080/x; img-src *']) {
    const r = await new Promise((resolve) => execFile(binPath(), ['serve', '--listen', '127.0.0.1:0',
      '--db', `sqlite:${path.join(dir, 'onetrip.db')}`, '--var', dir, '--no-jobs', '--set', `devices.url=${url}`],
    { encoding: 'utf8', env, timeout: 60000 }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stderr })));
    assert.notEqual(r.code, 0, url);
    assert.match(r.stderr, /devices\.url 只能是 http:\/\/127\.0\.0\.1:端口/, url);
  }
});
