// The admin's day, as Avery Admin. Set-up through the API: a director of
// this test's own with two EMs, and a second director (so nothing depends
// on the demo's counts, which earlier files change). On People, Avery
// searches and filters, selects the two EMs and moves them to the second
// director in one bulk change; deactivating that director then asks who
// their two reports move to, refuses to go on without an answer and moves
// them; adding someone with a taken e-mail shows the error at the e-mail
// field, and an EM without "EM since" is refused before anything is sent.
// On the Audit screen Avery filters by action, actor and day, reads the
// changes as "field: old → new" and downloads the same entries as CSV;
// the screen is saved as docs/screenshots/audit.png. Both screens are
// checked with axe (no serious or critical violation).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
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
  screenshot,
  screenshotPath,
  settle,
} from '../lib/harness.mjs';

/** One story: later steps are skipped once one failed. */
const test = makeTest(nodeTest, { chain: true });

const TAG = `e2e${Date.now().toString(36)}`;
// Names read well in the README's screenshot; the e-mails carry the tag,
// which the search finds.
const LEAD = 'Lena Marsh'; // the director the EMs start under
const TARGET = 'Theo Brandt'; // the director they move to, then deactivated
const EMS = ['Ezra Quill', 'Ines Varga'];
const email = (name) => `${name.split(' ')[0].toLowerCase()}.${TAG}@acme.test`;

let browser;
let avery;
let api;
const ids = {};

before(async () => {
  browser = await launchBrowser();
  api = await apiAs('admin@acme.test');
  const vera = (await api.get('/users?q=vera')).body.items.find((u) => u.email === 'vera@acme.test');
  assert.ok(vera, 'Vera is in the demo');
  for (const [name, role, manager] of [
    [LEAD, 'director', vera.id],
    [TARGET, 'director', vera.id],
  ]) {
    const res = await api.post('/users', { name, email: email(name), role, manager_id: manager, password: 'a long enough password' });
    assert.equal(res.status, 201, `create ${name}: ${res.text}`);
    ids[name] = res.body.id;
  }
  for (const name of EMS) {
    const res = await api.post('/users', {
      name,
      email: email(name),
      role: 'em',
      manager_id: ids[LEAD],
      em_since: '2024-02-05',
      password: 'a long enough password',
    });
    assert.equal(res.status, 201, `create ${name}: ${res.text}`);
    ids[name] = res.body.id;
  }
  avery = await openAs(browser, 'admin@acme.test');
});
after(async () => {
  await avery?.close();
  await browser?.close();
});

async function noSeriousAxe(page, name) {
  const serious = await axe(page, name);
  assert.deepEqual(serious, [], `${name}: serious or critical axe violations (details in test-artifacts/axe/${name}.json)`);
}

const managerOf = async (name) => (await api.get(`/users?q=${encodeURIComponent(email(name))}`)).body.items.find((u) => u.id === ids[name]);

test('People: search, filter by role and status', async () => {
  const { page } = avery;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People', exact: true }).click();
  await settle(page);
  await page.getByLabel('Search people').fill(TAG);
  const rows = page.locator('tbody tr');
  await expectCount(rows, 4);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Director' });
  await expectCount(rows, 2);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Deactivated' });
  await expectText(page.locator('main'), 'No one matches.');
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Active' });
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Engineering manager' });
  await expectCount(rows, 2);
  await noSeriousAxe(page, 'people');
});

test('People: the two EMs move to another director in one bulk change', async () => {
  const { page } = avery;
  await page.getByRole('checkbox', { name: 'Select all 2 shown' }).check();
  const bar = page.getByRole('form', { name: 'Change the selected people' });
  await expectText(bar, '2 people selected');
  // "Reports to" offers directors and admins only.
  const options = await bar.getByLabel('New manager').locator('option').allInnerTexts();
  assert.ok(options.some((o) => o.startsWith(TARGET)), `${TARGET} is offered: ${options}`);
  assert.ok(!options.some((o) => o.includes('Engineering manager')), `no EM is offered as a manager: ${options}`);
  await bar.getByLabel('New manager').selectOption({ label: `${TARGET} (Director)` });
  await bar.getByRole('button', { name: 'Apply to 2 people' }).click();
  await expectText(page.getByRole('status').filter({ hasText: 'Changed' }), 'Changed 2 people.');
  for (const name of EMS) assert.equal((await managerOf(name)).manager_id, ids[TARGET], `${name} reports to ${TARGET}`);
  await expectText(page.locator('tbody'), TARGET);
});

