// The web app on a tablet (1024×768, and 768×1024 upright) and on a phone
// (390×844), as the director on the board, the EM on their feedback, the
// peer on the inbox and the admin on people. On every screen the page
// itself never scrolls sideways, and axe finds nothing serious. On the
// tablet the board's EM column stays put while the board scrolls sideways
// in its own box, and the flags column can be reached whole. On the phone
// the navigation folds into a menu button (keyboard too), the board's
// options behind "Filters", and the board, the feedback and the inbox read
// as cards in one column, the first EM within the first screen; the 9-box
// cuts no name. Dates read as the browser's locale writes them, the same
// date for a cycle's release on the feedback and in the history, which
// lists the newest cycle first. The phone's board is saved as
// docs/screenshots/phone-board.png.
//
// Earlier files change the demo (names, notes, added EMs, states): nothing
// here counts on the demo's own numbers.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  cycleNamed,
  DOCS_SCREENSHOTS,
  eventually,
  expectText,
  launchBrowser,
  makeTest,
  openAs,
  screenshot,
  screenshotPath,
  settle,
  signIn,
} from '../lib/harness.mjs';

const test = makeTest(nodeTest);

const CYCLE = '2026 H2 calibration';
const TABLET = { width: 1024, height: 768 };
const UPRIGHT = { width: 768, height: 1024 };
const PHONE = { width: 390, height: 844 };

let browser;
let cycle;
const sessions = [];

before(async () => {
  browser = await launchBrowser();
  cycle = await cycleNamed(await apiAs('dana@acme.test'), CYCLE);
});
after(async () => {
  for (const s of sessions) await s.close();
  await browser?.close();
});

async function as(email, viewport) {
  const s = await openAs(browser, email, viewport);
  sessions.push(s);
  return s;
}

