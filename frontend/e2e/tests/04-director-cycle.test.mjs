// A whole cycle through the UI. Omar (director) creates a cycle for Erin and
// Finn (with a double click, which makes one cycle), opens input, asks Pat (product) for input about Erin, rates both;
// Pat writes the note in the note editor; Omar starts calibration, decides
// for both in meeting mode, finalizes and releases, confirming each
// transition; Erin then reads her released feedback: scores, the note
// attributed by function, the decision and its rationale (and not Omar's
// private note).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { confirmDialog, expectCount, expectText, launchBrowser, makeTest, openAs, screenshot, settle } from '../lib/harness.mjs';

const NAME = `2027 H1 calibration (e2e ${Date.now().toString(36)})`;
const ERIN = 'Erin Kowalski';
const FINN = 'Finn Gallagher';
const NOTE =
  'Erin brought product into the roadmap for the payments migration from day one and traded scope openly when the date moved.';
const PRIVATE_NOTE = 'Private to the calibration: compare with Dana’s bar before deciding.';
const ERIN_RATIONALE = 'At the bar on every criterion and a role model with product; one more cycle to show it holds.';
const FINN_RATIONALE = 'Two criteria below the bar; a development plan on mentoring and visibility first.';

let browser;
let omar;

before(async () => {
  browser = await launchBrowser();
  omar = await openAs(browser, 'omar@acme.test');
});
after(async () => {
  await omar?.close();
  await browser?.close();
});

/** One step of the story: later steps are skipped once one failed. */
const step = makeTest(test, { chain: true });

const currentState = (page) => page.locator('.stepper [aria-current="step"]');

async function openCyclePage(page) {
  // A fresh load: the app keeps what it fetched for ten seconds, and Pat
  // answered meanwhile.
  await page.reload();
  await page.getByRole('link', { name: 'Cycles', exact: true }).click();
  await page.getByRole('link', { name: NAME, exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), NAME);
}

async function transition(page, action, stateAfter) {
  await page.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `${action}: ${NAME}?` });
  await dialog.waitFor();
  await expectText(dialog, /The cycle moves from/);
  await screenshot(page, `cycle-confirm-${action.toLowerCase().replace(/\s+/g, '-')}`, { fullPage: false });
  await confirmDialog(page, action);
  await expectText(currentState(page), stateAfter);
}