test('People: deactivating a director with reports asks who they move to', async () => {
  const { page } = avery;
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Director' });
  await page.getByRole('button', { name: `Deactivate ${TARGET}` }).click();
  const dialog = page.getByRole('dialog');
  await expectText(dialog, `2 people report to ${TARGET}`);
  await noSeriousAxe(page, 'people-deactivate');
  // Without a choice nothing is sent, and the field says why.
  await dialog.getByRole('button', { name: 'Deactivate and move 2 people' }).click();
  await expectText(dialog, 'Choose who they will report to.');
  const select = dialog.getByLabel('Move their reports to');
  assert.equal(await select.evaluate((el) => el === document.activeElement), true, 'focus is on the missing choice');
  const offered = await select.locator('option').allInnerTexts();
  assert.ok(!offered.includes(TARGET), 'the person deactivated is not offered');
  await select.selectOption({ label: LEAD });
  await dialog.getByRole('button', { name: 'Deactivate and move 2 people' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.equal((await managerOf(TARGET)).active, false, `${TARGET} is deactivated`);
  for (const name of EMS) assert.equal((await managerOf(name)).manager_id, ids[LEAD], `${name} moved to ${LEAD}`);
});

test('People: a taken e-mail is shown at the e-mail field; an EM needs "EM since"', async () => {
  const { page } = avery;
  await page.getByRole('button', { name: 'Add person' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add person' });
  await dialog.getByLabel('Name').fill('Lena Marsh');
  await dialog.getByLabel('Email').fill(email(LEAD));
  await dialog.getByLabel('Initial password').fill('a long enough password');
  // Role EM, no "EM since": refused in the form, nothing sent.
  await dialog.getByRole('button', { name: 'Save' }).click();
  const since = dialog.locator('.field').filter({ has: page.getByLabel('EM since') });
  await expectText(since, 'Required for an engineering manager');
  await dialog.getByLabel('EM since').fill('2025-03-03');
  avery.expectFailure(/409 POST \/api\/v1\/users/);
  await dialog.getByRole('button', { name: 'Save' }).click();
  const emailField = dialog.locator('.field').filter({ has: page.getByLabel('Email') });
  await expectText(emailField, 'already has this e-mail address');
  assert.equal(await dialog.locator('.error-note').count(), 0, 'no error at the bottom of the form');
  assert.equal(await dialog.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
});

test('Audit: filters, readable changes and the CSV export', async () => {
  const { page } = avery;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit', exact: true }).click();
  await settle(page);
  await expectText(page.getByRole('heading', { level: 1 }), 'Audit');
  assert.equal(new URL(page.url()).pathname, '/audit');
  await noSeriousAxe(page, 'audit');

  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').selectOption({ label: 'Person changed' });
  await filters.getByLabel('Changed by').selectOption({ label: 'Avery Admin' });
  const today = new Date().toISOString().slice(0, 10);
  await filters.getByLabel('From').fill(today);
  await filters.getByLabel('To').fill(today);
  const table = page.locator('table.audit-table');
  // The deactivation, and the moves, as "field: old → new".
  await expectText(table, `Status: Active → Deactivated`);
  await expectText(table, `Reports to: ${TARGET} → ${LEAD}`);
  await expectText(table, `Reports to: ${LEAD} → ${TARGET}`);
  const whats = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(whats.length > 0 && whats.every((w) => w.startsWith('Person changed')), `only user changes: ${whats}`);
  const changes = await table.locator('tbody tr td:nth-child(4)').allInnerTexts();
  assert.ok(!changes.some((c) => c.includes('{')), 'no raw JSON');
  await noSeriousAxe(page, 'audit-filtered');

  await page.locator('h1').focus(); // no focus ring on a filter in the picture
  await screenshot(page, 'audit', { fullPage: false });
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  copyFileSync(screenshotPath('audit'), join(DOCS_SCREENSHOTS, 'audit.png'));

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'audit.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'at,seq,id,actor_id,actor_name,action,object_type,object_id,cycle_id,em_id,before,after');
  assert.equal(lines.length - 1, whats.length, 'the CSV holds the entries the screen shows');
  for (const l of lines.slice(1)) assert.match(l, /,Avery Admin,user\.update,user,/);
  assert.ok(text.includes(ids[TARGET]), 'the deactivation is exported');
  avery.assertClean();
});
