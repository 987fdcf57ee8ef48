// The form pattern, as a peer and as a director would meet it. The test
// makes its own data through the API, in Globex (no earlier file touches
// it, and nothing here depends on that): Gwen creates a cycle of Hank, opens
// input and asks Ivy (a peer) for a note.
// - Ivy opens the request from her inbox; the stance is marked required
//   before any submit. Saving with no stance and a short note puts a
//   summary at the top of the form that takes the focus and stays in view,
//   in plain words (never the API's enum values), and marks the stance
//   and the note invalid. Choosing a stance clears its error at once;
//   lengthening the note clears its own. Typing past the limit is capped,
//   and the counter says so. Once saved, Decline is gone and the editor
//   says why; the inbox calls the written note neither overdue nor open.
// - Gwen, on Hank's assessment: ArrowRight on the top score keeps it (no
//   wrap, no clearing); "Clear score" clears it and "Undo" restores it.
//   With the cycle calibrating, saving her decision with nothing chosen
//   sends nothing and says what to do; each error goes once fixed.
// - Gwen's new cycle: an empty submit sends nothing; the summary's link
//   moves to the name, and typing one clears its error.
// Axe checks the note form (with its errors), the inbox, the assessment,
// the decision and the new-cycle form (with their errors).
import assert from 'node:assert/strict';
import { after, before, test as nodeTest } from 'node:test';
import { apiAs, axe, expectText, launchBrowser, makeTest, openAs, screenshot, settle } from '../lib/harness.mjs';

const test = makeTest(nodeTest, { chain: true });

const NAME = `Forms e2e ${Date.now().toString(36)}`;
const MAX = 5000;

let browser;
let cycle;
let hank;
let request;

before(async () => {
  browser = await launchBrowser();
  const gwen = await apiAs('gwen@globex.test');
  hank = (await (await apiAs('hank@globex.test')).get('/me')).body;
  const ivy = (await (await apiAs('ivy@globex.test')).get('/me')).body;
  assert.ok(hank?.id && ivy?.id, 'Hank and Ivy sign in');
  const created = await gwen.post('/cycles', { name: NAME, em_ids: [hank.id], input_due: '2026-01-15' });
  assert.equal(created.status, 201, `create the cycle: ${created.text}`);
  cycle = created.body;
  const opened = await gwen.post(`/cycles/${cycle.id}/transition`, { to: 'input_open' });
  assert.equal(opened.status, 200, `open input: ${opened.text}`);
  const asked = await gwen.post(`/cycles/${cycle.id}/peer-requests`, { em_id: hank.id, peer_id: ivy.id, message: 'How was Hank to work with?' });
  assert.equal(asked.status, 201, `ask Ivy: ${asked.text}`);
  request = asked.body;
});
after(async () => {
  await browser?.close();
});

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

const focusedIs = (page, selector) => page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);

