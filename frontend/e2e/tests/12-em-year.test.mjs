// The EM's year and their development plan. Dana sets the date the
// results of her running cycle are expected on her cycle screen; Alex's
// home shows the timeline: the open cycle with what happens next and that
// date, the released cycles newest first with the decision, how many
// partners were asked and answered (counts only) and why the notes read as
// they do; the projection never reads "0" beside a later decision. Blair
// then works on his plan: a short action and a past date are refused in
// words at the fields, without a request; an item is added, edited,
// completed and deleted (after a confirmation); a suggestion from the
// criteria below the bar prefills a new item. What the demo holds is read
// from the API: earlier test files change it. The timeline is saved as
// docs/screenshots/em-timeline.png; the screens are checked with axe.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import {
  apiAs,
  axe,
  DOCS_SCREENSHOTS,
  expectCount,
  expectText,
  launchBrowser,
  makeTest,
  openAs,
  screenshotPath,
  settle,
} from '../lib/harness.mjs';

const test = makeTest(nodeTest, { chain: true });

let browser;
const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const fmt = (iso) => dateFmt.format(new Date(`${iso}T00:00:00Z`));
const iso = (d) => d.toISOString().slice(0, 10);
// The 20th of the month after next: ahead of today, unlike the demo's dates
// (a few weeks ahead), and the same all month, so the screenshot stays put.
const now = new Date();
const RESULTS = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 20)));
const TAG = Date.now().toString(36);

let alexOpen; // Alex's cycle that is not released, if any
let danaId;
before(async () => {
  browser = await launchBrowser();
  danaId = (await (await apiAs('dana@acme.test')).get('/me')).body.id;
  const alex = await apiAs('alex@acme.test');
  const cycles = await alex.get('/cycles?limit=100');
  assert.equal(cycles.status, 200, 'GET /cycles as Alex');
  alexOpen = cycles.body.items.find((c) => c.state !== 'released');
});
after(async () => {
  await browser?.close();
});

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