/** The page scrolls only up and down: nothing reaches past the window's right edge. */
async function noSidewaysScroll(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth} px wide in a window of ${innerWidth} px`);
}

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

async function open(s, path, heading) {
  await s.page.goto(path);
  await settle(s.page);
  await expectText(s.page.getByRole('heading', { level: 1 }), heading);
}

const board = (page) => page.getByRole('region', { name: 'Calibration board, scrollable' });

/**
 * The board scrolled sideways in its own box, to its end: the EM column's
 * header and first row stay where they were, and the flags column is then
 * in sight whole, right of the EM column.
 */
async function stickyAndReachable(page, where) {
  const r = await board(page).evaluate(async (wrap) => {
    const frame = () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
    const head = wrap.querySelector('thead th');
    const row = wrap.querySelector('tbody tr[data-row] th');
    const flags = [...wrap.querySelectorAll('thead th')].find((th) => th.textContent.startsWith('Flags'));
    const left = () => [head.getBoundingClientRect().left, row.getBoundingClientRect().left];
    wrap.scrollLeft = 0;
    await frame();
    const before = left();
    wrap.scrollLeft = wrap.scrollWidth;
    await frame();
    const box = wrap.getBoundingClientRect();
    const f = flags.getBoundingClientRect();
    return {
      scrollable: wrap.scrollWidth > wrap.clientWidth,
      scrolled: wrap.scrollLeft,
      before,
      after: left(),
      emRight: head.getBoundingClientRect().right,
      flags: { left: f.left, right: f.right },
      box: { left: box.left, right: box.right },
    };
  });
  if (r.scrollable) {
    assert.ok(r.scrolled > 0, `${where}: the board scrolls sideways in its box`);
    for (const i of [0, 1]) {
      assert.ok(Math.abs(r.after[i] - r.before[i]) <= 1, `${where}: the EM column stays put (${r.before[i]} → ${r.after[i]})`);
    }
  }
  assert.ok(r.flags.left >= r.emRight - 1, `${where}: the flags column is not under the EM column (${JSON.stringify(r)})`);
  assert.ok(r.flags.right <= r.box.right + 1 && r.flags.left >= r.box.left - 1, `${where}: the flags column is in sight whole (${JSON.stringify(r)})`);
  return r;
}

/** Every name in the 9-box shows whole: inside its chip and its chip inside its cell. */
async function nineBoxNamesWhole(page, where) {
  const cut = await page.locator('.nine-box-grid').evaluate((grid) =>
    [...grid.querySelectorAll('.em-chip')]
      .filter((chip) => {
        const cell = chip.closest('td').getBoundingClientRect();
        const c = chip.getBoundingClientRect();
        return chip.scrollWidth > chip.clientWidth + 1 || c.left < cell.left - 1 || c.right > cell.right + 1;
      })
      .map((chip) => chip.textContent),
  );
  assert.deepEqual(cut, [], `${where}: names cut in the 9-box`);
}

/** Elements laid out as cards in one column: one left edge, each inside the window. */
async function oneColumn(locator, where) {
  const boxes = await locator.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()));
  assert.ok(boxes.length > 0, `${where}: cards to look at`);
  const width = await locator.page().evaluate(() => window.innerWidth);
  for (const b of boxes) {
    assert.ok(Math.abs(b.left - boxes[0].left) <= 1, `${where}: the cards share one left edge`);
    assert.ok(b.left >= 0 && b.right <= width, `${where}: a card reaches past the window (${b.left}–${b.right} of ${width})`);
  }
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom - 1, `${where}: the cards stand one under the other`);
}

// ------------------------------------------------------------------ tablet

test('tablet: the director’s board keeps its EM column and shows its flags', async () => {
  const dana = await as('dana@acme.test', TABLET);
  const { page } = dana;
  await open(dana, `/cycles/${cycle.id}/board`, `Board: ${CYCLE}`);
  await noSidewaysScroll(page, 'board at 1024×768');
  // Wide screens' controls: the navigation and the board's options show, with no menu or Filters button.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cycles', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Menu', exact: true }).isVisible(), false, 'no menu button on a tablet');
  await page.getByRole('group', { name: 'Board options' }).getByLabel('Sort by').waitFor();
  await stickyAndReachable(page, 'board at 1024×768');
  await nineBoxNamesWhole(page, 'board at 1024×768');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'responsive-tablet-board', { fullPage: false });
  await noSeriousAxe(page, 'responsive-tablet-board');

  // Upright the board is wider than its box: it scrolls there, and the EM column does not.
  await page.setViewportSize(UPRIGHT);
  await settle(page);
  await noSidewaysScroll(page, 'board at 768×1024');
  const r = await stickyAndReachable(page, 'board at 768×1024');
  assert.ok(r.scrollable, 'at 768 px the board scrolls sideways in its box');
  await screenshot(page, 'responsive-upright-board', { fullPage: false });
  await noSeriousAxe(page, 'responsive-upright-board');
  dana.assertClean();
  await dana.close();
});

test('tablet: feedback, inbox and people fit the width', async () => {
  for (const [email, path, heading, name] of [
    ['alex@acme.test', '/feedback', 'My feedback', 'feedback'],
    ['pat@acme.test', '/inbox', 'Inbox', 'inbox'],
    ['admin@acme.test', '/people', 'People', 'people'],
  ]) {
    const s = await as(email, TABLET);
    await open(s, path, heading);
    await noSidewaysScroll(s.page, `${name} at 1024×768`);
    await screenshot(s.page, `responsive-tablet-${name}`);
    await noSeriousAxe(s.page, `responsive-tablet-${name}`);
    s.assertClean();
    await s.close();
  }
});

// ------------------------------------------------------------------- phone

test('phone: the menu button folds the navigation, by mouse and by keyboard', async () => {
  const admin = await as('admin@acme.test', PHONE);
  const { page } = admin;
  await open(admin, '/people', 'People');
  await noSidewaysScroll(page, 'people at 390×844');
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  const nav = page.getByRole('navigation', { name: 'Main' });
  const frameworks = nav.getByRole('link', { name: 'Frameworks', exact: true });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await frameworks.isVisible(), false, 'the navigation is folded away');
  await noSeriousAxe(page, 'responsive-phone-people');
  await screenshot(page, 'responsive-phone-people', { fullPage: false });

  // Keyboard: Enter opens, Tab reaches the first link, Escape closes and gives the focus back.
  await menu.focus();
  await page.keyboard.press('Enter');
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await frameworks.waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'People', 'Tab moves from the menu button to the first link');
  await noSidewaysScroll(page, 'people with the menu open');
  await noSeriousAxe(page, 'responsive-phone-menu');
  await screenshot(page, 'responsive-phone-menu', { fullPage: false });
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Menu', 'the focus is back on the menu button');
  assert.equal(await frameworks.isVisible(), false);

  // Space opens it too; choosing a link goes there and folds the menu.
  await page.keyboard.press('Space');
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await frameworks.click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), 'Frameworks');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'the menu folds after a choice');
  await noSidewaysScroll(page, 'frameworks at 390×844');
  // A second press folds it as well.
  await menu.click();
  await frameworks.waitFor();
  await menu.click();
  assert.equal(await frameworks.isVisible(), false);
  admin.assertClean();
  await admin.close();
});

test('phone: the board as cards, its options behind Filters (also docs/screenshots/phone-board.png)', async () => {
  const dana = await as('dana@acme.test', PHONE);
  const { page } = dana;
  await open(dana, `/cycles/${cycle.id}/board`, `Board: ${CYCLE}`);
  await noSidewaysScroll(page, 'board at 390×844');

  const rows = page.locator('.heatmap tbody tr[data-row]');
  await rows.first().waitFor();
  // Cards, not table rows; the first one starts within the first screen.
  assert.notEqual(await rows.first().evaluate((tr) => getComputedStyle(tr).display), 'table-row');
  const firstTop = await rows.first().evaluate((tr) => tr.getBoundingClientRect().top);
  assert.ok(firstTop < 844, `the first EM shows on the first screen (its card starts at ${firstTop} px)`);
  await oneColumn(rows, 'board cards');
  // Each card names its composite, readiness and flags, in sight.
  const card = rows.first();
  for (const label of ['Readiness', 'Flags']) {
    const cell = card.locator(`td[data-label="${label}"]`);
    assert.equal(await cell.isVisible(), true, `a card shows its ${label.toLowerCase()}`);
    const box = await cell.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the ${label.toLowerCase()} fit the card`);
  }
  assert.match(await card.locator('td[data-label^="Composite"]').innerText(), /\d\.\d\d|–/);

  // The options: folded behind "Filters", out on demand, and they work.
  const filters = page.getByRole('button', { name: /^Filters/ });
  const sortBy = page.getByRole('group', { name: 'Board options' }).getByLabel('Sort by');
  assert.equal(await filters.getAttribute('aria-expanded'), 'false');
  assert.equal(await sortBy.isVisible(), false, 'the board’s options are folded away');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'phone-board', { fullPage: false });
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(screenshotPath('phone-board'), join(DOCS_SCREENSHOTS, 'phone-board.png'));
  await noSeriousAxe(page, 'responsive-phone-board');

  await filters.focus();
  await page.keyboard.press('Enter');
  assert.equal(await filters.getAttribute('aria-expanded'), 'true');
  await sortBy.waitFor();
  await sortBy.selectOption('name');
  await eventually(async () => new URL(page.url()).searchParams.get('sort') === 'name', { message: 'the board sorted by name' });
  await noSidewaysScroll(page, 'board with its options open');
  await screenshot(page, 'responsive-phone-board-filters', { fullPage: false });
  await noSeriousAxe(page, 'responsive-phone-board-filters');
  await filters.click();
  assert.equal(await sortBy.isVisible(), false);

  await nineBoxNamesWhole(page, 'board at 390×844');
  await screenshot(page, 'responsive-phone-board-full');
  dana.assertClean();
  await dana.close();
});

