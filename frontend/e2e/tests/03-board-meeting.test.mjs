// Dana runs the calibration meeting of "2026 H2 calibration" from its
// board: the board shows her four EMs, its views and sorting work, meeting
// mode walks the agenda, and a decision recorded there shows on the board.
// When an admin moves one of her EMs under a new director, the board and
// meeting mode tell her.
import assert from 'node:assert/strict';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  cycleNamed,
  eventually,
  expectCount,
  expectText,
  launchBrowser,
  makeTest,
  openAs,
  screenshot,
  settle,
} from '../lib/harness.mjs';

const test = makeTest(nodeTest);

const CYCLE = '2026 H2 calibration';
const EMS = ['Alex Moreno', 'Blair Okafor', 'Casey Lindqvist', 'Drew Nakamura'];
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
const rowNames = (page) => board(page).getByRole('rowheader').allInnerTexts();

test('the board of 2026 H2 calibration shows all four EMs; views and sorting work', { timeout: 90_000 }, async () => {
  const { page } = dana;
  // From the home page, as Dana would.
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await page.getByRole('region', { name: CYCLE }).getByRole('link', { name: 'Board', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Board: ${CYCLE}`);
  await expectText(board(page).locator('caption'), /^Calibration board — 2026 H2 calibration: director's scores/);
  await expectCount(board(page).getByRole('rowheader'), 4);
  assert.deepEqual([...(await rowNames(page))].sort(), EMS);
  for (const name of EMS) await board(page).getByRole('rowheader', { name, exact: true }).waitFor();
  // Nine criteria, a value in every cell.
  await expectCount(board(page).locator('tbody tr:first-child td.heat-cell'), 9);

  // The views: each re-labels the table and is kept in the address.
  const views = [
    ['Self', 'self-assessment scores', 'self'],
    ['Peer', 'peer notes tagged with each criterion', 'peer'],
    ['Gap (director − self)', 'director minus self', 'gap'],
    ['Director', "director's scores", 'director'],
  ];
  const show = page.getByRole('group', { name: 'Show' });
  for (const [label, caption, param] of views) {
    const radio = show.getByRole('radio', { name: label, exact: true });
    // Not check(): the view lives in the address, and the router applies it
    // in a transition, so the radio shows as checked a moment after the click.
    await radio.click();
    await eventually(() => radio.isChecked(), { message: `the ${label} view to be checked` });
    await expectText(board(page).locator('caption'), caption);
    assert.equal(new URL(page.url()).searchParams.get('view'), param);
    await expectCount(board(page).getByRole('rowheader'), 4);
    if (param === 'gap') await screenshot(page, 'board-gap-view');
  }

  // Sorting by the EM column: ascending, then descending.
  const emHeader = board(page).getByRole('columnheader', { name: 'EM', exact: true });
  await emHeader.getByRole('button').click();
  await eventually(async () => (await emHeader.getAttribute('aria-sort')) === 'ascending', { message: 'EM column ascending' });
  assert.deepEqual(await rowNames(page), EMS);
  await emHeader.getByRole('button').click();
  await eventually(async () => (await emHeader.getAttribute('aria-sort')) === 'descending', { message: 'EM column descending' });
  assert.deepEqual(await rowNames(page), [...EMS].reverse());
  await expectText(page.getByText(/EMs shown, sorted by/), '4 EMs shown, sorted by name, descending.');
  // The sort select says the same.
  assert.equal(await page.getByLabel('Sort by', { exact: true }).inputValue(), 'name');
  dana.assertClean();
});

test('meeting mode walks the agenda and records a decision that the board then shows', { timeout: 90_000 }, async () => {
  const { page } = dana;
  // From the board (Home, then the cycle's board), as the meeting starts.
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await page.getByRole('region', { name: CYCLE }).getByRole('link', { name: 'Board', exact: true }).click();
  await board(page).waitFor();
  await page.getByRole('link', { name: 'Meeting mode', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Meeting: ${CYCLE}`);
  const agenda = page.getByRole('navigation', { name: 'Agenda' });
  const items = agenda.getByRole('button');
  await expectCount(items, 4);
  const agendaNames = (await agenda.locator('.agenda-name').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual([...agendaNames].sort(), EMS, 'the agenda lists the four EMs');

  // Walk it with "Next EM": each EM in the agenda's order, with their scores.
  const panelHeading = page.getByRole('heading', { level: 2, name: new RegExp(`^(${EMS.join('|')})$`) });
  for (let i = 0; i < agendaNames.length; i++) {
    await expectText(panelHeading, agendaNames[i]);
    await expectText(page.getByText(/^\d of 4$/), `${i + 1} of 4`);
    assert.equal(await items.nth(i).getAttribute('aria-current'), 'true', `agenda item ${i + 1} is current`);
    await page.getByRole('table', { name: `Scores and evidence for ${agendaNames[i]}` }).waitFor();
    await page.getByRole('heading', { name: 'Peer notes', exact: true }).waitFor();
    if (i === 0) await screenshot(page, 'meeting-first');
    const next = page.getByRole('button', { name: 'Next EM', exact: true });
    if (i < agendaNames.length - 1) await next.click();
    else assert.ok(await next.isDisabled(), 'Next EM is disabled on the last EM');
  }
  await page.getByRole('button', { name: 'Previous EM', exact: true }).click();
  await expectText(panelHeading, agendaNames[2]);

  // A decision for Casey, who has none yet.
  await agenda.getByRole('button', { name: /^Casey Lindqvist/ }).click();
  await expectText(panelHeading, 'Casey Lindqvist');
  const form = page.getByRole('form', { name: 'Decision' });
  await form.getByRole('group', { name: 'Readiness' }).getByRole('radio', { name: /^Ready in 6–12 months/ }).check();
  const rationale = 'At the bar on every criterion for the first time; no peer input yet, so one more cycle to confirm it holds.';
  await form.getByLabel('Rationale', { exact: true }).fill(rationale);
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expectText(form.getByRole('status'), /^Decision saved \(version \d+\)\.$/);
  await screenshot(page, 'meeting-decision');

  // Back on the board: Casey is decided, and the distribution counts it.
  await page.getByRole('link', { name: 'Back to the board', exact: true }).click();
  await settle(page);
  const casey = board(page).getByRole('row', { name: /^Casey Lindqvist/ });
  await expectText(casey.getByRole('cell').nth(11), /^Ready in 6–12 months before: not yet$/);
  await expectText(page.getByRole('region', { name: 'Readiness distribution' }), 'Ready in 6–12 months: 1');
  await expectText(page.getByRole('region', { name: 'Readiness distribution' }), 'Undecided: 1');
  await screenshot(page, 'board-after-decision');
  dana.assertClean();
});

test('an admin moving an EM under a new director shows on the board and in meeting mode', { timeout: 90_000 }, async () => {
  const { page } = dana;
  // Through the API, as people-ops would: a new director under Dana, and
  // Drew (a participant) moved under them.
  const admin = await apiAs('admin@acme.test');
  const cycle = await cycleNamed(await apiAs('dana@acme.test'), CYCLE);
  const users = await admin.get('/users?q=Dana&limit=10');
  const danaId = users.body.items.find((u) => u.email === 'dana@acme.test').id;
  const created = await admin.post('/users', {
    name: 'Quill Reyes',
    email: 'quill@acme.test',
    role: 'director',
    manager_id: danaId,
    password: 'quill-password-long-enough',
  });
  assert.equal(created.status, 201, `creating Quill: ${created.text}`);
  const drew = cycle.participants.find((p) => p.name === 'Drew Nakamura');
  const moved = await admin.patch(`/users/${drew.id}`, { manager_id: created.body.id });
  assert.equal(moved.status, 200, `moving Drew: ${moved.text}`);
  const sentence = /^Reporting line of Drew Nakamura changed by admin Avery Admin on \d{1,2} [A-Z][a-z]{2} \d{4}: now reports to Quill Reyes \(was Dana Whitfield\)\.$/;

  // Dana opens her board: the notice is above the heatmap.
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await page.getByRole('region', { name: CYCLE }).getByRole('link', { name: 'Board', exact: true }).click();
  await page.reload();
  await settle(page);
  const notices = page.getByRole('region', { name: 'Changes by admins' });
  await expectCount(notices.getByRole('listitem'), 1);
  await expectText(notices.getByRole('listitem'), sentence);
  await expectCount(board(page).getByRole('rowheader'), 4);
  await screenshot(page, 'board-admin-notice');
  assert.deepEqual(await axe(page, 'board-admin-notice'), [], 'no serious or critical axe violation on the board with a notice');

  // Meeting mode shows it too.
  await page.getByRole('link', { name: 'Meeting mode', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Meeting: ${CYCLE}`);
  await expectText(page.getByRole('region', { name: 'Changes by admins' }).getByRole('listitem'), sentence);

  // Drew himself reads no board.
  const asDrew = await apiAs('drew@acme.test');
  assert.equal((await asDrew.get(`/cycles/${cycle.id}/board`)).status, 403, 'an EM may not read the board');
  dana.assertClean();
});
