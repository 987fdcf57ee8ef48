// The new read-only pieces rendered to HTML (no browser here): the 9-box
// with names, counts and who may move whom, the shifts chart with its
// table, and the guide against the distribution.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { NineBox, Shifts } from '../api/rollupTypes';
import ShiftsChart from '../charts/Shifts';
import { GuideTable } from './GuideTable';
import { NineBoxGrid } from './NineBoxGrid';

const nineBox: NineBox = {
  bar: 3,
  total: 2,
  boxes: [
    { band: 'above', readiness: 'later', count: 0, percent: 0, em_ids: [] },
    { band: 'above', readiness: 'ready_6_12_months', count: 0, percent: 0, em_ids: [] },
    { band: 'above', readiness: 'ready_now', count: 1, percent: 50, em_ids: ['riley'] },
    { band: 'at', readiness: 'later', count: 0, percent: 0, em_ids: [] },
    { band: 'at', readiness: 'ready_6_12_months', count: 0, percent: 0, em_ids: [] },
    { band: 'at', readiness: 'ready_now', count: 0, percent: 0, em_ids: [] },
    { band: 'below', readiness: 'later', count: 1, percent: 50, em_ids: ['sam'] },
    { band: 'below', readiness: 'ready_6_12_months', count: 0, percent: 0, em_ids: [] },
    { band: 'below', readiness: 'ready_now', count: 0, percent: 0, em_ids: [] },
  ],
  unplaced_em_ids: ['kim'],
  guide: null,
};
const names = new Map([
  ['riley', 'Riley Chen'],
  ['sam', 'Sam Okafor'],
  ['kim', 'Kim Lee'],
]);

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('NineBoxGrid', () => {
  it('shows each box’s count, share and names, and a move button only where the user may decide', () => {
    const html = renderToStaticMarkup(
      createElement(NineBoxGrid, {
        nineBox,
        names,
        readinessOf: () => null,
        canMove: (id: string) => id === 'sam',
        onMove: () => {},
      }),
    );
    const t = text(html);
    expect(t).toContain('9-box: composite against the bar × readiness — 2 EMs placed, bar 3');
    expect(t).toContain('Above the bar composite 3.50 or more');
    expect(t).toContain('1 (50%) Riley Chen');
    expect(t).toContain('Sam Okafor , Later (12–24 months or not yet): move to…');
    expect(t).toContain('Not placed (no composite or no decision yet): Kim Lee.');
    expect(html.match(/<button/g)?.length).toBe(1);
    expect(html).toContain('draggable="true"');
    expect(html).toContain('aria-haspopup="menu"');
    expect(html).not.toContain('style=');
  });

  it('has no move hint and no buttons for a reader', () => {
    const html = renderToStaticMarkup(
      createElement(NineBoxGrid, { nineBox, names, readinessOf: () => null, canMove: () => false, onMove: () => {} }),
    );
    expect(html).not.toContain('<button');
    expect(html).not.toContain('drag a name');
  });
});

describe('ShiftsChart', () => {
  const shifts: Shifts = {
    total: { up: 1, down: 1, unchanged: 2 },
    levels: [{ level: 'rollup', up: 1, down: 0, unchanged: 3 }],
    directors: [{ director: { id: 'q', name: 'Quinn Adams' }, up: 1, down: 1, unchanged: 2 }],
    groups: [{ kind: 'tenure', group: 'under_1_year', fewer_than_4: true, up: null, down: null, unchanged: null }],
  };

  it('draws bars, says “fewer than 4” in words, and carries a table for screen readers', () => {
    const html = renderToStaticMarkup(createElement(ShiftsChart, { shifts, caption: 'Decisions against the previous cycle' }));
    const t = text(html);
    expect(t).toContain('Decisions against the previous cycle: 1 up, 1 down, 2 unchanged.');
    expect(t).toContain('fewer than 4 EMs: not shown');
    expect(t).toContain('Director: Quinn Adams 1 1 2');
    expect(t).toContain('Tenure: Under 1 year fewer than 4 EMs: not shown');
    expect(html).toContain('viewBox="0 0 520');
    expect(html).not.toContain('style=');
  });
});

describe('GuideTable', () => {
  it('shows each readiness against its range, in words', () => {
    const html = renderToStaticMarkup(
      createElement(GuideTable, {
        lines: [
          { readiness: 'ready_now', min: 10, max: 20, count: 1, percent: 50, within: false },
          { readiness: 'not_yet', min: 0, max: 30, count: 0, percent: 0, within: true },
        ],
      }),
    );
    const t = text(html);
    expect(t).toContain('Ready now 10–20% 1 50% above the guide');
    expect(t).toContain('Not yet at most 30% 0 0% within the guide');
  });

  it('says when there is no guide', () => {
    expect(text(renderToStaticMarkup(createElement(GuideTable, { lines: null })))).toBe('No distribution guide.');
  });
});
