// Shared helpers of the browser tests: Debian's Chromium through
// playwright-core (no downloaded browsers), one browser context per user,
// sign-in through the real form, checks that the page raised no script
// error, broke no Content Security Policy, logged no console error and had
// no request fail unless the test declared it (`expectFailure`), axe checks
// and screenshots.
//
// The tests run against the server e2e/run.mjs starts; it passes the
// address and the artifacts directory in the environment.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE_URL = process.env.E2E_BASE_URL ?? '';
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? join(process.cwd(), '..', 'test-artifacts');
export const DOCS_SCREENSHOTS = process.env.E2E_DOCS_SCREENSHOTS ?? join(process.cwd(), '..', 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const PASSWORD = 'demo-password';

if (!BASE_URL) {
  throw new Error('E2E_BASE_URL is not set: run the browser tests with `npm run e2e` (e2e/run.mjs starts the server)');
}

/** Chromium as the tests run it: headless, no sandbox (containers), no network chatter. */
export async function launchBrowser() {
  // launch() gives the browser a fresh temporary user-data dir and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// Reported in the console when the page breaks the CSP, whatever the
// browser's own wording: the listener runs before the app's scripts.
const CSP_LISTENER = `
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber);
  });
`;

const open = new Set();

/**
 * Screenshots of every open page into test-artifacts/screenshots/FAILED-*.png,
 * with the page's address and console errors beside them: what a failing test
 * left on screen.
 */
export async function captureFailure(testName) {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  for (const s of open) {
    const who = (s.email ?? 'signed-out').split('@')[0];
    const base = `FAILED-${slug}-${who}`;
    await s.page.screenshot({ path: screenshotPath(base), fullPage: true }).catch(() => {});
    const info = { url: s.page.url(), problems: s.problems, consoleErrors: s.consoleErrors, failures: s.failures };
    writeFileSync(screenshotPath(base).replace(/\.png$/, '.json'), JSON.stringify(info, null, 2) + '\n');
  }
}

/**
 * Defines a test that saves screenshots of the open pages when it fails.
 * With `chain`, tests of one story: once one failed, the later ones are skipped.
 */
export function makeTest(test, { chain = false } = {}) {
  let broken = false;
  return (name, options, fn) => {
    if (typeof options === 'function') [options, fn] = [{}, options];
    test(name, { timeout: 120_000, ...options }, async (t) => {
      if (chain && broken) return t.skip('an earlier step failed');
      try {
        await fn(t);
        for (const s of open) s.assertQuiet();
      } catch (err) {
        broken = true;
        await captureFailure(name);
        throw err;
      }
    });
  };
}

/**
 * A user's own browser context (own cookies) and page, watched for page
 * errors and CSP violations. `email` signs in through the form; without it
 * the page is left signed out.
 */
export async function openAs(browser, email, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width, height },
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  await context.addInitScript(CSP_LISTENER);
  const page = await context.newPage();
  const problems = [];
  const consoleErrors = [];
  // Console errors and failed requests the test did not declare.
  const failures = [];
  const expected = [];
  const unexpected = (line) => {
    if (!expected.some((re) => re.test(line))) failures.push(line);
  };
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/content[- ]security[- ]policy/i.test(text)) problems.push(`CSP: ${text}`);
    else if (msg.type() === 'error') {
      consoleErrors.push(text);
      // The browser's own line for a failed response: the response is
      // judged below, by its status, method and path.
      if (!/^Failed to load resource/.test(text)) unexpected(`console: ${text}`);
    }
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    const url = new URL(res.url());
    unexpected(`${res.status()} ${res.request().method()} ${url.pathname}${url.search}`);
  });
  page.on('requestfailed', (req) => {
    const url = new URL(req.url());
    const reason = req.failure()?.errorText ?? '?';
    // A request cancelled (net::ERR_ABORTED) is no failure: the app aborts
    // a cycle's event stream when its screen goes away, and the browser
    // stops what a page was loading when the test navigates on. Errors of
    // the server (any status >= 400, above) and of the network still count.
    if (reason === 'net::ERR_ABORTED') return;
    unexpected(`failed ${req.method()} ${url.pathname}${url.search}: ${reason}`);
  });
  page.on('crash', () => problems.push('the page crashed'));
  const session = {
    email,
    context,
    page,
    problems,
    consoleErrors,
    failures,
    /**
     * Declares a failure the test provokes on purpose, before provoking it:
     * a RegExp matched against "STATUS METHOD PATH" of a failed response
     * (e.g. /^422 POST \/api\/v1\/users$/), "failed METHOD PATH: reason"
     * of a request that did not complete, or "console: TEXT".
     */
    expectFailure(re) {
      expected.push(re);
    },
    /** Fails when a console error or a failed request was not declared. */
    assertQuiet() {
      assert.deepEqual(failures, [], `${email ?? 'signed-out'} page: console errors or failed requests not declared with expectFailure`);
    },
    /** Fails when the page had a script error, a CSP violation, or an undeclared console error or failed request. */
    assertClean() {
      assert.deepEqual(problems, [], `${email ?? 'signed-out'} page: script errors or CSP violations`);
      session.assertQuiet();
    },
    async close() {
      open.delete(session);
      await context.close().catch(() => {});
    },
  };
  open.add(session);
  if (email) await signIn(page, email);
  return session;
}