test('Ivy’s note: required marked, errors in plain words, focused summary, errors gone once fixed, the note capped', async () => {
  const s = await openAs(browser, 'ivy@globex.test');
  const { page } = s;
  try {
    await page.goto('/inbox');
    await settle(page);
    await page.getByRole('link', { name: `Write note about ${hank.name}`, exact: true }).click();
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), `Note about ${hank.name}`);
    const stance = page.getByRole('group', { name: 'Where do you stand?', exact: true });
    const note = page.getByLabel('Your note', { exact: true });
    // Required before any submit: seen in the legend and label, and told to assistive technology.
    await expectText(stance.locator('legend'), /\(required\)/);
    await expectText(page.locator('.label-line', { has: page.locator(`label[for="${await note.getAttribute('id')}"]`) }), /Your note\s*\(required\)/);
    assert.equal(await note.getAttribute('aria-required'), 'true');
    assert.equal(await stance.getByRole('radio').first().evaluate((r) => r.required), true);
    assert.equal(await note.getAttribute('maxlength'), String(MAX));

    await note.fill('Too short.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const summary = page.locator('.error-summary');
    await expectText(summary, /2 things to fix before saving/);
    await expectText(summary, /Choose where you stand/);
    await expectText(summary, /Write at least 20 characters in your note \(now 10\)/);
    const words = await summary.innerText();
    assert.doesNotMatch(words, /strong, support|neutral or concern|maxLength|minLength|advocacy/i, 'plain words');
    assert.ok(await focusedIs(page, '.error-summary'), 'the summary has the focus');
    assert.ok(await summary.isVisible());
    const inView = await summary.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert.ok(inView, 'the summary is in view');
    assert.equal(await stance.getAttribute('aria-invalid'), 'true');
    assert.equal(await note.getAttribute('aria-invalid'), 'true');
    await expectText(stance.locator('.field-error'), 'Choose where you stand');
    await noSeriousAxe(page, 'note-errors');
    await screenshot(page, 'forms-note-errors');

    // The summary's link moves to the field.
    await summary.getByRole('link', { name: 'Choose where you stand' }).click();
    assert.ok(await focusedIs(page, 'input[type=radio]'), 'the link focuses the stance');

    // Fixed: each error goes as soon as its value is valid.
    await stance.getByRole('radio', { name: /^Supportive/ }).check();
    assert.equal(await stance.getAttribute('aria-invalid'), null);
    assert.equal(await stance.locator('.field-error').count(), 0);
    await expectText(summary, /One thing to fix/);
    await note.fill('Hank made the onboarding review easy to follow.');
    assert.equal(await note.getAttribute('aria-invalid'), null);
    assert.equal(await summary.isVisible(), false, 'no errors left: the summary is gone');

    // Past the limit: the box keeps 5,000 characters and the counter says so.
    await note.fill('');
    await note.focus();
    await page.keyboard.insertText('x'.repeat(MAX + 120));
    assert.equal((await note.inputValue()).length, MAX, 'capped while typing');
    await expectText(page.locator('.counter'), '5,000 of 5,000 characters');

    await note.fill('Hank made the onboarding review easy to follow, and asked product early.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'saved' }), /Your note is saved/);
    assert.equal(await page.getByRole('button', { name: 'Decline', exact: true }).count(), 0);
    await expectText(page.getByText(/You have written a note, so you can no longer decline/), /edit it until the cycle is finalized/);

    // The inbox: a written note is never overdue (the due date is in the past).
    await page.goto('/inbox');
    await settle(page);
    const card = page.locator('li.card.request', { has: page.getByRole('heading', { name: hank.name }) }).filter({ hasText: NAME });
    await expectText(card.locator('.due'), /^input due /);
    assert.doesNotMatch(await card.innerText(), /overdue/);
    await expectText(card, /You have written a note, so you can no longer decline/);
    await noSeriousAxe(page, 'inbox-written');
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('Gwen’s score: ArrowRight on the top score keeps it; Clear then Undo restores it', async () => {
  const s = await openAs(browser, 'gwen@globex.test');
  const { page } = s;
  try {
    await page.goto(`/cycles/${cycle.id}/ems/${hank.id}/assessment`);
    await settle(page);
    const group = page.locator('fieldset.score-choice').first();
    const legend = await group.locator('legend').innerText();
    const radios = group.getByRole('radio');
    const n = await radios.count();
    const top = radios.nth(n - 1);
    await top.check();
    await top.focus();
    await page.keyboard.press('ArrowRight');
    assert.ok(await top.isChecked(), 'the top score stays chosen');
    assert.ok(await top.evaluate((el) => el === document.activeElement), 'the focus stays on the top score');
    await page.keyboard.press('ArrowDown');
    assert.ok(await top.isChecked(), 'ArrowDown does not wrap either');
    await page.keyboard.press('ArrowLeft');
    assert.ok(await radios.nth(n - 2).isChecked(), 'ArrowLeft moves one step down');
    await page.keyboard.press('End');
    assert.ok(await top.isChecked());

    const lower = legend.charAt(0).toLowerCase() + legend.slice(1);
    await page.getByRole('button', { name: `Clear ${lower}`, exact: true }).click();
    for (let i = 0; i < n; i++) assert.equal(await radios.nth(i).isChecked(), false, 'cleared');
    await expectText(group.getByRole('status'), /Score cleared/);
    const undo = page.getByRole('button', { name: new RegExp(`^Undo: restore ${lower} to `) });
    assert.ok(await undo.evaluate((el) => el === document.activeElement), 'the focus is on Undo');
    await noSeriousAxe(page, 'assessment-cleared');
    await undo.click();
    assert.ok(await top.isChecked(), 'Undo restores the score');
    assert.equal(await undo.count(), 0);
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('Gwen’s decision: nothing chosen is refused before sending, in plain words, and each error goes once fixed', async () => {
  const gwen = await apiAs('gwen@globex.test');
  const moved = await gwen.post(`/cycles/${cycle.id}/transition`, { to: 'calibrating' });
  assert.equal(moved.status, 200, `calibrating: ${moved.text}`);
  const s = await openAs(browser, 'gwen@globex.test');
  const { page } = s;
  try {
    await page.goto(`/cycles/${cycle.id}/meeting`);
    await settle(page);
    const form = page.getByRole('form', { name: 'Decision' });
    await form.waitFor();
    const readiness = form.getByRole('group', { name: 'Readiness', exact: true });
    const rationale = form.getByLabel('Rationale', { exact: true });
    await expectText(readiness.locator('legend'), /\(required\)/);
    assert.equal(await rationale.getAttribute('aria-required'), 'true');
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().includes('/decision')) sent++;
    });
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    const summary = form.locator('.error-summary');
    await expectText(summary, /2 things to fix before saving/);
    await expectText(summary, /Choose a readiness/);
    await expectText(summary, /Write the rationale for the decision/);
    assert.ok(await focusedIs(page, '.error-summary'), 'the summary has the focus');
    assert.equal(sent, 0, 'nothing is sent');
    assert.equal(await readiness.getAttribute('aria-invalid'), 'true');
    await noSeriousAxe(page, 'decision-errors');
    await readiness.getByRole('radio', { name: /^Ready in 12–24 months/ }).check();
    assert.equal(await readiness.getAttribute('aria-invalid'), null);
    await rationale.fill('Steady at the bar; one more cycle of cross-team work to show.');
    assert.equal(await rationale.getAttribute('aria-invalid'), null);
    assert.equal(await summary.isVisible(), false);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(form.getByRole('status'), /^Decision saved \(version \d+\)\.$/);
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('Gwen’s new cycle: required marked, an empty submit sends nothing and the summary says what to do', async () => {
  const s = await openAs(browser, 'gwen@globex.test');
  const { page } = s;
  try {
    await page.goto('/cycles/new');
    await settle(page);
    const name = page.getByLabel('Cycle name', { exact: true });
    assert.equal(await name.getAttribute('aria-required'), 'true');
    await expectText(page.locator('.label-line', { has: page.locator(`label[for="${await name.getAttribute('id')}"]`) }), /\(required\)/);
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/cycles')) sent++;
    });
    await page.getByRole('button', { name: 'Create cycle', exact: true }).click();
    const summary = page.locator('.error-summary');
    await expectText(summary, /Give the cycle a name/);
    await expectText(summary, /Choose at least one EM to calibrate/);
    assert.ok(await focusedIs(page, '.error-summary'), 'the summary has the focus');
    assert.equal(sent, 0, 'nothing is sent');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    await noSeriousAxe(page, 'cycle-create-errors');
    await summary.getByRole('link', { name: /Give the cycle a name/ }).click();
    assert.ok(await name.evaluate((el) => el === document.activeElement), 'the link focuses the name');
    await page.keyboard.type('Globex 2027 H1');
    assert.equal(await name.getAttribute('aria-invalid'), null, 'the name’s error is gone once it has one');
    assert.doesNotMatch(await summary.innerText(), /Give the cycle a name/);
    s.assertClean();
  } finally {
    await s.close();
  }
});