/** Fills the director's assessment: a score and evidence for each of the nine criteria. */
async function rate(page, who, scores) {
  await page.getByRole('link', { name: `Rate ${who}`, exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Assessment of ${who}`);
  const legends = await page.locator('fieldset.score-choice legend').allInnerTexts();
  assert.equal(legends.length, 9, 'nine criteria to rate');
  for (const legend of legends) {
    const title = legend.replace(/^Score for /, '');
    const score = scores[title] ?? 3;
    await page
      .getByRole('group', { name: legend, exact: true })
      .getByRole('radio', { name: new RegExp(`^${score} `) })
      .check();
    await page
      .getByLabel(`Evidence for ${title}`, { exact: true })
      .fill(`${who.split(' ')[0]} on ${title.toLowerCase()}: the payments migration, seen in the Q3 review (${score}).`);
  }
  await page.getByLabel('Private note', { exact: true }).fill(PRIVATE_NOTE);
  await expectText(page.getByText(/criteria rated · version/), '9 of 9 criteria rated');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectText(page.getByRole('status').filter({ hasText: /^Saved/ }), /^Saved \(version 1\)\.$/);
  await screenshot(page, `assessment-${who.split(' ')[0].toLowerCase()}`);
}

step('Omar creates a cycle for Erin and Finn', async () => {
  const { page } = omar;
  await expectText(page.getByRole('heading', { level: 1 }), 'Good to see you, Omar');
  await page.getByRole('link', { name: 'New cycle', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), 'New cycle');
  await page.getByLabel('Cycle name', { exact: true }).fill(NAME);
  // Only the EMs of his own tree are offered.
  const ems = page.getByRole('group', { name: 'EMs to calibrate' }).getByRole('checkbox');
  await expectCount(ems, 2);
  await page.getByRole('checkbox', { name: new RegExp(`^${ERIN}`) }).check();
  await page.getByRole('checkbox', { name: new RegExp(`^${FINN}`) }).check();
  assert.ok(await page.getByRole('radio', { name: /^By function/ }).isChecked(), 'peer attribution defaults to by function');
  // Where attribution is chosen, the page says it is a promise fixed when input opens.
  await page.getByText('it is fixed when input opens, before any peer can write').waitFor();
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Input due date', { exact: true }).fill(due);
  await screenshot(page, 'cycle-create-filled');
  // A double click makes one cycle and shows no error: the second click is
  // ignored while the first is pending, and what is sent carries one
  // Idempotency-Key, so a repeat the server does see would create nothing.
  const creates = [];
  const onRequest = (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/cycles') creates.push(r.headers()['idempotency-key']);
  };
  page.on('request', onRequest);
  await page.getByRole('button', { name: 'Create cycle', exact: true }).dblclick();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), NAME);
  page.off('request', onRequest);
  assert.ok(creates.length >= 1, 'the form sent the create');
  for (const key of creates) {
    assert.match(key ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID Idempotency-Key');
    assert.equal(key, creates[0], 'one key for the one submission');
  }
  await expectCount(page.getByRole('alert'), 0);
  await expectText(currentState(page), 'Draft');
  const participants = page.getByRole('table', { name: `Participants of ${NAME}` });
  await expectCount(participants.getByRole('rowheader'), 2);
  for (const who of [ERIN, FINN]) {
    await expectText(participants.getByRole('row', { name: new RegExp(`^${who}`) }), `${who} Omar Haddad`);
  }
  const cycleUrl = page.url();
  await page.getByRole('link', { name: 'Cycles', exact: true }).click();
  await settle(page);
  await expectCount(page.getByRole('link', { name: NAME, exact: true }), 1);
  await page.goto(cycleUrl);
  await settle(page);
  omar.assertClean();
});

step('Omar opens input and asks Pat for input about Erin', async () => {
  const { page } = omar;
  await transition(page, 'Open input', 'Input open');
  const ask = page.getByRole('form', { name: 'Ask for input' });
  await ask.getByLabel('About', { exact: true }).selectOption({ label: ERIN });
  await ask.getByLabel('Find a person', { exact: true }).fill('Pat');
  const person = ask.getByLabel('Person to ask', { exact: true });
  await expectCount(person.locator('option', { hasText: 'Pat Rivera (Product)' }), 1);
  await person.selectOption({ label: 'Pat Rivera (Product)' });
  await ask.getByLabel('Message (optional)', { exact: true }).fill('How is Erin as a partner to product?');
  await ask.getByRole('button', { name: 'Send request', exact: true }).click();
  await expectText(ask.getByRole('status'), `Asked Pat Rivera about ${ERIN}.`);
  const requests = page.getByRole('table', { name: `Peer requests of ${NAME}` });
  await expectText(requests.getByRole('row', { name: new RegExp(`^${ERIN} Pat Rivera`) }), 'Waiting');
  omar.assertClean();
});

step('Omar rates Erin and Finn in the assessment editor', async () => {
  const { page } = omar;
  await rate(page, ERIN, { 'Cross-functional partnership': 4 });
  await page.getByRole('link', { name: NAME, exact: true }).click();
  await settle(page);
  await rate(page, FINN, { 'Mentoring managers': 2, 'Visibility with senior leadership': 2 });
  omar.assertClean();
});

step('Pat writes the note about Erin in the note editor', async () => {
  const pat = await openAs(browser, 'pat@acme.test');
  try {
    const { page } = pat;
    await expectText(page.getByRole('heading', { level: 1 }), 'Inbox');
    await page.getByRole('link', { name: `Write note about ${ERIN}`, exact: true }).click();
    await settle(page);
    await expectText(page.getByRole('heading', { level: 1 }), `Note about ${ERIN}`);
    await page.getByText(`${NAME} · asked by Omar Haddad`).waitFor();
    // Before writing, Pat reads how Erin will see the note: by function, as the cycle promised.
    await page.getByText(`${ERIN} will read your note as from “a product partner”, without your name once the cycle is released.`).waitFor();
    await page.getByRole('group', { name: 'Where do you stand?' }).getByRole('radio', { name: /^Strong advocate/ }).check();
    await page.getByRole('checkbox', { name: /^Cross-functional partnership/ }).check();
    await page.getByLabel('Your note', { exact: true }).fill(NOTE);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'saved' }), 'Your note is saved.');
    await screenshot(page, 'note-editor-saved');
    await page.getByRole('link', { name: 'Back to the inbox', exact: true }).click();
    await settle(page);
    await page.getByRole('link', { name: `Edit note about ${ERIN}`, exact: true }).waitFor();
    pat.assertClean();
  } finally {
    await pat.close();
  }
});

step('Omar starts calibration and decides for both in meeting mode', async () => {
  const { page } = omar;
  await openCyclePage(page);
  const requests = page.getByRole('table', { name: `Peer requests of ${NAME}` });
  await expectText(requests.getByRole('row', { name: new RegExp(`^${ERIN} Pat Rivera`) }), 'Answered');
  await transition(page, 'Start calibration', 'Calibrating');
  await page.getByRole('link', { name: 'Meeting mode', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), `Meeting: ${NAME}`);
  const agenda = page.getByRole('navigation', { name: 'Agenda' });
  await expectCount(agenda.getByRole('button'), 2);
  for (const [who, readiness, rationale] of [
    [ERIN, 'Ready in 6–12 months', ERIN_RATIONALE],
    [FINN, 'Not yet', FINN_RATIONALE],
  ]) {
    await agenda.getByRole('button', { name: new RegExp(`^${who}`) }).click();
    await expectText(page.getByRole('heading', { level: 2, name: who, exact: true }), who);
    if (who === ERIN) {
      const note = page.getByRole('listitem').filter({ hasText: NOTE });
      await expectText(note, `Pat Rivera (Product) · Strong advocate · Cross-functional partnership ${NOTE}`);
    }
    const form = page.getByRole('form', { name: 'Decision' });
    await form.getByRole('radio', { name: new RegExp(`^${readiness}`) }).check();
    await form.getByLabel('Rationale', { exact: true }).fill(rationale);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expectText(form.getByRole('status'), /^Decision saved \(version 1\)\.$/);
  }
  await screenshot(page, 'meeting-omar-decided');
  omar.assertClean();
});

step('Omar finalizes and releases the cycle', async () => {
  const { page } = omar;
  await page.getByRole('link', { name: NAME, exact: true }).click();
  await settle(page);
  await transition(page, 'Finalize', 'Finalized');
  await transition(page, 'Release', 'Released');
  await expectText(page.getByRole('region', { name: 'State' }), /Released \d{1,2} \w{3} \d{4}\./);
  assert.equal(await page.getByRole('button', { name: 'Release', exact: true }).count(), 0, 'nothing after released');
  await screenshot(page, 'cycle-released');
  omar.assertClean();
});

step('Erin reads her released feedback', async () => {
  const erin = await openAs(browser, 'erin@acme.test');
  try {
    const { page } = erin;
    await expectText(page.getByRole('heading', { level: 1 }), 'My feedback');
    const fb = page.getByRole('article', { name: NAME });
    await fb.waitFor();
    await expectText(fb.getByRole('region', { name: `Decision, ${NAME}`, exact: true }), `Decision: Ready in 6–12 months · composite 3.11 against a bar of 3 ${ERIN_RATIONALE}`);
    const scores = fb.getByRole('table', { name: 'Scores against the bar' });
    await expectCount(scores.getByRole('rowheader'), 9);
    await expectText(
      scores.getByRole('row', { name: /^Cross-functional partnership/ }),
      'Cross-functional partnership 4 · Role model beyond the senior bar Above Erin on cross-functional partnership: the payments migration, seen in the Q3 review (4).',
    );
    await expectText(scores.getByRole('row', { name: /^Organisational leverage/ }), '3 · Consistently at the senior bar At the bar');
    // The note, attributed by function: not by name.
    const note = fb.getByRole('listitem').filter({ hasText: NOTE });
    await expectText(note, `a product partner · Strong advocate · Cross-functional partnership ${NOTE}`);
    const text = await page.getByRole('main').innerText();
    assert.ok(!text.includes('Pat Rivera'), 'the note is not attributed by name in a by-function cycle');
    assert.ok(!text.includes(PRIVATE_NOTE), "Omar's private note is never released");
    assert.ok(!text.includes(FINN), "nothing of Finn's");
    await screenshot(page, 'feedback-erin');
    erin.assertClean();
  } finally {
    await erin.close();
  }
});
