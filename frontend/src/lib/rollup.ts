// The roll-up board's rows: the decision that stands (the roll-up's where
// it changed the director's), how it moved, and rows grouped by director.
import type { Readiness } from '../api/types';
import type { RollupRow } from '../api/rollupTypes';
import { readinessLabel, readinessRank } from './format';

/** The decision that stands for a row: the roll-up's, else the director's. */
export const standing = (r: Pick<RollupRow, 'rollup_decision' | 'director_decision'>): Readiness | null =>
  r.rollup_decision ?? r.director_decision;

/** A reason is needed when the roll-up's readiness differs from the director's decision. */
export const reasonNeeded = (readiness: Readiness, director: Readiness | null): boolean => readiness !== director;

/** "Not yet → Ready in 12–24 months (moved up)", or the one decision when nothing moved. */
export function decisionText(r: Pick<RollupRow, 'rollup_decision' | 'director_decision' | 'moved'>): string {
  const d = readinessLabel(r.director_decision);
  if (!r.rollup_decision || r.rollup_decision === r.director_decision) return d;
  const moved = r.moved ? ` (moved ${r.moved})` : '';
  return `${d} → ${readinessLabel(r.rollup_decision)}${moved}`;
}

export type RollupSort = 'director' | 'name' | 'composite' | 'decision';

const names = new Intl.Collator();

/**
 * Rows in the order asked: by director (then name), by name, by composite
 * (highest first, none last) or by the standing decision (most ready
 * first, none last). The input is not changed.
 */
export function sortRollupRows(rows: readonly RollupRow[], by: RollupSort): RollupRow[] {
  const out = [...rows];
  const byName = (a: RollupRow, b: RollupRow) => names.compare(a.em.name, b.em.name);
  out.sort((a, b) => {
    switch (by) {
      case 'director':
        return names.compare(a.director.name, b.director.name) || byName(a, b);
      case 'name':
        return byName(a, b);
      case 'composite': {
        if (a.composite === b.composite) return byName(a, b);
        if (a.composite === null) return 1;
        if (b.composite === null) return -1;
        return b.composite - a.composite;
      }
      case 'decision':
        return readinessRank(standing(a)) - readinessRank(standing(b)) || byName(a, b);
    }
  });
  return out;
}

/** Rows in runs of one director each, in the rows' order of first appearance. */
export function groupByDirector(rows: readonly RollupRow[]): { director: RollupRow['director']; rows: RollupRow[] }[] {
  const groups = new Map<string, { director: RollupRow['director']; rows: RollupRow[] }>();
  for (const r of rows) {
    let g = groups.get(r.director.id);
    if (!g) groups.set(r.director.id, (g = { director: r.director, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()];
}

/** "Open", "Finalized". */
export const rollupStateLabel = (s: 'open' | 'finalized'): string => (s === 'open' ? 'Open' : 'Finalized');
