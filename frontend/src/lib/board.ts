// Client-side ordering of board rows, and the composite each view shows.
import type { Board, BoardRow } from '../api/types';
import type { HeatView } from './heatmap';
import { readinessRank } from './format';

/**
 * The composite a view of the board shows, with how many of the
 * framework's criteria it is over:
 * - director and peer: the director's composite (peer notes carry no score);
 * - self: the weighted mean of the self-assessment scores;
 * - gap: the weighted mean of director − self over the criteria both rated.
 * Rounded to 2 decimals like the API's; null when nothing counts.
 */
export interface ViewComposite {
  value: number | null;
  rated: number;
  total: number;
}

export function viewComposite(row: BoardRow, criteria: Board['criteria'], view: HeatView): ViewComposite {
  const total = criteria.length;
  if (view === 'director' || view === 'peer') {
    const rated = criteria.filter((c) => row.scores[c.key]?.director != null).length;
    return { value: row.composite, rated, total };
  }
  let sum = 0;
  let weight = 0;
  let rated = 0;
  for (const c of criteria) {
    const s = row.scores[c.key];
    const self = s?.self;
    const director = s?.director;
    if (self == null || (view === 'gap' && director == null)) continue;
    sum += c.weight * (view === 'gap' ? (director as number) - self : self);
    weight += c.weight;
    rated++;
  }
  return { value: weight > 0 ? round2(sum / weight) : null, rated, total };
}

/** Two decimals, halves away from zero like the API's composites (Math.round sends −0.125 to −0.12). */
function round2(v: number): number {
  return (Math.sign(v) * Math.round(Math.abs(v) * 100)) / 100;
}

export type SortKey = 'name' | 'composite' | 'flags' | 'readiness' | 'coverage';
export type SortDir = 'asc' | 'desc';

/** The direction a column sorts in when first chosen: the most telling first. */
export const DEFAULT_DIR: Record<SortKey, SortDir> = {
  name: 'asc',
  composite: 'desc',
  flags: 'desc',
  readiness: 'asc', // rank 0 is ready now
  coverage: 'asc', // the least evidenced first
};

/** The readiness a row stands at: the decision, else the suggestion. */
export const rowReadiness = (r: BoardRow) => r.readiness.decision ?? r.readiness.suggested;

function value(r: BoardRow, key: SortKey, composite: (r: BoardRow) => number | null): number | string | null {
  switch (key) {
    case 'name':
      return r.em.name.toLocaleLowerCase();
    case 'composite':
      return composite(r);
    case 'flags':
      return r.flags.length;
    case 'readiness': {
      const rank = readinessRank(rowReadiness(r));
      return rank >= 4 ? null : rank;
    }
    case 'coverage':
      return r.evidence_coverage;
  }
}

// The default locale's collation, as localeCompare would use, made once.
const names = new Intl.Collator();

/**
 * Rows sorted by key in dir; rows without a value (no composite, no
 * readiness, no coverage) go last in either direction, and ties keep name
 * order. The input is not changed. `composite` is the composite the view
 * shows (the director's by default), so the column sorts by what it shows.
 */
export function sortRows(
  rows: readonly BoardRow[],
  key: SortKey,
  dir: SortDir = DEFAULT_DIR[key],
  composite: (r: BoardRow) => number | null = (r) => r.composite,
): BoardRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  // Each row's value once, not once per comparison: a board of hundreds of
  // rows is compared thousands of times, and a view's composite is a mean.
  const keyed = rows.map((row) => ({ row, v: value(row, key, composite) }));
  keyed.sort((a, b) => {
    const va = a.v;
    const vb = b.v;
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      if (va < vb) return -sign;
      if (va > vb) return sign;
    }
    return names.compare(a.row.em.name, b.row.em.name);
  });
  return keyed.map((k) => k.row);
}