/** Signs in through the form and waits for the signed-in frame. */
export async function signIn(page, email, password = PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  await settle(page);
}

/** Waits until the screen has its heading and nothing is loading any more. */
export async function settle(page, { timeout = 20_000 } = {}) {
  await page.locator('h1').first().waitFor({ timeout });
  await eventually(
    async () => (await page.locator('.spinner').count()) === 0,
    { timeout, message: `the screen at ${page.url()} to finish loading` },
  );
  // Two frames: what the last render changed is laid out and painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns something other than false (or stops throwing); message may be a function, called at the end. */
export async function eventually(fn, { timeout = 10_000, interval = 50, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const r = await fn();
      if (r !== false) return r;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const what = typeof message === 'function' ? message() : message;
      throw new Error(`waited ${timeout} ms for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(interval);
  }
}

/** Waits until the locator's text matches (a RegExp) or contains (a string). */
export async function expectText(locator, expected, { timeout = 10_000 } = {}) {
  let text = '';
  await eventually(
    async () => {
      text = (await locator.innerText()).replace(/\s+/g, ' ').trim();
      return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
    },
    { timeout, message: () => `text ${expected} (last seen: ${JSON.stringify(text.slice(0, 300))})` },
  );
  return text;
}

/** Waits until the locator matches exactly n elements. */
export async function expectCount(locator, n, { timeout = 10_000 } = {}) {
  let count = -1;
  await eventually(async () => (count = await locator.count()) === n, {
    timeout,
    message: () => `${n} elements (last seen: ${count})`,
  });
}

/** Confirms the open transition dialog: its confirm button carries the action's name. */
export async function confirmDialog(page, action) {
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

export function screenshotPath(name) {
  const p = join(ARTIFACTS, 'screenshots', `${name}.png`);
  mkdirSync(dirname(p), { recursive: true });
  return p;
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: screenshotPath(name), fullPage, animations: 'disabled', caret: 'hide' });
}

/**
 * Runs axe on the page; every violation goes to test-artifacts/axe/NAME.json,
 * and the serious and critical ones are returned, one line each.
 */
export async function axe(page, name) {
  const result = await new AxeBuilder({ page }).analyze();
  const dir = join(ARTIFACTS, 'axe');
  mkdirSync(dir, { recursive: true });
  const summary = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ url: page.url(), violations: summary }, null, 2) + '\n');
  return summary
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target).join(', ')}`);
}

/** A small JSON client of the API signed in as one user, for set-up and for status checks. */
export async function apiAs(email, password = PASSWORD) {
  const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200, `API login of ${email}`);
  const { access_token: token } = await login.json();
  async function call(method, path, body) {
    const res = await fetch(`${BASE_URL}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text };
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
  };
}

/** The cycle of that name, as the user's API sees it. */
export async function cycleNamed(client, name) {
  const res = await client.get('/cycles?limit=100');
  assert.equal(res.status, 200, 'GET /cycles');
  const cycle = res.body.items.find((c) => c.name === name);
  assert.ok(cycle, `a cycle named ${name}`);
  return cycle;
}
