// Shared browser code for the e2e tests: launches Debian's Chromium through
// playwright-core (no browser download), opens pages with a given viewport,
// takes a screenshot to /tmp/e2e-<name>.png when a step fails, and drives
// the login form.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 375, height: 812 };

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Runs fn(page) in a fresh browser context (no shared cookies). On failure
// saves /tmp/e2e-<name>.png before rethrowing.
export async function withPage(browser, name, fn, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  try {
    await fn(page);
    if (pageErrors.length) throw new Error('uncaught error in page: ' + pageErrors[0].message);
  } catch (e) {
    await page.screenshot({ path: `/tmp/e2e-${name}.png`, fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

// Waits until the page's finite CSS animations and transitions are over (a
// tag fading in, a drawer sliding, a dialog opening): for a picture taken
// right after, instead of a fixed pause. Endless ones (spinners) do not count.
export async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) =>
    (a.effect && a.effect.getTiming().iterations === Infinity) || (a.playState !== 'running' && !a.pending)),
  null, { polling: 50 });
}

// Fills and submits the login form (the page must show /login).
export async function submitLogin(page, login, password) {
  await page.locator('[data-test=login-account]').fill(login);
  await page.locator('[data-test=login-password]').fill(password);
  await page.locator('[data-test=login-submit]').click();
}

// Logs in from a fresh page and waits for the home page.
export async function loginAs(page, baseUrl, login, password) {
  await page.goto(baseUrl + '/login');
  await submitLogin(page, login, password);
  await page.waitForURL(baseUrl + '/');
  await page.locator('[data-test=welcome]').waitFor();
}

export async function logout(page, baseUrl) {
  await page.locator('[data-test=logout]').click();
  await page.waitForURL(baseUrl + '/login');
}

// Texts of the entries in the visible side menu (or open drawer).
export async function menuTexts(page) {
  const items = page.locator('[data-test=side-menu] .el-menu-item:visible');
  return (await items.allInnerTexts()).map((s) => s.trim());
}

// A valid 18-digit resident ID number (GB 11643) for the given 17-digit prefix.
export function personId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

// On the apply page: fills the item's electronic form with the demo values
// (tests/lib/demo.mjs DEMO_FORMS, by the item name shown) and ticks the
// applicant's commitment, which is never ticked in advance.
export async function fillApplyForm(page, values) {
  if (values === undefined) {
    const { DEMO_FORMS } = await import('../lib/demo.mjs');
    const name = (await page.locator('[data-test=apply-item-name]').innerText()).trim();
    values = DEMO_FORMS[name] || {};
  }
  for (const [key, v] of Object.entries(values)) {
    if (key === 'pledge') continue;
    const box = page.locator(`[data-test=ff-input-${key}]`);
    if (Array.isArray(v)) {
      for (const o of v) await box.locator('.el-checkbox', { hasText: o }).click();
    } else if ((await box.getAttribute('data-type')) === 'select') {
      await box.locator('.el-select').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: String(v) }).first().click();
    } else {
      await box.locator('input, textarea').first().fill(String(v));
    }
  }
  const promise = page.locator('[data-test=apply-promise] input');
  if (!(await promise.isChecked())) await page.locator('[data-test=apply-promise]').click();
}