test('phone: the EM’s feedback as stacked lines, nothing cut', async () => {
  const alex = await as('alex@acme.test', PHONE);
  const { page } = alex;
  await open(alex, '/feedback', 'My feedback');
  await noSidewaysScroll(page, 'feedback at 390×844');
  const rows = page.getByRole('table', { name: 'Scores against the bar' }).first().locator('tbody tr');
  await rows.first().waitFor();
  assert.notEqual(await rows.first().evaluate((tr) => getComputedStyle(tr).display), 'table-row');
  const cut = await rows.evaluateAll((trs) =>
    trs.flatMap((tr) => {
      const score = tr.querySelector('td[data-label="Score"]').getBoundingClientRect();
      const evidence = tr.querySelector('td[data-label="Evidence"]');
      const e = evidence.getBoundingClientRect();
      const out = [];
      if (e.top < score.bottom - 1) out.push(`evidence beside the score: ${tr.querySelector('th').textContent}`);
      if (e.right > window.innerWidth || evidence.scrollWidth > evidence.clientWidth + 1) out.push(`evidence cut: ${tr.querySelector('th').textContent}`);
      return out;
    }),
  );
  assert.deepEqual(cut, [], 'criterion, score and evidence stand one under the other, whole');
  await screenshot(page, 'responsive-phone-feedback', { fullPage: false });
  await noSeriousAxe(page, 'responsive-phone-feedback');
  alex.assertClean();
  await alex.close();
});

