// The shifts chart's geometry: one stacked horizontal bar per row (a level,
// a director, a group), up / down / unchanged, each segment as wide as its
// share of the row's EMs. Groups of fewer than four EMs have no bar: the
// API withholds their counts, and the chart says so in words.
import type { ShiftCounts, ShiftGroup, Shifts } from '../api/rollupTypes';
import { functionLabel } from './format';
import type { UserFunction } from '../api/types';

export const SHIFT_KINDS = ['up', 'down', 'unchanged'] as const;
export type ShiftKind = (typeof SHIFT_KINDS)[number];

export interface ShiftRow {
  key: string;
  /** the section the row belongs to: "Level", "Director", "Advocate's function", "Tenure" */
  section: string;
  label: string;
  /** null where the group has fewer than four EMs */
  counts: ShiftCounts | null;
}

export interface Segment {
  kind: ShiftKind;
  n: number;
  x: number;
  width: number;
}

const LEVEL_LABELS: Record<string, string> = {
  director_session: 'Director sessions',
  rollup: 'Roll-up',
};

export const levelLabel = (l: string): string => LEVEL_LABELS[l] ?? l;

const SHIFT_WORDS: Record<ShiftKind, string> = { up: 'Up', down: 'Down', unchanged: 'Unchanged' };
export const shiftLabel = (k: ShiftKind): string => SHIFT_WORDS[k];

const TENURE_LABELS: Record<string, string> = {
  under_1_year: 'Under 1 year',
  '1_to_2_years': '1–2 years',
  '2_to_4_years': '2–4 years',
  '4_years_or_more': '4 years or more',
  unknown: 'Not known',
};

/** A group's name in words; a group of a kind added later reads as its words. */
export function groupLabel(g: Pick<ShiftGroup, 'kind' | 'group'>): string {
  if (g.kind === 'advocate_function') {
    const known = ['product', 'design', 'operations', 'engineering', 'other'];
    if (g.group === 'none') return 'No partner note';
    return known.includes(g.group) ? functionLabel(g.group as UserFunction) : words(g.group);
  }
  if (g.kind === 'tenure') return TENURE_LABELS[g.group] ?? words(g.group);
  return words(g.group);
}

function words(id: string): string {
  const s = id.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The chart's rows: levels, then directors, then groups, in the API's order. */
export function shiftRows(s: Shifts): ShiftRow[] {
  const rows: ShiftRow[] = [];
  for (const l of s.levels) rows.push({ key: `level-${l.level}`, section: 'Level', label: levelLabel(l.level), counts: l });
  for (const d of s.directors) rows.push({ key: `director-${d.director.id}`, section: 'Director', label: d.director.name, counts: d });
  for (const g of s.groups) {
    const counts = g.fewer_than_4 || g.up === null || g.down === null || g.unchanged === null ? null : { up: g.up, down: g.down, unchanged: g.unchanged };
    rows.push({
      key: `group-${g.kind}-${g.group}`,
      section: g.kind === 'advocate_function' ? 'Advocate’s function' : 'Tenure',
      label: groupLabel(g),
      counts,
    });
  }
  return rows;
}

/**
 * The segments of one bar `width` wide: up, down, unchanged from the left,
 * each its share of the row's total; empty ones are left out. Widths add up
 * to `width` exactly (the last segment takes the rounding).
 */
export function barSegments(c: ShiftCounts, width: number): Segment[] {
  const total = c.up + c.down + c.unchanged;
  if (total <= 0) return [];
  const out: Segment[] = [];
  let x = 0;
  const present = SHIFT_KINDS.filter((k) => c[k] > 0);
  present.forEach((kind, i) => {
    const w = i === present.length - 1 ? width - x : Math.round(((c[kind] / total) * width) * 100) / 100;
    out.push({ kind, n: c[kind], x, width: w });
    x += w;
  });
  return out;
}

export interface ChartLayout {
  width: number;
  height: number;
  labelWidth: number;
  barWidth: number;
  /** the y of each row's bar, and of each section's heading before its first row */
  rows: { row: ShiftRow; y: number; headingY: number | null }[];
}

export const ROW_H = 22;
export const BAR_H = 14;
export const HEADING_H = 20;

/** Where each row goes: a heading line before each new section, then a row per bar. */
export function chartLayout(rows: ShiftRow[], width = 520, labelWidth = 170): ChartLayout {
  let y = 0;
  let section = '';
  const out: ChartLayout['rows'] = [];
  for (const row of rows) {
    let headingY: number | null = null;
    if (row.section !== section) {
      section = row.section;
      headingY = y + HEADING_H - 6;
      y += HEADING_H;
    }
    out.push({ row, y: y + (ROW_H - BAR_H) / 2, headingY });
    y += ROW_H;
  }
  return { width, height: Math.max(y, ROW_H), labelWidth, barWidth: width - labelWidth - 40, rows: out };
}

/** A row's counts in words: "2 up, 1 down, 5 unchanged", or "fewer than 4 EMs". */
export function countsText(c: ShiftCounts | null): string {
  if (!c) return 'fewer than 4 EMs';
  return `${c.up} up, ${c.down} down, ${c.unchanged} unchanged`;
}
