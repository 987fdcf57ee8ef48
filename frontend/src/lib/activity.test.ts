import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../api/types';
import { activitySentence } from './activity';

const titles = { org_leverage: 'Organisational leverage', autonomy: 'Autonomy in ambiguity', complexity: 'Handling complexity' };

const item = (o: Partial<ActivityItem>): ActivityItem =>
  ({
    id: '1',
    at: '2026-12-06T10:00:00Z',
    actor: { id: 'omar', name: 'Omar Haddad' },
    em: { id: 'finn', name: 'Finn Gallagher' },
    kind: 'decision',
    before: null,
    after: null,
    reason: null,
    ...o,
  }) as ActivityItem;

describe('activitySentence', () => {
  it('a decision moved, with its rationale as the reason', () => {
    expect(
      activitySentence(item({ kind: 'decision', before: 'not_yet', after: 'ready_6_12_months', reason: 'shipped the platform migration' }), titles),
    ).toBe('Omar Haddad moved Finn Gallagher from Not yet to Ready in 6–12 months: shipped the platform migration');
    expect(activitySentence(item({ kind: 'decision', before: null, after: 'ready_now', reason: ' ' }), titles)).toBe(
      'Omar Haddad decided Ready now for Finn Gallagher',
    );
    expect(activitySentence(item({ kind: 'decision', before: 'not_yet', after: 'not_yet', reason: 'two criteria below' }), titles)).toBe(
      'Omar Haddad kept Finn Gallagher at Not yet with a new rationale: two criteria below',
    );
  });

  it('ratings by criterion title in the framework’s order, an unrated score in words', () => {
    expect(
      activitySentence(item({ kind: 'rating', before: { autonomy: 2 }, after: { autonomy: 3 }, reason: 'led the re-org alone' }), titles),
    ).toBe("Omar Haddad changed Finn Gallagher's Autonomy in ambiguity from 2 to 3: led the re-org alone");
    expect(
      activitySentence(
        item({ kind: 'rating', before: { complexity: 3, org_leverage: null }, after: { complexity: 2, org_leverage: 3 } }),
        titles,
      ),
    ).toBe("Omar Haddad changed Finn Gallagher's ratings (Organisational leverage not rated → 3, Handling complexity 3 → 2)");
  });

  it('the discussed mark, the meeting note and the participants', () => {
    expect(activitySentence(item({ kind: 'discussed', before: false, after: true }), titles)).toBe('Omar Haddad marked Finn Gallagher as discussed');
    expect(activitySentence(item({ kind: 'discussed', before: true, after: false }), titles)).toBe(
      'Omar Haddad marked Finn Gallagher as not discussed',
    );
    expect(activitySentence(item({ kind: 'meeting_note', before: null, after: 'Revisit after the Q1 launch.' }), titles)).toBe(
      'Omar Haddad wrote the meeting note of Finn Gallagher: “Revisit after the Q1 launch.”',
    );
    expect(activitySentence(item({ kind: 'meeting_note', before: 'a', after: '' }), titles)).toBe(
      'Omar Haddad cleared the meeting note of Finn Gallagher',
    );
    const long = activitySentence(item({ kind: 'meeting_note', before: 'a', after: 'x'.repeat(500) }), titles);
    expect(long.startsWith('Omar Haddad edited the meeting note of Finn Gallagher: “x')).toBe(true);
    expect(long.endsWith('…”')).toBe(true);
    expect(long.length).toBeLessThan(220);
    expect(activitySentence(item({ kind: 'participant', before: 'removed', after: 'included', actor: { id: 'a', name: 'Avery Admin' } }), titles)).toBe(
      'Avery Admin added Finn Gallagher to the cycle',
    );
    expect(activitySentence(item({ kind: 'participant', before: 'included', after: 'removed' }), titles)).toBe(
      'Omar Haddad removed Finn Gallagher from the cycle',
    );
    expect(
      activitySentence(item({ kind: 'participant', before: 'included', after: 'included', actor: { id: 'a', name: 'Avery Admin' } }), titles),
    ).toBe("Avery Admin changed Finn Gallagher's role, reporting line or account; Finn Gallagher stays in the cycle");
  });

  it('a change without a score moved, and one made from the command line', () => {
    expect(activitySentence(item({ kind: 'rating', before: {}, after: {}, reason: 'typo in the evidence' }), titles)).toBe(
      "Omar Haddad changed the evidence or private note of Finn Gallagher's assessment: typo in the evidence",
    );
    expect(activitySentence(item({ kind: 'discussed', actor: null, after: true }), titles)).toBe('The system marked Finn Gallagher as discussed');
  });

  it('never shows an enum value or a criterion key', () => {
    const sentences = [
      item({ kind: 'decision', before: 'ready_12_24_months', after: 'ready_now' }),
      item({ kind: 'rating', before: { org_leverage: 1 }, after: { org_leverage: 2 } }),
      item({ kind: 'participant', after: 'included' }),
    ].map((i) => activitySentence(i, titles));
    for (const s of sentences) expect(s).not.toMatch(/\b[a-z]+_[a-z0-9_]+\b/);
  });
});
