// An EM cannot reach a director's screens: Alex, typing director URLs,
// gets the not-found page and none of the data; the API refuses too.
import assert from 'node:assert/strict';
import { after, before, test as nodeTest } from 'node:test';
import { apiAs, cycleNamed, expectText, launchBrowser, makeTest, openAs, screenshot, settle } from '../lib/harness.mjs';

const test = makeTest(nodeTest);

const CYCLE = '2026 H2 calibration';
let browser;
let cycle;
let blairId;

before(async () => {
  browser = await launchBrowser();
  const dana = await apiAs('dana@acme.test');
  cycle = await cycleNamed(dana, CYCLE);
  blairId = cycle.participants.find((p) => p.name.startsWith('Blair')).id;
});
after(async () => {
  await browser?.close();
});

test('Alex (EM) typing director URLs sees not-found pages and no data', { timeout: 90_000 }, async () => {
  const alex = await openAs(browser, 'alex@acme.test');
  const { page } = alex;
  // Every answer of the API to a director route, to check nothing came back.
  const answered = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/v1/cycles/') || u.pathname.startsWith('/api/v1/users')) answered.push(`${r.status()} ${u.pathname}`);
  });

  const urls = [
    `/cycles/${cycle.id}/board`,
    `/cycles/${cycle.id}/meeting`,
    `/cycles/${cycle.id}`,
    `/cycles/${cycle.id}/ems/${blairId}/assessment`,
    `/ems/${blairId}`,
    '/cycles/new',
    '/cycles',
    '/people',
    '/frameworks',
  ];
  for (const url of urls) {
    await page.goto(url);
    await settle(page);
    const heading = page.getByRole('heading', { level: 1 });
    await expectText(heading, /^Not found$/);
    const main = await page.getByRole('main').innerText();
    assert.match(main, /not yours to see/, `${url}: the not-found page says why`);
    for (const secret of ['Calibration board', 'Blair Okafor', 'Casey Lindqvist', 'Drew Nakamura', CYCLE]) {
      assert.ok(!main.includes(secret), `${url} shows "${secret}" to an EM`);
    }
    assert.equal(await page.getByRole('table').count(), 0, `${url}: no table for an EM`);
    // Alex's own navigation, not a director's.
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Cycles', exact: true }).count(), 0);
    await nav.getByRole('link', { name: 'My feedback', exact: true }).waitFor();
  }
  await screenshot(page, 'em-director-url-not-found');
  const leaked = answered.filter((a) => a.startsWith('2'));
  assert.deepEqual(leaked, [], 'no director data was fetched for the EM');
  alex.assertClean();
  await alex.close();
});

test('the API answers 403/404 to an EM on director routes', async () => {
  const alex = await apiAs('alex@acme.test');
  const refused = (res, what) => assert.ok([403, 404].includes(res.status), `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  refused(await alex.get(`/cycles/${cycle.id}/board`), 'board');
  refused(await alex.get(`/cycles/${cycle.id}/board.csv`), 'board.csv');
  refused(await alex.get(`/cycles/${cycle.id}/agenda`), 'agenda');
  refused(await alex.get(`/cycles/${cycle.id}/notes`), 'notes');
  refused(await alex.get(`/cycles/${cycle.id}/ems/${blairId}/assessment`), "another EM's assessment");
  refused(await alex.get(`/cycles/${cycle.id}/ems/${blairId}/self-assessment`), "another EM's self-assessment");
  refused(await alex.get(`/ems/${blairId}/history`), "another EM's history");
  refused(await alex.get('/users'), 'users');
  const create = await alex.post('/cycles', { name: 'Not mine', em_ids: [blairId] });
  assert.equal(create.status, 403, `an EM creating a cycle: ${create.status}`);
  const transition = await alex.post(`/cycles/${cycle.id}/transition`, { to: 'finalized' });
  refused(transition, 'a transition');
  for (const res of [create]) assert.ok(res.body?.error?.code, 'errors carry a code');
});
