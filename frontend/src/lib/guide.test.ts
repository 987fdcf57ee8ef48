import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { GuideLine } from '../api/rollupTypes';
import { draftOfGuide, emptyGuideDraft, guideLineText, guideOfDraft, guideStatus, outsideOf, overrideProblem, rangeText } from './guide';

const line = (p: Partial<GuideLine>): GuideLine => ({ readiness: 'ready_now', min: 10, max: 20, count: 1, percent: 15, within: true, ...p });

describe('guideOfDraft', () => {
  it('is null when no range is given', () => {
    expect(guideOfDraft(emptyGuideDraft())).toEqual({ guide: null, problems: {} });
  });

  it('reads whole percents, with an open end as 0 or 100', () => {
    const d = emptyGuideDraft();
    d.ready_now = { min: '10', max: '20' };
    d.not_yet = { min: '', max: '30' };
    d.ready_6_12_months = { min: '5', max: '' };
    expect(guideOfDraft(d)).toEqual({
      guide: { ready_now: { min: 10, max: 20 }, ready_6_12_months: { min: 5, max: 100 }, not_yet: { min: 0, max: 30 } },
      problems: {},
    });
  });

  it('says what is wrong with a range', () => {
    const d = emptyGuideDraft();
    d.ready_now = { min: '30', max: '20' };
    d.not_yet = { min: '2.5', max: '' };
    d.ready_12_24_months = { min: '', max: '101' };
    expect(guideOfDraft(d).problems).toEqual({
      ready_now: 'Ready now: the minimum 30% is above the maximum 20%.',
      not_yet: 'Not yet: enter whole percents from 0 to 100.',
      ready_12_24_months: 'Ready in 12–24 months: a percent is at most 100.',
    });
  });

  it('refuses minimums that add up to more than 100%', () => {
    const d = emptyGuideDraft();
    d.ready_now = { min: '60', max: '70' };
    d.not_yet = { min: '50', max: '60' };
    expect(guideOfDraft(d).problems).toEqual({ ready_now: 'The minimums add up to 110%: together they can be at most 100%.' });
  });

  it('round-trips a guide through the form', () => {
    const g = { ready_now: { min: 10, max: 20 }, not_yet: { min: 0, max: 30 } };
    expect(guideOfDraft(draftOfGuide(g)).guide).toEqual(g);
  });
});

describe('guide lines in words', () => {
  it('tells within, below and above apart', () => {
    expect(guideStatus(line({}))).toBe('within');
    expect(guideStatus(line({ percent: 5, within: false }))).toBe('below');
    expect(guideStatus(line({ percent: 25, within: false }))).toBe('above');
  });

  it('writes ranges with open ends in words', () => {
    expect(rangeText(10, 20)).toBe('10–20%');
    expect(rangeText(10, 100)).toBe('at least 10%');
    expect(rangeText(0, 30)).toBe('at most 30%');
    expect(rangeText(0, 100)).toBe('any share');
    expect(rangeText(25, 25)).toBe('25%');
  });

  it('writes a whole line', () => {
    expect(guideLineText(line({ count: 3, percent: 25, within: false }))).toBe('Ready now: 3 EMs (25%), guide 10–20%: above the guide');
    expect(guideLineText(line({ readiness: 'not_yet', min: 0, max: 30, count: 1, percent: 50, within: false }))).toBe(
      'Not yet: 1 EM (50%), guide at most 30%: above the guide',
    );
  });
});

describe('outsideOf', () => {
  it('reads the lines of a 409 outside_distribution_guide', () => {
    const outside = [line({ percent: 50, within: false })];
    expect(outsideOf(new ApiError(409, 'outside_distribution_guide', 'outside', {}, { outside }))).toEqual(outside);
    expect(outsideOf(new ApiError(409, 'outside_distribution_guide', 'outside'))).toEqual([]);
    expect(outsideOf(new ApiError(409, 'missing_decisions', 'missing'))).toBeNull();
    expect(outsideOf(new Error('x'))).toBeNull();
  });

  it('checks an override reason: 1–500 characters once trimmed', () => {
    expect(overrideProblem('  ')).toBe('Give a reason for finalizing outside the guide.');
    expect(overrideProblem('A small team: two EMs.')).toBeNull();
    expect(overrideProblem('x'.repeat(501))).toBe('The reason is too long: at most 500 characters (now 501).');
    expect(overrideProblem('é'.repeat(500))).toBeNull();
  });
});
