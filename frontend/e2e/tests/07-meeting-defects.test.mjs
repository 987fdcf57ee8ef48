// What a director saw walking "2026 H2 calibration" before its meeting,
// checked as she sees it: the evidence coverage and composite say how much
// of the framework is rated, the composite follows the board's view, the
// meeting's agenda marks who is decided, the home page does not call a
// closed input overdue, the radar's labels are whole, an absent pre-read is
// no console error, no enum value reaches the screen, and the new-cycle form
// checks every field before it sends anything.
import assert from 'node:assert/strict';
import { after, before, test as nodeTest } from 'node:test';
import { eventually, expectCount, expectText, launchBrowser, makeTest, openAs, settle } from '../lib/harness.mjs';

const test = makeTest(nodeTest);

const CYCLE = '2026 H2 calibration';
let browser;
let dana;

before(async () => {
  browser = await launchBrowser();
  dana = await openAs(browser, 'dana@acme.test');
});
after(async () => {
  await dana?.close();
  await browser?.close();
});

const board = (page) => page.getByRole('table', { name: /^Calibration board/ });
// A snake_case word: an enum value (ready_now, by_function, input_open…) shown as is.
const ENUM_VALUE = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;

async function noEnumValues(page, where) {
  const text = await page.locator('body').innerText();
  assert.deepEqual([...new Set(text.match(ENUM_VALUE) ?? [])], [], `enum values shown on ${where}`);
}

async function openBoard(page) {
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await page.getByRole('region', { name: CYCLE }).getByRole('link', { name: 'Board', exact: true }).click();
  await settle(page);
  await board(page).waitFor();
}

/** The cell of a row under the column whose header matches. */
async function cellUnder(page, rowName, header) {
  let headers = [];
  const i = await eventually(
    async () => {
      headers = (await board(page).locator('thead th').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      const at = headers.findIndex((h) => header.test(h));
      return at >= 0 ? at : false;
    },
    { message: () => `a column ${header} among ${JSON.stringify(headers)}` },
  );
  // The row header is column 0; the cells follow it.
  return board(page).getByRole('row', { name: new RegExp(`^${rowName}`) }).locator('th, td').nth(i);
}

test('the board: coverage counts every criterion, the composite says how many are rated and follows the view', async () => {
  const { page } = dana;
  await openBoard(page);
  // Drew is rated on 8 of 9 criteria, each with evidence: 89%, not 100%.
  await expectText(await cellUnder(page, 'Drew Nakamura', /^Evidence/), /^89%$/);
  await expectText(await cellUnder(page, 'Alex Moreno', /^Evidence/), /^100%$/);
  // His composite is over those 8: the cell says so.
  await expectText(await cellUnder(page, 'Drew Nakamura', /^Composite/), /^2\.88 8 of 9 rated$/);
  await expectText(await cellUnder(page, 'Alex Moreno', /^Composite/), /^3\.33$/);

  // The composite column follows the view, and its header says which.
  const show = page.getByRole('group', { name: 'Show' });
  const views = [
    // Alex: director 30/9, self 32/9, the gap over the nine criteria both rated −2/9.
    ['Self', /^Composite \(self\)/, /^3\.56$/],
    ['Gap (director − self)', /^Composite gap \(director − self\)/, /^−0\.22$/],
    ['Peer', /^Composite \(director\)/, /^3\.33$/],
    ['Director', /^Composite \(director\)/, /^3\.33$/],
  ];
  for (const [label, header, alex] of views) {
    const radio = show.getByRole('radio', { name: label, exact: true });
    await radio.click();
    await eventually(() => radio.isChecked(), { message: `the ${label} view to be checked` });
    await expectText(await cellUnder(page, 'Alex Moreno', header), alex);
  }
  // Drew's gap is over the 8 criteria both rated.
  await show.getByRole('radio', { name: 'Gap (director − self)', exact: true }).click();
  await expectText(await cellUnder(page, 'Drew Nakamura', /^Composite gap/), /^−0\.13 8 of 9 rated$/);
  await show.getByRole('radio', { name: 'Director', exact: true }).click();
  await noEnumValues(page, 'the board');
  dana.assertClean();
});

test('meeting mode: the agenda marks who is decided, the header shows the decision, no console error for absent pre-reads', async () => {
  const { page } = dana;
  await openBoard(page);
  dana.consoleErrors.length = 0;
  // The API requests in flight, to read the console once they are all
  // answered; the cycle's event stream stays open as long as the screen.
  const inFlight = new Set();
  const track = (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith('/api/') && !path.endsWith('/events')) inFlight.add(req);
  };
  const done = (req) => inFlight.delete(req);
  page.on('request', track);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.getByRole('link', { name: 'Meeting mode', exact: true }).click();
  await settle(page);
  const agenda = page.getByRole('navigation', { name: 'Agenda' });
  await expectCount(agenda.getByRole('button'), 4);
  // Blair and Drew were decided before the meeting (the demo).
  await expectText(agenda.getByRole('button', { name: /^Drew Nakamura/ }), 'Decided: Ready in 12–24 months');
  await expectText(agenda.getByRole('button', { name: /^Blair Okafor/ }), 'Decided: Ready in 12–24 months');
  assert.doesNotMatch(await agenda.getByRole('button', { name: /^Alex Moreno/ }).innerText(), /Decided/);

  // Drew's header: the decision, and why there is no suggestion.
  await agenda.getByRole('button', { name: /^Drew Nakamura/ }).click();
  await expectText(page.getByRole('heading', { level: 2, name: 'Drew Nakamura' }), 'Drew Nakamura');
  const facts = page.locator('dl.facts');
  await expectText(facts, 'Decision Ready in 12–24 months');
  await expectText(facts, 'Composite 2.88 8 of 9 rated');
  await expectText(facts, 'Evidence coverage 89%');
  assert.doesNotMatch(await facts.innerText(), /No suggestion/);

  // Every EM's panel, with Dana's pre-read form (she has written none).
  for (const name of ['Alex Moreno', 'Blair Okafor', 'Casey Lindqvist', 'Drew Nakamura']) {
    await agenda.getByRole('button', { name: new RegExp(`^${name}`) }).click();
    await page.getByRole('table', { name: `Scores and evidence for ${name}` }).waitFor();
    await page.getByRole('group', { name: /^Your pre-read/ }).waitFor();
    await noEnumValues(page, `meeting mode, ${name}`);
  }
  await eventually(() => inFlight.size === 0, { message: 'the API requests of meeting mode to be answered' });
  page.off('request', track);
  page.off('requestfinished', done);
  page.off('requestfailed', done);
  assert.deepEqual(dana.consoleErrors, [], 'no console error in meeting mode');
  dana.assertClean();
});