test('Dana sets when the results of her running cycle are expected', async (t) => {
  if (!alexOpen || alexOpen.lead.id !== danaId) return t.skip('Alex is in no running cycle of Dana');
  const s = await openAs(browser, 'dana@acme.test');
  try {
    const { page } = s;
    await page.goto(`/cycles/${alexOpen.id}`);
    await settle(page);
    const card = page.getByRole('region', { name: 'Results date', exact: true });
    await card.getByLabel('Results expected on').fill(RESULTS);
    await card.getByRole('button', { name: 'Save date', exact: true }).click();
    await expectText(card.getByRole('status'), `Saved: results expected on ${fmt(RESULTS)}.`);
    const c = await (await apiAs('dana@acme.test')).get(`/cycles/${alexOpen.id}`);
    assert.equal(c.body.results_expected_on, RESULTS, 'the API holds the date');
    await noSeriousAxe(page, 'cycle-results-date');
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('Alex reads his year: now, when results come, and the past cycles newest first', async () => {
  const api = await apiAs('alex@acme.test');
  const feedback = (await api.get('/me/feedback')).body.cycles;
  assert.ok(feedback.length > 0, 'Alex has a released cycle');
  const me = (await api.get('/me')).body;
  const history = (await api.get(`/ems/${me.id}/history`)).body;
  const cycles = (await api.get('/cycles?limit=100')).body.items;
  const open = cycles.filter((c) => c.state !== 'released');

  const s = await openAs(browser, 'alex@acme.test');
  try {
    const { page } = s;
    await page.goto('/feedback');
    await settle(page);
    const year = page.getByRole('region', { name: 'Your year', exact: true });
    await year.waitFor();

    // Now: each open cycle with its state, what comes next and the date.
    if (open.length === 0) await expectText(year, 'No cycle is under way for you now.');
    for (const c of open) {
      const item = year.getByRole('listitem', { name: new RegExp(`^${c.name}:`) });
      if (c.state === 'calibrating') await expectText(item, "Calibrating: your director and peers' input are being compared");
      await expectText(item, c.results_expected_on ? `results are expected on ${fmt(c.results_expected_on)}` : 'the results date is not set yet');
      if (c.id === alexOpen?.id) await expectText(item, `results are expected on ${fmt(RESULTS)}`);
      // Input gathered by the director counts: never "you have not asked".
      const text = await expectText(item, /partner|asked/);
      assert.ok(!/have not asked any peer/i.test(text), `no "not asked" line: ${text}`);
    }

    // Past: newest first, each with its decision, counts and why.
    const past = [...feedback].sort((a, b) => b.cycle.released_at.localeCompare(a.cycle.released_at));
    const items = year.locator('.year-past');
    await expectCount(items, past.length);
    for (const [i, fb] of past.entries()) {
      const item = items.nth(i);
      const text = await expectText(item, fb.cycle.name);
      if (fb.decision) assert.ok(text.includes('Decision:'), `${fb.cycle.name} shows its decision`);
      const { asked, answered } = fb.peer_input;
      if (asked === 0) assert.ok(text.includes('No partner was asked'), text);
      else assert.ok(text.includes(`${asked} ${asked === 1 ? 'partner was' : 'partners were'} asked for input about you`), text);
      if (answered > 0 && answered < asked) assert.ok(text.includes(`${answered} answered`), text);
      assert.ok(text.includes(fb.peer_attribution_explained), `${fb.cycle.name} says why its notes read as they do`);
    }

    // The projection and the decision never contradict each other.
    const whole = await page.locator('main').innerText();
    assert.ok(!/Projected cycles to the bar: 0/.test(whole), 'no bare "0 cycles to the bar"');
    if (history.trajectory.projected_cycles_to_ready === 0) await expectText(year, 'Meets the bar on every criterion now; decision:');

    await year.scrollIntoViewIfNeeded();
    await year.screenshot({ path: screenshotPath('em-timeline'), animations: 'disabled', caret: 'hide' });
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(screenshotPath('em-timeline'), join(DOCS_SCREENSHOTS, 'em-timeline.png'));
    await noSeriousAxe(page, 'em-timeline');

    // The history screen phrases the projection the same way.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
    await settle(page);
    const proj = page.getByRole('region', { name: 'Projection, not a promise', exact: true });
    const ptext = await expectText(proj, /decision|Decision/);
    assert.ok(!/: 0\b/.test(ptext), `the projection reads ${ptext}`);
    s.assertClean();
  } finally {
    await s.close();
  }
});

test('Blair works on his plan: checked in words, added, edited, completed, deleted, suggested', async () => {
  const api = await apiAs('blair@acme.test');
  const me = (await api.get('/me')).body;
  const planCount = async () => (await api.get(`/ems/${me.id}/plan?limit=100`)).body.items.length;
  const before = await planCount();

  const s = await openAs(browser, 'blair@acme.test');
  try {
    const { page } = s;
    await page.goto('/plan');
    await settle(page);
    const form = page.getByRole('form', { name: 'New plan item' });
    const action = form.getByLabel(/^Action/);

    // Too short: refused at the field, in words, with no request.
    await action.fill('x');
    await form.getByRole('button', { name: 'Add to plan', exact: true }).click();
    await expectText(form, 'Say a little more: at least 10 characters (now 1).');
    assert.equal(await action.evaluate((el) => el === document.activeElement), true, 'the action has the focus');
    // A date in the past: refused at the date.
    await action.fill(`Run the Q1 incident review ${TAG}`);
    await form.getByLabel(/^Revisit on/).fill('2020-01-01');
    await form.getByRole('button', { name: 'Add to plan', exact: true }).click();
    await expectText(form, 'Choose today or a later date: this one is in the past.');
    assert.equal(await planCount(), before, 'nothing was written');
    // Today is fine; the error goes as soon as the date is valid.
    const today = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await form.getByLabel(/^Revisit on/).fill(today);
    assert.equal(await form.getByText('this one is in the past').count(), 0, 'the date error is gone');
    await form.getByRole('button', { name: 'Add to plan', exact: true }).click();
    const item = page.locator('.plan-item').filter({ hasText: `Run the Q1 incident review ${TAG}` });
    await item.waitFor();
    assert.equal(await planCount(), before + 1, 'one item added');

    // Edit.
    await item.getByRole('button', { name: /^Edit/ }).click();
    const edit = page.getByRole('form', { name: 'Edit plan item' });
    await edit.getByLabel(/^Action/).fill(`Run and write up the Q1 incident review ${TAG}`);
    await edit.getByRole('button', { name: 'Save changes', exact: true }).click();
    const edited = page.locator('.plan-item').filter({ hasText: `Run and write up the Q1 incident review ${TAG}` });
    await edited.waitFor();

    // Complete.
    await edited.getByRole('button', { name: /^Mark .* done$/ }).click();
    await expectText(edited, 'Done');
    await noSeriousAxe(page, 'plan');

    // Delete, after a confirmation.
    await edited.getByRole('button', { name: /^Delete/ }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, 'This cannot be undone');
    await noSeriousAxe(page, 'plan-delete');
    await dialog.getByRole('button', { name: 'Delete item', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expectCount(page.locator('.plan-item').filter({ hasText: TAG }), 0);
    assert.equal(await planCount(), before, 'the item is deleted');

    // Suggestions: the criteria below the bar in the latest released cycle.
    const fb = (await api.get('/me/feedback')).body.cycles.sort((a, b) => b.cycle.released_at.localeCompare(a.cycle.released_at))[0];
    const below = fb ? fb.ratings.filter((r) => r.score < 3) : [];
    const suggested = page.getByRole('region', { name: /^Suggested from/ });
    if (below.length === 0) {
      assert.equal(await suggested.count(), 0, 'no suggestion without a criterion below the bar');
    } else {
      const lowest = [...below].sort((a, b) => a.score - b.score)[0];
      await suggested.getByRole('button', { name: `Start a plan item for ${lowest.title}` }).click();
      const prefilled = page.getByRole('form', { name: 'New plan item' });
      assert.equal(await prefilled.getByLabel('Criterion').inputValue(), lowest.criterion, 'the criterion is prefilled');
      const text = await prefilled.getByLabel(/^Action/).inputValue();
      assert.ok(text.startsWith(`Raise ${lowest.title.toLowerCase()}`), `the action is prefilled: ${text}`);
    }
    s.assertClean();
  } finally {
    await s.close();
  }
});
