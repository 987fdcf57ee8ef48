// A roll-up through the UI. Vera (VP over Dana, Omar and Quinn) creates a
// roll-up over Quinn's finalized "2026 H2 calibration" (EMs Riley and Sam;
// Quinn decided Sam "Not yet"). On the roll-up board she tries the 9-box's
// keyboard path (a move opens the decision with the new readiness filled
// in, and cancelling changes nothing), then changes Sam's decision to
// "Ready in 12–24 months": first without a reason, which the form refuses,
// then with one; the row shows the move. She finalizes the roll-up; Quinn
// releases his cycle; Sam reads the final decision, "Ready in 12–24
// months", and never the roll-up's reason. The 9-box and the shifts chart
// are saved as docs/screenshots/nine-box.png and shifts.png, and the new
// screens are checked with axe (no serious or critical violation).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  confirmDialog,
  cycleNamed,
  DOCS_SCREENSHOTS,
  expectCount,
  expectText,
  launchBrowser,
  makeTest,
  openAs,
  screenshot,
  screenshotPath,
  settle,
} from '../lib/harness.mjs';

/** One story: later steps are skipped once one failed. */
const test = makeTest(nodeTest, { chain: true });

const CYCLE = '2026 H2 calibration';
const NAME = `Engineering 2026 H2 (e2e ${Date.now().toString(36)})`;
const REASON = 'Across the three directors Sam’s delivery evidence sits with the 12–24 month group; Not yet undersells it.';

let browser;
let vera;
let cycle;

before(async () => {
  browser = await launchBrowser();
  // Quinn's cycle, finalized and not released: what a roll-up takes.
  cycle = await cycleNamed(await apiAs('quinn@acme.test'), CYCLE);
  assert.equal(cycle.state, 'finalized', `Quinn's ${CYCLE} is finalized`);
  vera = await openAs(browser, 'vera@acme.test');
});
after(async () => {
  await vera?.close();
  await browser?.close();
});

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

/** A part of the page as a screenshot in test-artifacts, copied to docs/screenshots. */
async function docsShot(locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: screenshotPath(name), animations: 'disabled', caret: 'hide' });
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(screenshotPath(name), join(DOCS_SCREENSHOTS, `${name}.png`));
}

const samRow = (page) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^Sam/ }) });

