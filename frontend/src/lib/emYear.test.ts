import { describe, expect, it } from 'vitest';
import { recheck, serverErrors, validate } from './form';
import { nextStepText, partnerCounts, planRules, PLAN_SERVER, projectionText, requestSummaryText, resultsText, suggestions } from './emYear';
import { formatDate } from './format';

// Dates follow the reader's locale: written here as formatDate writes them.
const dec18 = formatDate('2026-12-18');

describe('the EM year in words', () => {
  it('counts partners, never names them', () => {
    expect(partnerCounts(3, 2)).toBe('3 partners were asked for input about you; 2 answered.');
    expect(partnerCounts(1, 1)).toBe('1 partner was asked for input about you; they answered.');
    expect(partnerCounts(0, 0)).toBe('No partner was asked for input about you in this cycle.');
  });

  it('counts the director’s requests in an open cycle', () => {
    expect(requestSummaryText({ requested: 0, asked_in_total: 2, answered_in_total: 1 })).toBe(
      'Your director asked 2 partners for input about you; 1 of 2 answered.',
    );
    expect(requestSummaryText({ requested: 1, asked_in_total: 3, answered_in_total: 0 })).toBe(
      'You asked 1 partner and your director 2 partners for input about you; none has answered yet.',
    );
    expect(requestSummaryText(undefined)).toBe('No partner has been asked for input about you yet.');
  });

  it('says when results are expected and what comes next', () => {
    expect(resultsText(null)).toBe('Results date: not set yet.');
    expect(resultsText('2026-12-18')).toBe(`Results expected on ${dec18}.`);
    expect(nextStepText('calibrating', '2026-12-18')).toContain("your director and peers' input are being compared");
    expect(nextStepText('calibrating', '2026-12-18')).toContain(`results are expected on ${dec18}`);
    expect(nextStepText('finalized', null)).toContain('The results date is not set yet.');
    expect(nextStepText('draft', '2026-12-18')).toContain(`Results are expected on ${dec18}.`);
  });

  it('never sets a projection of 0 against a later decision', () => {
    const t = projectionText(0, 'ready_6_12_months', 'Every criterion is at the bar already.');
    expect(t).toMatch(/^Meets the bar on every criterion now; decision: ready in 6–12 months/);
    expect(t).not.toMatch(/: 0\b/);
    expect(projectionText(0, 'ready_now', '')).toBe('Meets the bar on every criterion now; decision: ready now.');
    expect(projectionText(2, 'not_yet', '')).toContain('about 2 more cycles');
    expect(projectionText(null, 'not_yet', 'A projection needs at least two finished cycles.')).toBe(
      'Decision: not yet. A projection needs at least two finished cycles.',
    );
  });

  it('checks a plan item in plain words; today is allowed', () => {
    const now = () => new Date(2026, 11, 6, 12);
    const rules = planRules(undefined, now);
    const d = (action: string, revisit = '') => ({ criterion: 'delivery', action, revisit });
    expect(validate(d('x'), rules)).toEqual({ action: 'Write at least 10 characters in the action (now 1)' });
    expect(validate(d('   '), rules).action).toBe('Say what you will do');
    expect(validate(d('y'.repeat(2001)), rules).action).toBe('Keep the action within 2,000 characters (now 2,001)');
    expect(validate(d('Run the incident review', '2020-01-01'), rules)).toEqual({ revisit: 'Choose a revisit date of today or later' });
    expect(validate(d('Run the incident review', '2026-12-06'), rules)).toEqual({});
    expect(validate(d('Run the incident review'), rules)).toEqual({});
    // Editing: the item's own past date is kept, another past date is not.
    expect(validate(d('Run the incident review', '2020-01-01'), planRules('2020-01-01', now))).toEqual({});
    expect(validate(d('Run the incident review', '2020-01-02'), planRules('2020-01-01', now)).revisit).toBeDefined();
  });

  it('clears a plan error once the value is valid, and words the API\'s errors at the fields', () => {
    const rules = planRules(undefined, () => new Date(2026, 11, 6, 12));
    const errs = validate({ criterion: 'delivery', action: 'short', revisit: '' }, rules);
    expect(recheck(errs, { criterion: 'delivery', action: 'long enough now', revisit: '' }, rules, 'action')).toEqual({});
    expect(serverErrors({ revisit_on: 'must be a date', action: 'must be at least 10 characters' }, PLAN_SERVER).errors).toEqual({
      revisit: 'Enter the revisit date as a full date',
      action: 'Write at least 10 characters in the action',
    });
  });

  it('suggests the criteria below the bar, lowest first, not those already planned', () => {
    const r = [
      { criterion: 'a', title: 'Autonomy', score: 2 },
      { criterion: 'b', title: 'Impact', score: 1 },
      { criterion: 'c', title: 'Mentoring', score: 3 },
      { criterion: 'd', title: 'Visibility', score: 2 },
    ];
    const s = suggestions(r, 3, new Set(['d']));
    expect(s.map((x) => x.criterion)).toEqual(['b', 'a']);
    expect(s[0]?.action.length).toBeGreaterThanOrEqual(10);
  });
});
