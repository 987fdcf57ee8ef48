import { describe, expect, it } from 'vitest';
import { diffRatings, draftsOf, ratingFieldErrors, ratingsOf } from './ratings';

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