test('Vera creates a roll-up over Quinn’s finalized cycle', async () => {
  const { page } = vera;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roll-ups', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), 'Roll-ups');
  await noSeriousAxe(page, 'rollups-list');

  await page.getByRole('button', { name: 'New roll-up', exact: true }).click();
  const form = page.getByRole('region', { name: 'New roll-up' });
  await form.waitFor();
  // Nothing chosen: the form says so, and sends nothing.
  await page.getByRole('button', { name: 'Create roll-up', exact: true }).click();
  await expectText(form, 'Give the roll-up a name.');
  await expectText(form, 'Choose at least one finalized cycle.');

  await page.getByLabel('Roll-up name', { exact: true }).fill(NAME);
  const cycles = page.getByRole('group', { name: 'Finalized cycles to roll up' });
  await cycles.getByRole('checkbox', { name: new RegExp(`^${CYCLE} led by Quinn`) }).check();
  // The distribution guide is optional; its inputs are labelled per readiness.
  await page.getByLabel('Ready now: minimum percent', { exact: true }).waitFor();
  await noSeriousAxe(page, 'rollup-new');
  await screenshot(page, 'rollup-new');

  await page.getByRole('button', { name: 'Create roll-up', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Roll-up: ${NAME}`);
  await page.getByRole('table', { name: /^Roll-up board/ }).waitFor();
  await expectText(samRow(page), 'Not yet');
  await expectText(samRow(page), 'Unchanged');
  vera.assertClean();
});

test('the 9-box: a keyboard move opens the decision with the new readiness, and cancelling changes nothing', async () => {
  const { page } = vera;
  const box = page.getByRole('table', { name: /^9-box/ });
  await box.waitFor();
  // Sam stands in the later column; the right arrow moves him to 6–12 months.
  const chip = box.getByRole('button', { name: /^Sam/ });
  await chip.focus();
  await page.keyboard.press('ArrowRight');
  const dialog = page.getByRole('dialog', { name: /^Roll-up decision: Sam/ });
  await dialog.waitFor();
  assert.ok(await dialog.getByRole('radio', { name: 'Ready in 6–12 months', exact: true }).isChecked(), 'the move is filled in');
  await noSeriousAxe(page, 'rollup-decision-dialog');
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expectText(samRow(page), 'Unchanged');

  // The same through the chip's "Move to…" menu.
  await chip.click();
  const menu = page.getByRole('menu', { name: /^Move Sam/ });
  await menu.waitFor();
  await menu.getByRole('menuitem', { name: 'Move to Ready now', exact: true }).waitFor();
  await page.keyboard.press('Escape');
  await expectCount(page.getByRole('menu'), 0);

  await docsShot(page.locator('.nine-box-card'), 'nine-box');
  vera.assertClean();
});

test('Vera changes Sam’s decision to 12–24 months, with a reason', async () => {
  const { page } = vera;
  await samRow(page).getByRole('button', { name: /^Change the decision for Sam/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Roll-up decision: Sam/ });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: 'Ready in 12–24 months', exact: true }).check();
  // It differs from Quinn's decision: no save without a reason.
  await dialog.getByRole('button', { name: 'Save decision', exact: true }).click();
  await expectText(dialog, 'Give a reason: the roll-up’s readiness differs from the director’s decision.');
  await dialog.getByLabel('Reason', { exact: true }).fill(REASON);
  await screenshot(page, 'rollup-decision', { fullPage: false });
  await dialog.getByRole('button', { name: 'Save decision', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expectText(samRow(page), /Not yet.*Ready in 12–24 months/);
  await expectText(samRow(page), 'moved up from the director’s decision');

  await page.getByRole('table', { name: 'Directors compared' }).waitFor();
  const shifts = page.getByRole('region', { name: 'Shifts' });
  await shifts.getByRole('table', { name: /as a table$/ }).waitFor({ state: 'attached' });
  await docsShot(shifts, 'shifts');
  await noSeriousAxe(page, 'rollup-board');
  await screenshot(page, 'rollup-board');
  vera.assertClean();
});

test('Vera finalizes the roll-up', async () => {
  const { page } = vera;
  await page.getByRole('button', { name: 'Finalize roll-up', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Finalize roll-up: ${NAME}?` });
  await dialog.waitFor();
  await confirmDialog(page, 'Finalize roll-up');
  await expectText(page.locator('.lead').first(), /^Finalized/);
  await expectCount(page.getByRole('button', { name: /^Change the decision for/ }), 0);
  await expectCount(page.getByRole('button', { name: 'Finalize roll-up', exact: true }), 0);
  vera.assertClean();
});

test('Quinn releases his cycle; the board shows the 9-box and the guide beside the distribution', async () => {
  const quinn = await openAs(browser, 'quinn@acme.test');
  try {
    const { page } = quinn;
    await page.goto(`/cycles/${cycle.id}/board`);
    await settle(page);
    await page.getByRole('table', { name: /^9-box/ }).waitFor();
    await page.getByRole('region', { name: 'Distribution guide' }).waitFor();
    await page.getByRole('region', { name: 'Shifts' }).waitFor();
    await noSeriousAxe(page, 'cycle-board-nine-box');

    await page.goto(`/cycles/${cycle.id}`);
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), CYCLE);
    await page.getByRole('region', { name: 'Guests' }).waitFor();
    await noSeriousAxe(page, 'cycle-guests');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByRole('dialog', { name: `Release: ${CYCLE}?` }).waitFor();
    await confirmDialog(page, 'Release');
    await expectText(page.locator('.stepper [aria-current="step"]'), 'Released');
    quinn.assertClean();
  } finally {
    await quinn.close();
  }
});

test('Sam reads the final decision, and not the roll-up’s reason', async () => {
  const sam = await openAs(browser, 'sam@acme.test');
  try {
    const { page } = sam;
    await page.goto('/feedback');
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), 'My feedback');
    const decision = page.getByRole('region', { name: `Decision, ${CYCLE}` });
    await expectText(decision, 'Ready in 12–24 months');
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes(REASON), 'the roll-up’s reason is never released to the EM');
    assert.ok(!/Decision:\s*Not yet/.test(text), 'the director’s replaced decision is not shown as the decision');
    await noSeriousAxe(page, 'feedback-after-rollup');
    sam.assertClean();
  } finally {
    await sam.close();
  }
});
