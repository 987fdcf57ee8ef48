// The fairness aids of "2026 H2 calibration" (docs/calibration.md,
// "Fairness aids"). Pat, asked for a note about Casey, types a word that
// judges character: the note editor underlines it, says why, and saves all
// the same, listing the hint with the save. Dana, who owns the calibrating
// cycle, questions a participant's director assessment from the board: the
// row counts the question and raises the Questioned flag, and meeting mode
// puts that participant first on the agenda with her comment. An EM's
// record shows the projection of cycles to the bar, labelled as one. The
// new UI is checked with axe (no serious or critical violation).
import assert from 'node:assert/strict';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  cycleNamed,
  eventually,
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
// An emoji and an accent before the word: the API's offsets count code
// points, and the underline must still land on the word.
const NOTE = 'Casey 🙂 was abrasive in the Atlas planning review when the scope moved, and Zoë had to step in.';
const COMMENT = 'The evidence on mentoring reads thin for the bar; can we hear the examples?';
let browser;
let cycle;

before(async () => {
  browser = await launchBrowser();
  cycle = await cycleNamed(await apiAs('dana@acme.test'), CYCLE);
  assert.equal(cycle.state, 'calibrating', `${CYCLE} is calibrating`);
});
after(async () => {
  await browser?.close();
});

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

test('the note editor underlines a word that judges character, explains it, and saves anyway', async () => {
  const pat = await openAs(browser, 'pat@acme.test');
  try {
    const { page } = pat;
    await expectText(page.getByRole('heading', { level: 1 }), 'Inbox');
    await page.getByRole('link', { name: /^(Write|Edit) note about Casey/ }).click();
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), /^Note about Casey/);

    const field = page.getByLabel('Your note', { exact: true });
    await field.fill(NOTE);
    // After the pause in typing: the word is marked in the copy of the text
    // behind the field …
    const mark = page.locator('.hinted mark');
    await eventually(async () => (await mark.count()) === 1 && (await mark.innerText()) === 'abrasive', {
      message: 'one <mark> holding exactly "abrasive"',
    });
    assert.match((await mark.getAttribute('title')) ?? '', /“abrasive” judges character/);
    // … and the message is under the field, in a polite live region that
    // describes the field.
    const describedBy = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/);
    const hints = page.locator('.language-hints');
    const hintsId = await hints.getAttribute('id');
    assert.ok(hintsId && describedBy.includes(hintsId), 'the hints describe the field');
    assert.equal(await hints.getAttribute('aria-live'), 'polite');
    await expectText(hints, '“abrasive” judges character; describe what the person did and its effect instead.');
    // … and suggests a rewrite to start from.
    await expectText(hints, 'Describe the behaviour and its effect: “interrupted the design review twice');
    await screenshot(page, 'fairness-note-hint');
    await noSeriousAxe(page, 'fairness-note-hint');

    // Editing before the word moves the mark with it, and the word stays marked.
    await field.fill(`Honestly, ${NOTE}`);
    await eventually(async () => (await mark.count()) === 1 && (await mark.innerText()) === 'abrasive', {
      message: 'the mark still on "abrasive" after an edit before it',
    });

    // A hint never blocks a save; the save lists what it found.
    await page.getByRole('group', { name: 'Where do you stand?' }).getByRole('radio', { name: /^Neutral/ }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'saved' }), 'Your note is saved.');
    const saved = page.locator('.saved-hints');
    await expectText(saved, 'Saved with 1 language hint.');
    await expectText(saved, 'Your note: “abrasive” judges character');
    await screenshot(page, 'fairness-note-saved');
    await noSeriousAxe(page, 'fairness-note-saved');
    pat.assertClean();
  } finally {
    await pat.close();
  }
});

