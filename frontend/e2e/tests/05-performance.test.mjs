// The board with 300 EMs (the "Big" organisation that e2e/run.mjs seeds):
// how long sorting and re-colouring take in the page. Measured and
// reported (stdout and test-artifacts/perf.json), never asserted: only a
// board that does not show its 300 EMs fails.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import { apiAs, ARTIFACTS, expectCount, launchBrowser, makeTest, openAs, screenshot, settle } from '../lib/harness.mjs';

const test = makeTest(nodeTest);
const EMS = 300;
let browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const stats = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 10) / 10;
  return { median: round(s[Math.floor(s.length / 2)]), min: round(s[0]), max: round(s.at(-1)), samples: samples.map(round) };
};

test(`board of ${EMS} EMs: sorting and re-colouring, measured`, { timeout: 180_000 }, async () => {
  const big = await apiAs('director@big.test');
  const cycles = await big.get('/cycles?limit=100');
  const cycle = cycles.body.items.find((c) => c.state === 'calibrating');
  assert.ok(cycle, 'the Big organisation has a cycle in calibration');
  assert.equal(cycle.participants.length, EMS);

  const director = await openAs(browser, 'director@big.test');
  try {
    const { page } = director;
    // Home, then the board, as a director would open it.
    const region = page.getByRole('region', { name: cycle.name });
    await region.waitFor({ timeout: 30_000 });
    const t0 = Date.now();
    await region.getByRole('link', { name: 'Board', exact: true }).click();
    await settle(page, { timeout: 60_000 });
    const rows = page.getByRole('table', { name: /^Calibration board/ }).getByRole('rowheader');
    await expectCount(rows, EMS, { timeout: 60_000 });
    const openMs = Date.now() - t0;
    await screenshot(page, 'board-300', { fullPage: false });

    // In the page: performance.now() around a click, until the DOM shows the
    // result and the frame after it has been rendered.
    const measured = await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      async function time(act, done) {
        const t = performance.now();
        act();
        for (let i = 0; !done(); i++) {
          if (i > 600) throw new Error('the board did not update within 600 frames');
          await frame();
        }
        await painted();
        return performance.now() - t;
      }
      const table = document.querySelector('table.heatmap');
      const header = (label) =>
        [...table.querySelectorAll('thead th')].find((th) => th.querySelector('button.sort-button')?.firstChild?.textContent === label);
      const sorts = [];
      // Each click re-sorts all rows: by EM (twice: both directions), composite, readiness, flags, evidence.
      for (const label of ['EM', 'EM', 'Composite (director)', 'Readiness', 'Flags', 'Evidence', 'EM']) {
        const th = header(label);
        const before = th.getAttribute('aria-sort');
        const expected = before === 'ascending' ? 'descending' : before === 'descending' ? 'ascending' : null;
        sorts.push(
          await time(
            () => th.querySelector('button').click(),
            () => (expected ? th.getAttribute('aria-sort') === expected : th.hasAttribute('aria-sort')),
          ),
        );
      }
      const captions = { director: "director's scores", self: 'self-assessment scores', peer: 'peer notes tagged', gap: 'director minus self' };
      const recolours = [];
      for (const view of ['self', 'gap', 'peer', 'director', 'gap', 'self', 'director']) {
        const input = document.querySelector(`fieldset.segmented input[value="${view}"]`);
        recolours.push(await time(() => input.click(), () => table.querySelector('caption').textContent.includes(captions[view])));
      }
      return { sorts, recolours, cells: table.querySelectorAll('td.heat-cell').length };
    });
    assert.equal(measured.cells, EMS * 9, 'every EM has a cell per criterion');
    await screenshot(page, 'board-300-after', { fullPage: false });

    const result = {
      measured_at: new Date().toISOString(),
      chromium: browser.version(),
      board_ems: EMS,
      criteria: 9,
      open_board_ms: openMs,
      sort_ms: stats(measured.sorts),
      recolour_ms: stats(measured.recolours),
      note: 'in-page performance.now() around a click until the DOM shows the result and the next frame is rendered; headless Chromium, not asserted',
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'perf.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(
      `board ${EMS} EMs: sort ${result.sort_ms.median} ms, recolour ${result.recolour_ms.median} ms ` +
        `(medians of ${measured.sorts.length} and ${measured.recolours.length}; sort ${result.sort_ms.min}–${result.sort_ms.max} ms, ` +
        `recolour ${result.recolour_ms.min}–${result.recolour_ms.max} ms; opening the board ${openMs} ms) → test-artifacts/perf.json`,
    );
    director.assertClean();
  } finally {
    await director.close();
  }
});
