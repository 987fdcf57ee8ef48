import { describe, expect, it } from 'vitest';
import type { Shifts } from '../api/rollupTypes';
import { barSegments, chartLayout, countsText, groupLabel, HEADING_H, ROW_H, shiftRows } from './shifts';

const shifts: Shifts = {
  total: { up: 1, down: 2, unchanged: 5 },
  levels: [
    { level: 'director_session', up: 1, down: 1, unchanged: 6 },
    { level: 'rollup', up: 0, down: 1, unchanged: 7 },
  ],
  directors: [{ director: { id: 'q', name: 'Quinn Reyes' }, up: 1, down: 2, unchanged: 5 }],
  groups: [
    { kind: 'advocate_function', group: 'product', fewer_than_4: false, up: 1, down: 0, unchanged: 3 },
    { kind: 'tenure', group: 'under_1_year', fewer_than_4: true, up: null, down: null, unchanged: null },
  ],
};

describe('shiftRows', () => {
  it('lists levels, directors and groups, with no counts for small groups', () => {
    expect(shiftRows(shifts).map((r) => [r.section, r.label, r.counts && countsText(r.counts)])).toEqual([
      ['Level', 'Director sessions', '1 up, 1 down, 6 unchanged'],
      ['Level', 'Roll-up', '0 up, 1 down, 7 unchanged'],
      ['Director', 'Quinn Reyes', '1 up, 2 down, 5 unchanged'],
      ['Advocate’s function', 'Product', '1 up, 0 down, 3 unchanged'],
      ['Tenure', 'Under 1 year', null],
    ]);
    expect(countsText(null)).toBe('fewer than 4 EMs');
  });
});

describe('barSegments', () => {
  it('splits the width by share, up then down then unchanged, leaving out empty ones', () => {
    expect(barSegments({ up: 1, down: 2, unchanged: 5 }, 200)).toEqual([
      { kind: 'up', n: 1, x: 0, width: 25 },
      { kind: 'down', n: 2, x: 25, width: 50 },
      { kind: 'unchanged', n: 5, x: 75, width: 125 },
    ]);
    expect(barSegments({ up: 0, down: 1, unchanged: 0 }, 200)).toEqual([{ kind: 'down', n: 1, x: 0, width: 200 }]);
    expect(barSegments({ up: 0, down: 0, unchanged: 0 }, 200)).toEqual([]);
  });

  it('makes the widths add up to the bar exactly', () => {
    const s = barSegments({ up: 1, down: 1, unchanged: 1 }, 100);
    expect(s.map((x) => x.width)).toEqual([33.33, 33.33, 33.34]);
    expect(s.reduce((n, x) => n + x.width, 0)).toBeCloseTo(100, 10);
  });
});

describe('chartLayout', () => {
  it('puts a heading before each section and a row under it', () => {
    const l = chartLayout(shiftRows(shifts), 520, 170);
    expect(l.rows.map((r) => r.headingY !== null)).toEqual([true, false, true, true, true]);
    // 4 sections and 5 rows
    expect(l.height).toBe(4 * HEADING_H + 5 * ROW_H);
    expect(l.barWidth).toBe(310);
    expect(l.rows[0]!.y).toBe(HEADING_H + 4);
    expect(l.rows[1]!.y).toBe(HEADING_H + ROW_H + 4);
  });
});

describe('groupLabel', () => {
  it('names every group in words, never its id', () => {
    expect(groupLabel({ kind: 'tenure', group: 'under_1_year' })).toBe('Under 1 year');
    expect(groupLabel({ kind: 'tenure', group: '4_years_or_more' })).toBe('4 years or more');
    expect(groupLabel({ kind: 'tenure', group: 'unknown' })).toBe('Not known');
    expect(groupLabel({ kind: 'advocate_function', group: 'none' })).toBe('No partner note');
    expect(groupLabel({ kind: 'advocate_function', group: 'product' })).toBe('Product');
    expect(groupLabel({ kind: 'tenure', group: 'a_new_band' })).toBe('A new band');
  });
});
