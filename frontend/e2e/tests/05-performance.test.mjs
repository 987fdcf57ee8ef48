// The board with 300 EMs (the "Big" organisation that e2e/run.mjs seeds):
// how long opening, sorting and re-colouring take in the page, from a
// Chromium performance trace (the renderer's main-thread tasks, and those
// over 50 ms: long tasks) and from performance.now() in the page. Reported
// (stdout and test-artifacts/perf.json), never asserted as durations: a
// shared 2-core machine makes any time threshold flaky. It fails when the
// board does not hold its 300 EMs, or when most sorts or view changes take
// a long task (all 300 rows redrawn).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';
import { apiAs, ARTIFACTS, axe, launchBrowser, makeTest, openAs, screenshot, settle } from '../lib/harness.mjs';

const test = makeTest(nodeTest);
const EMS = 300;
let browser;

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The renderer's main-thread work in a trace: its top-level tasks.
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'];
const LONG_TASK_MS = 50;

function mainThreadTasks(trace) {
  const events = JSON.parse(trace.toString('utf8')).traceEvents ?? [];
  const main = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  return events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`))
    .map((e) => (e.dur ?? 0) / 1000);
}

/** Runs act under a Chromium trace; the main thread's busy time and its long tasks. */
async function traced(page, act) {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  let value;
  let tasks;
  try {
    value = await act();
  } finally {
    tasks = mainThreadTasks(await browser.stopTracing());
  }
  return {
    value,
    busy_ms: Math.round(tasks.reduce((a, b) => a + b, 0)),
    long_tasks: tasks.filter((d) => d > LONG_TASK_MS).length,
    longest_task_ms: Math.round(Math.max(0, ...tasks)),
  };
}

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
    const opening = await traced(page, async () => {
      const t0 = Date.now();
      await region.getByRole('link', { name: 'Board', exact: true }).click();
      await settle(page, { timeout: 60_000 });
      await page.getByRole('status').filter({ hasText: `${EMS} EMs shown` }).waitFor({ timeout: 60_000 });
      await page.getByRole('table', { name: /^Calibration board/ }).getByRole('rowheader').first().waitFor();
      return Date.now() - t0;
    });
    const openMs = opening.value;
    const table = page.getByRole('table', { name: /^Calibration board/ });
    // A long board may render only the rows near the viewport; the table
    // still says how many rows it has, for screen readers.
    const rowcount = await table.getAttribute('aria-rowcount');
    const rendered = await table.getByRole('rowheader').count();
    assert.ok(rendered === EMS || rowcount === String(EMS + 1), `all ${EMS} EMs rendered, or aria-rowcount says so (rendered ${rendered}, aria-rowcount ${rowcount})`);
    await screenshot(page, 'board-300', { fullPage: false });

    // In the page: performance.now() around a click, until the DOM shows the
    // result and the frame after it has been rendered.
    await page.evaluate(() => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      window.__time = async (act, done) => {
        const t = performance.now();
        act();
        for (let i = 0; !done(); i++) {
          if (i > 600) throw new Error('the board did not update within 600 frames');
          await frame();
        }
        await painted();
        return performance.now() - t;
      };
    });
    const sorting = await traced(page, () =>
      page.evaluate(async () => {
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
            await window.__time(
              () => th.querySelector('button').click(),
              () => (expected ? th.getAttribute('aria-sort') === expected : th.hasAttribute('aria-sort')),
            ),
          );
        }
        return sorts;
      }),
    );
    const recolouring = await traced(page, () =>
      page.evaluate(async () => {
        const table = document.querySelector('table.heatmap');
        const captions = { director: "director's scores", self: 'self-assessment scores', peer: 'peer notes tagged', gap: 'director minus self' };
        const recolours = [];
        for (const view of ['self', 'gap', 'peer', 'director', 'gap', 'self', 'director']) {
          const input = document.querySelector(`fieldset.segmented input[value="${view}"]`);
          recolours.push(await window.__time(() => input.click(), () => table.querySelector('caption').textContent.includes(captions[view])));
        }
        return recolours;
      }),
    );
    const measured = {
      sorts: sorting.value,
      recolours: recolouring.value,
      cells: await page.evaluate(() => document.querySelectorAll('table.heatmap td.heat-cell').length),
      rows: await page.evaluate(() => document.querySelectorAll('table.heatmap tbody th[scope=row]').length),
    };
    assert.equal(measured.cells, measured.rows * 9, 'every rendered EM has a cell per criterion');
    await screenshot(page, 'board-300-after', { fullPage: false });

    // A windowed board follows the scroll to its last row, and finds an EM
    // by name where the browser's search would not see unrendered rows.
    if (measured.rows < EMS) {
      // The spacers are estimates until rows are measured, so the end moves as it comes into sight: scroll on, as a reader would.
      const lastRow = table.locator(`tr[aria-rowindex="${EMS + 1}"]`);
      for (let i = 0; i < 20 && (await lastRow.count()) === 0; i++) {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForTimeout(200);
      }
      await lastRow.waitFor({ timeout: 10_000 });
      const last = (await table.locator(`tr[aria-rowindex="${EMS + 1}"] th`).getByRole('link').textContent()).trim();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.getByLabel('Find an EM').fill(last);
      await page.getByRole('status').filter({ hasText: '(filtered)' }).waitFor();
      await table.getByRole('rowheader', { name: last }).first().waitFor();
      await page.getByLabel('Find an EM').fill('');
      await page.getByRole('status').filter({ hasText: `${EMS} EMs shown, sorted` }).waitFor();
      // Keyboard users tab past the rows first rendered: the window follows the focus as it scrolls into view.
      await table.getByRole('rowheader').first().getByRole('link').focus();
      for (let i = 0; i < 60; i++) await page.keyboard.press('Tab');
      const focusedRow = await page.evaluate(() => Number(document.activeElement?.closest('table.heatmap tr')?.getAttribute('aria-rowindex') ?? 0));
      assert.ok(focusedRow > 20, `Tab moves on through the board's rows (focus in row ${focusedRow})`);
      // The windowed table (spacers, row indices) is as accessible as the plain one of test 02.
      const serious = await axe(page, 'board-300-windowed');
      assert.deepEqual(serious, [], 'board of 300 EMs: serious or critical axe violations (test-artifacts/axe/board-300-windowed.json)');
    }

    const result = {
      measured_at: new Date().toISOString(),
      chromium: browser.version(),
      board_ems: EMS,
      criteria: 9,
      rows_rendered: measured.rows,
      open_board_ms: openMs,
      sort_ms: stats(measured.sorts),
      recolour_ms: stats(measured.recolours),
      trace: {
        long_task_ms: LONG_TASK_MS,
        open: { busy_ms: opening.busy_ms, long_tasks: opening.long_tasks, longest_task_ms: opening.longest_task_ms },
        sorts: { actions: measured.sorts.length, busy_ms: sorting.busy_ms, long_tasks: sorting.long_tasks, longest_task_ms: sorting.longest_task_ms },
        recolours: {
          actions: measured.recolours.length,
          busy_ms: recolouring.busy_ms,
          long_tasks: recolouring.long_tasks,
          longest_task_ms: recolouring.longest_task_ms,
        },
      },
      note:
        'sort_ms/recolour_ms: in-page performance.now() around a click until the DOM shows the result and the next frame is rendered; ' +
        "trace: the renderer main thread's tasks in a Chromium trace (busy_ms summed over all actions); headless Chromium; durations not asserted, long-task counts loosely",
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'perf.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(
      `board ${EMS} EMs: sort ${result.sort_ms.median} ms, recolour ${result.recolour_ms.median} ms ` +
        `(medians of ${measured.sorts.length} and ${measured.recolours.length}; sort ${result.sort_ms.min}–${result.sort_ms.max} ms, ` +
        `recolour ${result.recolour_ms.min}–${result.recolour_ms.max} ms; opening the board ${openMs} ms) → test-artifacts/perf.json`,
    );
    console.log(`board ${EMS} EMs, trace: ${JSON.stringify(result.trace)}; ${measured.rows} rows rendered`);
    // Counted, not timed: with rows memoised and windowed, most sorts and
    // view changes fit in one task under 50 ms even on a loaded 2-core
    // machine (0–3 long tasks of 7 actions were seen at load 6–9), while
    // redrawing all 300 rows gave at least one long task per action (8–22).
    assert.ok(sorting.long_tasks < measured.sorts.length, `most sorts without a long task (${sorting.long_tasks} long tasks in ${measured.sorts.length} sorts)`);
    assert.ok(
      recolouring.long_tasks < measured.recolours.length,
      `most view changes without a long task (${recolouring.long_tasks} long tasks in ${measured.recolours.length} changes)`,
    );
    director.assertClean();
  } finally {
    await director.close();
  }
});
