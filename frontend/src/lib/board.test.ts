import { describe, expect, it } from 'vitest';
import type { BoardRow, Readiness } from '../api/types';
import { sortRows } from './board';

function row(name: string, o: { composite?: number | null; flags?: number; decision?: Readiness | null; suggested?: Readiness | null; coverage?: number | null } = {}): BoardRow {
  return {
    em: { id: name, name, director_id: 'd' },
    scores: {},
    composite: o.composite ?? null,
    evidence_coverage: o.coverage ?? null,
    readiness: { suggested: o.suggested ?? null, decision: o.decision ?? null, previous: null },
    flags: Array.from({ length: o.flags ?? 0 }, () => ({ code: 'incomplete', message: 'm' })),
    prereads: { agree: 0, question: 0, abstain: 0 },
    preread_comments: [],
  };
}

const rows = [
  row('Drew', { composite: 2.88, flags: 3, decision: 'ready_12_24_months', coverage: 0.5 }),
  row('alex', { composite: 3.33, flags: 0, suggested: 'ready_now', coverage: 1 }),
  row('Casey', { composite: 3.22, flags: 1, suggested: 'ready_6_12_months', coverage: 1 }),
  row('Blair', { composite: null, flags: 1 }),
];
const names = (rs: BoardRow[]) => rs.map((r) => r.em.name);

describe('sortRows', () => {
  it('sorts by name, ignoring case', () => {
    expect(names(sortRows(rows, 'name'))).toEqual(['alex', 'Blair', 'Casey', 'Drew']);
    expect(names(sortRows(rows, 'name', 'desc'))).toEqual(['Drew', 'Casey', 'Blair', 'alex']);
  });
  it('sorts by composite, highest first by default, with no composite last either way', () => {
    expect(names(sortRows(rows, 'composite'))).toEqual(['alex', 'Casey', 'Drew', 'Blair']);
    expect(names(sortRows(rows, 'composite', 'asc'))).toEqual(['Drew', 'Casey', 'alex', 'Blair']);
  });
  it('sorts by flags, most first, ties by name', () => {
    expect(names(sortRows(rows, 'flags'))).toEqual(['Drew', 'Blair', 'Casey', 'alex']);
  });
  it('sorts by readiness: the decision, else the suggestion, most ready first, none last', () => {
    expect(names(sortRows(rows, 'readiness'))).toEqual(['alex', 'Casey', 'Drew', 'Blair']);
    expect(names(sortRows(rows, 'readiness', 'desc'))).toEqual(['Drew', 'Casey', 'alex', 'Blair']);
  });
  it('sorts by evidence coverage, least first', () => {
    expect(names(sortRows(rows, 'coverage'))).toEqual(['Drew', 'alex', 'Casey', 'Blair']);
  });
  it('does not change its input', () => {
    const before = names(rows);
    sortRows(rows, 'composite');
    expect(names(rows)).toEqual(before);
  });
});
