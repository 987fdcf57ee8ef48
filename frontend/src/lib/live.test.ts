import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { CycleEvent } from '../api/types';
import { affectedQueries, cycleQueries, describeChange, nameDirectory } from './live';

const ev = (type: string, o: Partial<CycleEvent> = {}): CycleEvent =>
  ({ id: '1', type, cycle_id: 'c1', em_id: 'finn', actor_id: 'omar', at: '2026-12-06T10:00:00Z', ...o }) as CycleEvent;

const names = nameDirectory(
  [
    { id: 'omar', name: 'Omar Haddad' },
    { id: 'dana', name: 'Dana Whitfield' },
  ],
  [{ id: 'finn', name: 'Finn Gallagher' }],
);
const nameOf = (id: string) => names.get(id);

/** Which of the screen's cached queries an event makes stale. */
function staleAfter(e: CycleEvent): string[] {
  const qc = new QueryClient();
  const cached: unknown[][] = [
    ['cycle', 'c1'],
    ['board', 'c1', {}],
    ['board', 'c1', { flag: 'incomplete' }],
    ['agenda', 'c1'],
    ['activity', 'c1'],
    ['notes', 'c1'],
    ['decision', 'c1', 'finn'],
    ['decision', 'c1', 'erin'],
    ['assessment', 'c1', 'finn'],
    ['meeting', 'c1', 'finn'],
    ['meeting', 'c1', 'erin'],
    ['preread', 'c1', 'finn'],
    ['board', 'c2', {}],
    ['decision', 'c2', 'finn'],
  ];
  for (const k of cached) qc.setQueryData(k, 1);
  for (const k of affectedQueries('c1', e)) void qc.invalidateQueries({ queryKey: k });
  return qc
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => JSON.stringify(q.queryKey));
}

describe('affectedQueries', () => {
  it('a decision also refetches the cycle’s 9-box and shifts, and no other cycle’s', () => {
    const qc = new QueryClient();
    for (const k of [
      ['nine-box', { cycleId: 'c1' }],
      ['shifts', { cycleId: 'c1' }],
      ['nine-box', { cycleId: 'c2' }],
      ['nine-box', { rollupId: 'r1' }],
    ])
      qc.setQueryData(k, {});
    for (const k of affectedQueries('c1', ev('decision.changed'))) void qc.invalidateQueries({ queryKey: k });
    const stale = qc
      .getQueryCache()
      .getAll()
      .filter((q) => q.state.isInvalidated)
      .map((q) => JSON.stringify(q.queryKey));
    expect(stale.sort()).toEqual(['["nine-box",{"cycleId":"c1"}]', '["shifts",{"cycleId":"c1"}]']);
  });

  it('a decision refetches that EM’s decision, the board in every filter, the agenda and the activity', () => {
    expect(staleAfter(ev('decision.changed')).sort()).toEqual(
      [
        '["decision","c1","finn"]',
        '["board","c1",{}]',
        '["board","c1",{"flag":"incomplete"}]',
        '["agenda","c1"]',
        '["activity","c1"]',
      ].sort(),
    );
  });

  it('a meeting change refetches that EM’s meeting state, the board (its discussed mark) and the activity', () => {
    expect(staleAfter(ev('meeting.changed')).sort()).toEqual(
      ['["meeting","c1","finn"]', '["board","c1",{}]', '["board","c1",{"flag":"incomplete"}]', '["activity","c1"]'].sort(),
    );
  });

  it('an EM-level event without an EM refetches that kind for every EM of the cycle', () => {
    expect(staleAfter(ev('meeting.changed', { em_id: null }))).toContain('["meeting","c1","erin"]');
  });

  it('a note refetches the notes, never anything of another cycle', () => {
    const stale = staleAfter(ev('note.changed', { actor_id: null }));
    expect(stale).toContain('["notes","c1"]');
    expect(stale.filter((k) => k.includes('"c2"'))).toEqual([]);
  });

  it('a cycle change, or a type this app does not know, refetches everything of the cycle', () => {
    expect(affectedQueries('c1', ev('cycle.changed'))).toEqual(cycleQueries('c1'));
    expect(affectedQueries('c1', ev('plan.changed'))).toEqual(cycleQueries('c1'));
    expect(staleAfter(ev('cycle.changed')).filter((k) => k.includes('"c2"'))).toEqual([]);
  });
});

describe('describeChange', () => {
  it('says who changed what, by name', () => {
    expect(describeChange(ev('decision.changed'), nameOf)).toMatchObject({
      sentence: "Omar Haddad changed Finn Gallagher's decision",
      short: 'Decision changed by Omar Haddad',
      emId: 'finn',
    });
    expect(describeChange(ev('assessment.changed', { actor_id: 'dana' }), nameOf).sentence).toBe(
      "Dana Whitfield changed Finn Gallagher's ratings",
    );
    expect(describeChange(ev('meeting.changed'), nameOf).sentence).toBe(
      'Omar Haddad updated the discussed mark or meeting note of Finn Gallagher',
    );
    expect(describeChange(ev('cycle.changed', { em_id: null }), nameOf).sentence).toBe('Omar Haddad changed the cycle');
  });

  it('falls back to "A co-owner" and "an EM" for ids the screen cannot name', () => {
    expect(describeChange(ev('decision.changed', { actor_id: 'x', em_id: 'y' }), nameOf).sentence).toBe(
      "A co-owner changed an EM's decision",
    );
    expect(describeChange(ev('preread.changed', { actor_id: null }), nameOf).sentence).toBe(
      'A co-owner changed their pre-read of Finn Gallagher',
    );
  });

  it('an assessment without an actor is the EM’s self-assessment; a cycle change without one is passive', () => {
    expect(describeChange(ev('assessment.changed', { actor_id: null }), nameOf).sentence).toBe('Finn Gallagher changed their self-assessment');
    expect(describeChange(ev('cycle.changed', { actor_id: null, em_id: null }), nameOf).sentence).toBe('The cycle changed');
  });

  it('never names the author of a peer note, nor an unknown author of a request', () => {
    expect(describeChange(ev('note.changed', { actor_id: null }), nameOf).sentence).toBe('A peer note about Finn Gallagher changed');
    expect(describeChange(ev('request.changed', { actor_id: 'pat' }), nameOf).sentence).toBe('The peer requests for Finn Gallagher changed');
    expect(describeChange(ev('request.changed'), nameOf).sentence).toBe('Omar Haddad changed the peer requests for Finn Gallagher');
  });
});

describe('nameDirectory', () => {
  it('keeps the first name given for an id', () => {
    expect(nameDirectory([{ id: 'a', name: 'First' }], [{ id: 'a', name: 'Second' }], undefined).get('a')).toBe('First');
  });
});
