// The 9-box: composites against the bar (rows) × readiness (columns), as
// the API answers it, placed on a grid; and what moving an EM to another
// column means: a new readiness to decide, prefilled in the decision form.
import type { Readiness } from '../api/types';
import { BANDS, NINE_BOX_COLUMNS, type Band, type NineBox, type NineBoxCell, type NineBoxColumn } from '../api/rollupTypes';

/**
 * The nine boxes as rows (band above, at, below, top to bottom) of columns
 * (later, 6–12 months, ready now, left to right). Each box is found by its
 * band and readiness, whatever order the answer has; a missing one is empty.
 */
export function nineBoxGrid(nb: Pick<NineBox, 'boxes'>): NineBoxCell[][] {
  return BANDS.map((band) =>
    NINE_BOX_COLUMNS.map(
      (readiness) =>
        nb.boxes.find((b) => b.band === band && b.readiness === readiness) ?? { band, readiness, count: 0, percent: 0, em_ids: [] },
    ),
  );
}

/** The column a readiness falls in: not yet and 12–24 months are both `later`. */
export function columnOf(r: Readiness | null | undefined): NineBoxColumn | null {
  switch (r) {
    case 'ready_now':
      return 'ready_now';
    case 'ready_6_12_months':
      return 'ready_6_12_months';
    case 'ready_12_24_months':
    case 'not_yet':
      return 'later';
    default:
      return null;
  }
}

/** The readiness a move into a column prefills: `later` offers 12–24 months, the nearer of its two. */
export function readinessFor(column: NineBoxColumn): Readiness {
  return column === 'later' ? 'ready_12_24_months' : column;
}

/**
 * The readiness to prefill when an EM in column `from` is moved (dragged,
 * or moved by keyboard) to column `to`; null when the move changes nothing.
 * An EM whose decision is already in the target column (say "Not yet",
 * moved within `later`) keeps it: `current` is the EM's readiness.
 */
export function resolveMove(from: NineBoxColumn, to: NineBoxColumn, current?: Readiness | null): Readiness | null {
  if (from === to) return null;
  if (current && columnOf(current) === to) return current;
  return readinessFor(to);
}

/** The column next to one, for the arrow keys: −1 is left (later), +1 right (ready now); null past the edge. */
export function stepColumn(column: NineBoxColumn, dir: -1 | 1): NineBoxColumn | null {
  return NINE_BOX_COLUMNS[NINE_BOX_COLUMNS.indexOf(column) + dir] ?? null;
}

/** The key of a keyboard move on a focused EM chip: the target column, or null for other keys. */
export function keyMove(key: string, column: NineBoxColumn): NineBoxColumn | null {
  if (key === 'ArrowLeft') return stepColumn(column, -1);
  if (key === 'ArrowRight') return stepColumn(column, 1);
  if (key === 'Home') return column === NINE_BOX_COLUMNS[0] ? null : NINE_BOX_COLUMNS[0];
  if (key === 'End') return column === NINE_BOX_COLUMNS[2] ? null : NINE_BOX_COLUMNS[2];
  return null;
}

const COLUMN_LABELS: Record<NineBoxColumn, string> = {
  later: 'Later (12–24 months or not yet)',
  ready_6_12_months: 'Ready in 6–12 months',
  ready_now: 'Ready now',
};

export const columnLabel = (c: NineBoxColumn): string => COLUMN_LABELS[c];

const BAND_LABELS: Record<Band, string> = {
  above: 'Above the bar',
  at: 'At the bar',
  below: 'Below the bar',
};

export const bandLabel = (b: Band): string => BAND_LABELS[b];

/** What a band means in composites: "at least 3.50", "3.00 to under 3.50", "under 3.00". */
export function bandRange(b: Band, bar: number): string {
  const f = (n: number) => n.toFixed(2);
  if (b === 'above') return `composite ${f(bar + 0.5)} or more`;
  if (b === 'at') return `composite ${f(bar)} to under ${f(bar + 0.5)}`;
  return `composite under ${f(bar)}`;
}

/** The names of the EMs by id, in the order given; an id no row names reads "An EM". */
export function namesOf(ids: readonly string[], names: ReadonlyMap<string, string>): { id: string; name: string }[] {
  return ids.map((id) => ({ id, name: names.get(id) ?? 'An EM' }));
}