test('home: a calibrating cycle is not "overdue"; the radar shows whole labels', async () => {
  const { page } = dana;
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await settle(page);
  const card = page.getByRole('region', { name: CYCLE });
  await expectText(card, /Input closed/);
  assert.doesNotMatch(await card.innerText(), /overdue/);
  await noEnumValues(page, 'the home page');

  await openBoard(page);
  await board(page).getByRole('link', { name: 'Alex Moreno', exact: true }).click();
  await settle(page);
  const svg = page.locator('figure.radar svg');
  await svg.waitFor();
  await eventually(async () => (await svg.locator('text.axis-label').count()) === 9, { message: 'nine radar labels' });
  const out = await svg.evaluate((el) => {
    const box = el.getBoundingClientRect();
    return [...el.querySelectorAll('text.axis-label')]
      .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
      .filter(({ text, r }) => text.includes('…') || r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
      .map(({ text }) => text);
  });
  assert.deepEqual(out, [], 'radar labels cut off or shortened');
  // The trajectory's trend in words, not the API's value ("Trend rising").
  await expectText(page.locator('main'), /Composite trend: (rising|flat|falling)/);
  await noEnumValues(page, "Alex's record");
  dana.assertClean();
});

test('the new-cycle form checks every field before sending, in words', async () => {
  const { page } = dana;
  const posts = [];
  const onRequest = (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/v1/cycles') posts.push(req.url());
  };
  page.on('request', onRequest);
  try {
    await page.goto('/cycles/new');
    await settle(page);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Input due date', { exact: true }).fill(yesterday);
    await page.getByRole('button', { name: 'Create cycle', exact: true }).click();
    const form = page.locator('form');
    await expectText(form, 'Give the cycle a name.');
    await expectText(form, 'Choose at least one EM to calibrate.');
    await expectText(form, 'The input due date cannot be in the past.');
    // The field says it is invalid, for screen readers too.
    assert.equal(await page.getByLabel('Input due date', { exact: true }).getAttribute('aria-invalid'), 'true');

    // Fixing one field clears its message, the others stay.
    await page.getByLabel('Cycle name', { exact: true }).fill('Defects check');
    await page.getByRole('button', { name: 'Create cycle', exact: true }).click();
    await expectText(form, 'Choose at least one EM to calibrate.');
    assert.doesNotMatch(await form.innerText(), /Give the cycle a name/);
    await noEnumValues(page, 'the new-cycle form');
    assert.deepEqual(posts, [], 'nothing sent while the form is invalid');
  } finally {
    page.off('request', onRequest);
  }
  dana.assertClean();
});

test('no enum value reaches the screen, for directors, EMs, peers and admins', async () => {
  const screens = [
    ['dana@acme.test', ['/', '/cycles', '/cycles/new', '/frameworks']],
    ['alex@acme.test', ['/my-cycles', '/feedback', '/history', '/plan', '/inbox']],
    ['pat@acme.test', ['/inbox']],
    ['admin@acme.test', ['/people', '/cycles']],
  ];
  for (const [email, paths] of screens) {
    const s = await openAs(browser, email);
    try {
      for (const path of paths) {
        await s.page.goto(path);
        await settle(s.page);
        await noEnumValues(s.page, `${path} as ${email}`);
      }
      // Every cycle's own page (its state, attribution and transitions).
      if (email === 'dana@acme.test' || email === 'admin@acme.test') {
        await s.page.goto('/cycles');
        await settle(s.page);
        const links = await s.page.locator('main table a[href^="/cycles/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        for (const href of [...new Set(links)].slice(0, 6)) {
          await s.page.goto(href);
          await settle(s.page);
          await noEnumValues(s.page, `${href} as ${email}`);
        }
      }
      s.assertClean();
    } finally {
      await s.close();
    }
  }
});