test('an owner questions an assessment on the board, and meeting mode takes it first', async () => {
  // The participant the agenda now puts last: a question must bring them to the top.
  const dana = await apiAs('dana@acme.test');
  const agenda = await dana.get(`/cycles/${cycle.id}/agenda`);
  assert.equal(agenda.status, 200, 'GET the agenda');
  const target = agenda.body.items.at(-1).em;
  assert.notEqual(agenda.body.items[0].em.id, target.id, `${target.name} does not lead the agenda yet`);
  assert.ok(!agenda.body.items.at(-1).reasons.includes('questioned'), `${target.name} is not questioned yet`);

  const s = await openAs(browser, 'dana@acme.test');
  try {
    const { page } = s;
    await page.goto(`/cycles/${cycle.id}/board`);
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), `Board: ${CYCLE}`);
    const board = page.getByRole('table', { name: /^Calibration board/ });
    await board.getByRole('columnheader', { name: 'Pre-reads', exact: true }).waitFor();
    const row = board.getByRole('row', { name: new RegExp(`^${target.name}`) });
    // The note Pat saved carries a hint: Casey's row asks the calibration to look.
    await board.getByRole('row', { name: /^Casey Lindqvist/ }).getByRole('listitem').filter({ hasText: /^Language/ }).first().waitFor();

    await row.getByRole('button', { name: `Pre-read of ${target.name}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Pre-read: ${target.name}` });
    await dialog.waitFor();
    const stance = (name) => dialog.getByRole('button', { name, exact: true });
    // No pre-read yet (the API answers 404): nothing is pressed.
    await stance('Question').waitFor();
    for (const name of ['Agree', 'Question', 'Abstain']) assert.equal(await stance(name).getAttribute('aria-pressed'), 'false', `${name} not pressed`);
    await dialog.getByLabel('Comment (optional)', { exact: true }).fill(COMMENT);
    await stance('Question').click();
    await expectText(dialog.getByRole('status'), 'Saved: Question, with your comment.');
    await eventually(async () => (await stance('Question').getAttribute('aria-pressed')) === 'true', { message: 'Question pressed' });
    assert.equal(await stance('Agree').getAttribute('aria-pressed'), 'false');
    await expectText(dialog.getByRole('list', { name: `Pre-reads of ${target.name}` }), `Dana Whitfield: Question · “${COMMENT}”`);
    await screenshot(page, 'fairness-preread-dialog', { fullPage: false });
    await noSeriousAxe(page, 'fairness-preread-dialog');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The row counts the question and raises the flag.
    await expectText(row.getByRole('cell').last(), /^1 question/);
    await row.getByRole('listitem').filter({ hasText: /^Questioned/ }).waitFor();
    await screenshot(page, 'fairness-board');
    await noSeriousAxe(page, 'fairness-board');

    // Meeting mode: the questioned participant leads the agenda, with the comment.
    await page.getByRole('link', { name: 'Meeting mode', exact: true }).click();
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), `Meeting: ${CYCLE}`);
    const nav = page.getByRole('navigation', { name: 'Agenda' });
    const first = nav.getByRole('button').first();
    await expectText(first, new RegExp(`^${target.name} .*Questioned`));
    assert.equal(await first.getAttribute('aria-current'), 'true', 'the meeting opens on the questioned participant');
    await expectText(page.getByRole('heading', { level: 2, name: target.name, exact: true }), target.name);
    await expectText(page.getByRole('list', { name: `Pre-reads of ${target.name}` }), `Dana Whitfield: Question · “${COMMENT}”`);
    const mine = page.getByRole('group', { name: new RegExp(`^Your pre-read of the director’s assessment of ${target.name}`) });
    await eventually(async () => (await mine.getByRole('button', { name: 'Question', exact: true }).getAttribute('aria-pressed')) === 'true', {
      message: 'Question pressed in meeting mode (from GET …/preread)',
    });
    await screenshot(page, 'fairness-meeting');
    await noSeriousAxe(page, 'fairness-meeting');
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('the EM record shows the projection of cycles to the bar, labelled as a projection', async () => {
  const alex = cycle.participants.find((p) => p.name.startsWith('Alex'));
  const history = await (await apiAs('dana@acme.test')).get(`/ems/${alex.id}/history`);
  assert.equal(history.status, 200, 'GET the history');
  const { projected_cycles_to_ready: n, projection } = history.body.trajectory;
  const s = await openAs(browser, 'dana@acme.test');
  try {
    const { page } = s;
    await page.goto(`/ems/${alex.id}?cycle=${cycle.id}`);
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), /^Alex/);
    const region = page.getByRole('region', { name: 'Projection, not a promise', exact: true });
    // The projection reads with the decision in one sentence: "0 cycles
    // to the bar" never stands alone beside a later readiness.
    await expectText(region, n === 0 ? 'Meets the bar on every criterion now; decision:' : projection);
    await region.screenshot({ path: screenshotPath('fairness-projection') });
    await noSeriousAxe(page, 'fairness-projection');
    s.assertClean();
  } finally {
    await s.close();
  }
});