test('phone: the peer’s inbox as cards in one column', async () => {
  const pat = await as('pat@acme.test', PHONE);
  const { page } = pat;
  await open(pat, '/inbox', 'Inbox');
  await noSidewaysScroll(page, 'inbox at 390×844');
  const mine = (await (await apiAs('pat@acme.test')).get('/peer-requests?limit=100')).body.items;
  if (mine.length > 0) await oneColumn(page.locator('li.request'), 'inbox cards');
  await screenshot(page, 'responsive-phone-inbox', { fullPage: false });
  await noSeriousAxe(page, 'responsive-phone-inbox');
  pat.assertClean();
  await pat.close();
});

// ------------------------------------------------------------------- dates

test('dates: the browser’s locale, one date for a release, the newest cycle first', async () => {
  const feedback = (await (await apiAs('alex@acme.test')).get('/me/feedback')).body.cycles;
  assert.ok(feedback.length >= 2, 'Alex has released cycles');
  const timeZone = 'America/Los_Angeles';
  const expected = (c) => new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone }).format(new Date(c.cycle.released_at));
  // A German browser in California: the app's own words stay English, its dates German.
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL, locale: 'de-DE', timezoneId: timeZone, viewport: PHONE });
  try {
    const page = await context.newPage();
    await signIn(page, 'alex@acme.test');
    await page.goto('/feedback');
    await settle(page);
    const shown = await page.locator('article .card-head').evaluateAll((heads) =>
      heads.map((h) => ({ name: h.querySelector('h2').textContent, date: h.querySelector('.muted').textContent })),
    );
    assert.deepEqual(
      shown,
      feedback.map((c) => ({ name: c.cycle.name, date: `Released ${expected(c)}` })),
      'the feedback dates each release as a German reader writes it, newest first',
    );
    assert.match(shown[0].date, /^Released \d{2}\.\d{2}\.\d{4}$/);

    await page.goto('/history');
    await settle(page);
    const history = page.getByRole('table', { name: 'Scores and decisions by cycle' });
    await history.waitFor();
    const rows = await history.locator('tbody th[scope="row"]').evaluateAll((ths) => ths.map((th) => th.innerText.replace(/\s+/g, ' ').trim()));
    // The history has every released cycle the feedback has, newest first, with the same date.
    assert.deepEqual(
      rows,
      feedback.map((c) => `${c.cycle.name} Released ${expected(c)}`),
    );
  } finally {
    await context.close();
  }
});
