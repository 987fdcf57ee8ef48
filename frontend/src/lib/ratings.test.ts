import { describe, expect, it } from 'vitest';
import { diffRatings, draftsOf, ratingFieldErrors, ratingsOf, scoreAfterKey } from './ratings';

const criteria = [
  { key: 'autonomy', title: 'Autonomy in ambiguity', description: '', weight: 1 },
  { key: 'complexity', title: 'Handling complexity', description: '', weight: 1 },
  { key: 'org_leverage', title: 'Organisational leverage', description: '', weight: 1 },
];

describe('ratings', () => {
  it('sends only scored criteria, in framework order, and maps field errors back', () => {
    const drafts = draftsOf(criteria, [{ criterion: 'org_leverage', score: 3, evidence: ' led the review ' }]);
    drafts.autonomy = { score: 2, evidence: '' };
    const { ratings, keys } = ratingsOf(criteria, drafts);
    expect(ratings).toEqual([
      { criterion: 'autonomy', score: 2, evidence: '' },
      { criterion: 'org_leverage', score: 3, evidence: 'led the review' },
    ]);
    expect(ratingFieldErrors({ 'ratings[1].evidence': 'too long', version: 'is required' }, keys)).toEqual({
      'org_leverage.evidence': 'too long',
      version: 'is required',
    });
  });
  it('says what someone else changed', () => {
    const before = [{ criterion: 'autonomy', score: 3, evidence: 'a' }];
    const after = [
      { criterion: 'autonomy', score: 4, evidence: 'b' },
      { criterion: 'complexity', score: 2, evidence: '' },
    ];
    expect(diffRatings(criteria, before, after)).toEqual([
      'Autonomy in ambiguity: score 3 → 4',
      'Autonomy in ambiguity: evidence changed',
      'Handling complexity: score none → 2',
    ]);
  });
});

describe('scoreAfterKey', () => {
  const scale = { min: 1, max: 4 };
  it('moves one step along the scale and stops at its ends: no wrap, never to no score', () => {
    expect(scoreAfterKey('ArrowRight', 4, scale)).toBe(4);
    expect(scoreAfterKey('ArrowDown', 4, scale)).toBe(4);
    expect(scoreAfterKey('ArrowLeft', 1, scale)).toBe(1);
    expect(scoreAfterKey('ArrowUp', 1, scale)).toBe(1);
    expect(scoreAfterKey('ArrowRight', 2, scale)).toBe(3);
    expect(scoreAfterKey('ArrowLeft', 3, scale)).toBe(2);
    expect(scoreAfterKey('Home', 3, scale)).toBe(1);
    expect(scoreAfterKey('End', 2, scale)).toBe(4);
  });
  it('leaves other keys to the browser, and no key answers null as a score', () => {
    for (const k of ['Tab', ' ', 'Enter', 'Delete', 'Backspace', 'Escape', 'x']) expect(scoreAfterKey(k, 3, scale)).toBeNull();
    for (const k of ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End'])
      for (let s = 1; s <= 4; s++) {
        const v = scoreAfterKey(k, s, scale);
        expect(v).not.toBeNull();
        expect(v! >= 1 && v! <= 4).toBe(true);
      }
  });
});
