// Client-side ordering of board rows.
import type { BoardRow } from '../api/types';
import { readinessRank } from './format';

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

function value(r: BoardRow, key: SortKey): number | string | null {
  switch (key) {
    case 'name':
      return r.em.name.toLocaleLowerCase();
    case 'composite':
      return r.composite;
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

/**
 * Rows sorted by key in dir; rows without a value (no composite, no
 * readiness, no coverage) go last in either direction, and ties keep name
 * order. The input is not changed.
 */
export function sortRows(rows: readonly BoardRow[], key: SortKey, dir: SortDir = DEFAULT_DIR[key]): BoardRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, key);
    const vb = value(b, key);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      if (va < vb) return -sign;
      if (va > vb) return sign;
    }
    return a.em.name.localeCompare(b.em.name);
  });
}
