// Every main screen, as its user sees it on the demo data: checked with axe
// (no serious or critical violation) and photographed into
// test-artifacts/screenshots/. Dana's board and Alex's feedback are also
// saved as docs/screenshots/board.png and feedback.png for the README.
// Nothing here writes: the screens show the demo as it was loaded.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  cycleNamed,
  DOCS_SCREENSHOTS,
  expectText,
  launchBrowser,
  makeTest,
  openAs,
  screenshot,
  screenshotPath,
  settle,
} from '../lib/harness.mjs';

const test = makeTest(nodeTest);

const CYCLE = '2026 H2 calibration';
let browser;
let cycle;
let alexId;
const sessions = {};

before(async () => {
  browser = await launchBrowser();
  cycle = await cycleNamed(await apiAs('dana@acme.test'), CYCLE);
  alexId = cycle.participants.find((p) => p.name.startsWith('Alex')).id;
});
after(async () => {
  for (const s of Object.values(sessions)) await s.close();
  await browser?.close();
});

async function as(email) {
  sessions[email] ??= await openAs(browser, email);
  return sessions[email];
}

/** Opens the screen (a URL or a function that gets there), waits, checks and photographs it. */
async function check(name, email, open, { heading } = {}) {
  const s = await as(email);
  const { page } = s;
  if (typeof open === 'string') await page.goto(open);
  else await open(page);
  await settle(page);
  if (heading) await expectText(page.getByRole('heading', { level: 1 }), heading);
  await screenshot(page, name);
  const serious = await axe(page, name);
  s.assertClean();
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
  return page;
}

test('sign-in', async () => {
  const s = await openAs(browser);
  try {
    // A fresh load without a session is the normal case: nothing is asked
    // of the server that could fail, and nothing reaches the console.
    const asked = [];
    s.page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await s.page.goto('/');
    await s.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.ok(!asked.includes('/api/v1/auth/refresh'), `a fresh load asked ${asked.join(', ')}`);
    s.assertClean();
    assert.deepEqual(s.consoleErrors, [], 'a fresh load logs no console error');
    await s.page.goto('/sign-in');
    await s.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await settle(s.page);
    await screenshot(s.page, 'sign-in');
    const serious = await axe(s.page, 'sign-in');
    s.assertClean();
    assert.deepEqual(serious, [], 'sign-in: serious or critical axe violations');
  } finally {
    await s.close();
  }
});

test('director home', async () => {
  const page = await check('director-home', 'dana@acme.test', '/', { heading: /^Good to see you, Dana$/ });
  await page.getByRole('region', { name: CYCLE }).waitFor();
});

test('new cycle', () => check('cycle-new', 'dana@acme.test', '/cycles/new', { heading: 'New cycle' }));

test('cycles', async () => {
  const page = await check('cycles', 'dana@acme.test', '/cycles', { heading: /^Cycles$/ });
  await page.getByRole('link', { name: CYCLE, exact: true }).waitFor();
});

test('cycle page', async () => {
  const page = await check('cycle', 'dana@acme.test', (p) => p.goto(`/cycles/${cycle.id}`), { heading: CYCLE });
  await page.getByRole('table', { name: `Participants of ${CYCLE}` }).waitFor();
});

test('board (also docs/screenshots/board.png)', async () => {
  const page = await check('board', 'dana@acme.test', `/cycles/${cycle.id}/board`, { heading: `Board: ${CYCLE}` });
  await page.getByRole('table', { name: /^Calibration board/ }).waitFor();
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  assert.equal(page.viewportSize().width, 1280);
  copyFileSync(screenshotPath('board'), join(DOCS_SCREENSHOTS, 'board.png'));
});

test('meeting mode', async () => {
  const page = await check('meeting', 'dana@acme.test', `/cycles/${cycle.id}/meeting`, { heading: `Meeting: ${CYCLE}` });
  await page.getByRole('navigation', { name: 'Agenda' }).waitFor();
});

test('assessment editor', async () => {
  const page = await check('assessment', 'dana@acme.test', `/cycles/${cycle.id}/ems/${alexId}/assessment`, {
    heading: /^Assessment of Alex/,
  });
  await page.getByRole('group', { name: 'Score for Organisational leverage' }).waitFor();
});

test('EM record', async () => {
  const page = await check('em-record', 'dana@acme.test', `/ems/${alexId}?cycle=${cycle.id}`, { heading: /^Alex/ });
  await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
});

test('my feedback (also docs/screenshots/feedback.png)', async () => {
  const page = await check('feedback', 'alex@acme.test', '/feedback', { heading: 'My feedback' });
  await page.getByRole('table', { name: 'Scores against the bar' }).first().waitFor();
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(screenshotPath('feedback'), join(DOCS_SCREENSHOTS, 'feedback.png'));
});

test('my cycles', () => check('my-cycles', 'alex@acme.test', '/my-cycles'));
test('development plan', () => check('plan', 'alex@acme.test', '/plan'));
test('my history', () => check('history', 'alex@acme.test', '/history'));

test('inbox', async () => {
  const page = await check('inbox', 'pat@acme.test', '/inbox', { heading: 'Inbox' });
  await page.getByRole('link', { name: /^(Write|Edit) note about Casey/ }).waitFor();
});

test('note editor', async () => {
  const page = await check(
    'note-editor',
    'pat@acme.test',
    async (p) => {
      await p.goto('/inbox');
      await p.getByRole('link', { name: /^(Write|Edit) note about Casey/ }).click();
    },
    { heading: /^Note about Casey/ },
  );
  await page.getByRole('group', { name: 'Where do you stand?' }).waitFor();
});

test('people', async () => {
  const page = await check('people', 'admin@acme.test', '/people', { heading: 'People' });
  await page.getByText('Dana Whitfield').first().waitFor();
});

test('frameworks', () => check('frameworks', 'admin@acme.test', '/frameworks', { heading: 'Frameworks' }));
