import { describe, expect, it } from 'vitest';
import type { RollupRow } from '../api/rollupTypes';
import { decisionText, groupByDirector, reasonNeeded, sortRollupRows, standing } from './rollup';

function row(name: string, director: string, composite: number | null, d: RollupRow['director_decision'], r: RollupRow['rollup_decision'] = null, moved: RollupRow['moved'] = null): RollupRow {
  return {
    em: { id: name.toLowerCase(), name, director_id: director.toLowerCase() },
    scores: {},
    composite,
    evidence_coverage: 1,
    readiness: { suggested: null, decision: d, previous: null },
    flags: [],
    director: { id: director.toLowerCase(), name: director },
    source_cycle: { id: 'c', name: '2026 H2 calibration' },
    director_decision: d,
    rollup_decision: r,
    moved,
  } as unknown as RollupRow;
}

const rows = [
  row('Sam', 'Quinn', 2.8, 'not_yet', 'ready_12_24_months', 'up'),
  row('Alex', 'Dana', 3.6, 'ready_now'),
  row('Riley', 'Quinn', 3.2, 'ready_6_12_months'),
  row('Blair', 'Dana', null, null),
];

describe('roll-up rows', () => {
  it('stands on the roll-up decision where there is one', () => {
    expect(standing(rows[0]!)).toBe('ready_12_24_months');
    expect(standing(rows[1]!)).toBe('ready_now');
    expect(standing(rows[3]!)).toBeNull();
  });

  it('says how a decision moved', () => {
    expect(decisionText(rows[0]!)).toBe('Not yet → Ready in 12–24 months (moved up)');
    expect(decisionText(rows[1]!)).toBe('Ready now');
  });

  it('needs a reason only when the readiness differs from the director’s', () => {
    expect(reasonNeeded('ready_12_24_months', 'not_yet')).toBe(true);
    expect(reasonNeeded('not_yet', 'not_yet')).toBe(false);
    expect(reasonNeeded('ready_now', null)).toBe(true);
  });

  it('sorts by director, name, composite and decision', () => {
    const names = (by: Parameters<typeof sortRollupRows>[1]) => sortRollupRows(rows, by).map((r) => r.em.name);
    expect(names('director')).toEqual(['Alex', 'Blair', 'Riley', 'Sam']);
    expect(names('name')).toEqual(['Alex', 'Blair', 'Riley', 'Sam']);
    expect(names('composite')).toEqual(['Alex', 'Riley', 'Sam', 'Blair']);
    expect(names('decision')).toEqual(['Alex', 'Riley', 'Sam', 'Blair']);
  });

  it('groups by director in order of appearance', () => {
    expect(groupByDirector(rows).map((g) => [g.director.name, g.rows.map((r) => r.em.name)])).toEqual([
      ['Quinn', ['Sam', 'Riley']],
      ['Dana', ['Alex', 'Blair']],
    ]);
  });
});
