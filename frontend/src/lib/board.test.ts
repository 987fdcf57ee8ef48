import { describe, expect, it } from 'vitest';
import type { BoardRow, Readiness } from '../api/types';
import { sortRows, viewComposite } from './board';

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
    meeting: { discussed: false },
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

describe('viewComposite', () => {
  const criteria = ['a', 'b', 'c'].map((key, i) => ({ key, title: key, description: '', weight: i === 2 ? 2 : 1 }));
  const r = row('Drew', { composite: 2.5 });
  r.scores = {
    a: { director: 3, self: 2, peer: { strong: 0, support: 0, neutral: 0, concern: 0 } },
    b: { director: 2, self: 4, peer: { strong: 0, support: 0, neutral: 0, concern: 0 } },
    c: { director: null, self: 3, peer: { strong: 0, support: 0, neutral: 0, concern: 0 } },
  };
  it("is the director's composite in the director and peer views, with how many are rated", () => {
    expect(viewComposite(r, criteria, 'director')).toEqual({ value: 2.5, rated: 2, total: 3 });
    expect(viewComposite(r, criteria, 'peer')).toEqual({ value: 2.5, rated: 2, total: 3 });
  });
  it('is the weighted self mean in the self view', () => {
    expect(viewComposite(r, criteria, 'self')).toEqual({ value: 3, rated: 3, total: 3 }); // (2 + 4 + 2·3) / 4
  });
  it('is the weighted mean gap over the criteria both rated in the gap view', () => {
    expect(viewComposite(r, criteria, 'gap')).toEqual({ value: -0.5, rated: 2, total: 3 }); // (1 − 2) / 2
  });
  it('rounds halves away from zero, like the API', () => {
    const g = row('Gap');
    g.scores = Object.fromEntries(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`k${i}`, { director: i === 0 ? 2 : 3, self: 3, peer: { strong: 0, support: 0, neutral: 0, concern: 0 } }]),
    );
    const eight = Object.keys(g.scores).map((key) => ({ key, title: key, description: '', weight: 1 }));
    expect(viewComposite(g, eight, 'gap').value).toBe(-0.13); // −1/8
  });
  it('sorts the composite column by the composite the view shows', () => {
    const other = row('Alex', { composite: 3 });
    other.scores = { a: { director: 3, self: 1, peer: { strong: 0, support: 0, neutral: 0, concern: 0 } } };
    const self = (x: BoardRow) => viewComposite(x, criteria, 'self').value;
    expect(names(sortRows([other, r], 'composite', 'desc', self))).toEqual(['Drew', 'Alex']);
    expect(names(sortRows([other, r], 'composite', 'desc'))).toEqual(['Alex', 'Drew']);
  });
});
