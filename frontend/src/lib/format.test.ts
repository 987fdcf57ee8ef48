import { describe, expect, it } from 'vitest';
import {
  dueLabel,
  requestDue,
  formatWhen,
  formatSignedComposite,
  inputDueText,
  ratedNote,
  formatComposite,
  formatDate,
  formatDateTime,
  formatPercent,
  formatSigned,
  functionPartner,
  noteAttribution,
  prereadCountsLabel,
  readinessLabel,
  readinessRank,
  scoreLabel,
  stanceLabel,
  transitionFrom,
} from './format';

const scale = { min: 1, max: 4, bar: 3, labels: ['Not yet evident', 'Emerging', 'Consistently at the senior bar', 'Role model beyond the senior bar'] };

describe('readiness', () => {
  it('labels every readiness and the absence of one', () => {
    expect(readinessLabel('ready_now')).toBe('Ready now');
    expect(readinessLabel('ready_6_12_months')).toBe('Ready in 6–12 months');
    expect(readinessLabel('ready_12_24_months')).toBe('Ready in 12–24 months');
    expect(readinessLabel('not_yet')).toBe('Not yet');
    expect(readinessLabel(null)).toBe('Undecided');
    expect(readinessLabel(undefined, 'None')).toBe('None');
  });
  it('ranks most ready first, none last', () => {
    expect(readinessRank('ready_now')).toBe(0);
    expect(readinessRank('not_yet')).toBe(3);
    expect(readinessRank(null)).toBe(4);
  });
});

describe('numbers', () => {
  it('formats the composite with two decimals', () => {
    expect(formatComposite(3.1)).toBe('3.10');
    expect(formatComposite(2.888)).toBe('2.89');
    expect(formatComposite(3)).toBe('3.00');
    expect(formatComposite(null)).toBe('–');
    expect(formatComposite(Number.NaN)).toBe('–');
  });
  it('formats shares and signed gaps', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.666)).toBe('67%');
    expect(formatPercent(null)).toBe('–');
    expect(formatSigned(2)).toBe('+2');
    expect(formatSigned(-1)).toBe('−1');
    expect(formatSigned(0)).toBe('0');
  });
  it('labels a score with the scale', () => {
    expect(scoreLabel(3, scale)).toBe('3 · Consistently at the senior bar');
    expect(scoreLabel(null, scale)).toBe('Not rated');
  });
});

describe('dates', () => {
  it('writes a date as the reader’s locale does', () => {
    expect(formatDate('2026-11-06', { locale: 'en-GB' })).toBe('6 Nov 2026');
    expect(formatDate('2026-11-06', { locale: 'en-US' })).toBe('Nov 6, 2026');
    expect(formatDate('2026-11-06', { locale: 'de-DE' })).toBe('06.11.2026');
    expect(formatDate('2026-11-06', { locale: 'ja-JP' })).toBe('2026/11/06');
    expect(formatDate('2026-11-06', { locale: 'fr-FR' })).toBe('6 nov. 2026');
    expect(formatDate(null)).toBe('–');
    expect(formatDate(undefined)).toBe('–');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('keeps a calendar date on its day in every time zone', () => {
    for (const timeZone of ['UTC', 'Pacific/Honolulu', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Tokyo', 'Pacific/Kiritimati']) {
      expect(formatDate('2026-12-06', { locale: 'en-GB', timeZone })).toBe('6 Dec 2026');
      expect(formatDate('2026-01-01', { locale: 'en-US', timeZone })).toBe('Jan 1, 2026');
      expect(formatDateTime('2026-12-06', { locale: 'en-GB', timeZone })).toBe('6 Dec 2026');
    }
  });
  it('keeps a calendar date on its day whatever the machine’s own time zone', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['Pacific/Honolulu', 'Asia/Tokyo']) {
        process.env.TZ = zone;
        expect(formatDate('2026-12-06', { locale: 'en-GB' })).toBe('6 Dec 2026');
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
  it('puts a moment on the day it was where the reader is', () => {
    const t = '2026-12-06T23:30:00Z';
    expect(formatDate(t, { locale: 'en-GB', timeZone: 'UTC' })).toBe('6 Dec 2026');
    expect(formatDate(t, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('7 Dec 2026');
    expect(formatDate('2026-12-06T03:00:00Z', { locale: 'en-GB', timeZone: 'America/New_York' })).toBe('5 Dec 2026');
  });
  it('writes a moment with its time of day, the date as formatDate writes it', () => {
    const t = '2026-12-06T23:30:00Z';
    expect(formatDateTime(t, { locale: 'en-GB', timeZone: 'UTC' })).toBe('6 Dec 2026, 23:30');
    expect(formatDateTime(t, { locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('7 Dec 2026, 08:30');
    expect(formatDateTime(t, { locale: 'en-US', timeZone: 'America/New_York' }).replace(/\s/g, ' ')).toBe('Dec 6, 2026, 6:30 PM');
    expect(formatDateTime(t, { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('07.12.2026, 00:30');
    for (const locale of ['en-GB', 'en-US', 'de-DE', 'ja-JP']) {
      expect(formatDateTime(t, { locale, timeZone: 'UTC' })).toContain(formatDate(t, { locale, timeZone: 'UTC' }));
    }
    expect(formatDateTime(null)).toBe('–');
  });
  it('says how far a due date is', () => {
    const now = new Date(2026, 10, 4, 15, 0);
    expect(dueLabel('2026-11-06', now)).toBe('due in 2 days');
    expect(dueLabel('2026-11-05', now)).toBe('due tomorrow');
    expect(dueLabel('2026-11-04', now)).toBe('due today');
    expect(dueLabel('2026-11-03', now)).toBe('1 day overdue');
    expect(dueLabel('2026-10-30', now)).toBe('5 days overdue');
    expect(dueLabel(null, now)).toBe('no due date');
  });
  it('never calls a written note or a declined request overdue', () => {
    const now = new Date('2026-11-04T15:00:00Z');
    const req = (status: string, state = 'input_open') => ({ status, cycle: { state, input_due: '2025-10-07' } });
    expect(requestDue(req('open'), now)).toEqual({ text: `${dueLabel('2025-10-07', now)} (${formatDate('2025-10-07')})`, overdue: true });
    for (const r of [req('answered'), req('declined'), req('open', 'calibrating')]) {
      const d = requestDue(r, now);
      expect(d.overdue).toBe(false);
      expect(d.text).not.toMatch(/overdue/);
      expect(d.text).toBe(`input due ${formatDate('2025-10-07')}`);
    }
    expect(requestDue({ status: 'open', cycle: { state: 'input_open', input_due: null } }, now)).toEqual({ text: 'no due date', overdue: false });
  });
  it('calls the input overdue only while it is open', () => {
    const now = new Date(2026, 11, 6, 9, 0);
    const nov6 = formatDate('2026-11-06');
    expect(inputDueText('input_open', '2026-11-06', now)).toBe(`Input 30 days overdue (${nov6})`);
    expect(inputDueText('input_open', '2026-12-08', now)).toBe(`Input due in 2 days (${formatDate('2026-12-08')})`);
    expect(inputDueText('calibrating', '2026-11-06', now)).toBe(`Input closed (was due ${nov6})`);
    expect(inputDueText('released', '2026-11-06', now)).toBe(`Input closed (was due ${nov6})`);
    expect(inputDueText('draft', '2026-11-06', now)).toBe(`Input due ${nov6}`);
    expect(inputDueText('draft', '2026-12-07', now)).toBe(`Input due tomorrow (${formatDate('2026-12-07')})`);
    expect(inputDueText('calibrating', null, now)).toBe('No input due date');
  });
});

describe('composites over part of the framework', () => {
  it('says how many criteria a composite is over, only when not all', () => {
    expect(ratedNote(8, 9)).toBe('8 of 9 rated');
    expect(ratedNote(9, 9)).toBe('');
    expect(ratedNote(0, 9)).toBe('');
  });
  it('signs a composite gap with a real minus', () => {
    expect(formatSignedComposite(-0.125)).toBe('−0.13');
    expect(formatSignedComposite(0.5)).toBe('+0.50');
    expect(formatSignedComposite(0.001)).toBe('0.00');
    expect(formatSignedComposite(null)).toBe('–');
  });
});

describe('transitions', () => {
  it('names each next step and what it locks or releases', () => {
    expect(transitionFrom('draft')?.action).toBe('Open input');
    expect(transitionFrom('input_open')?.action).toBe('Start calibration');
    expect(transitionFrom('calibrating')?.action).toBe('Finalize');
    expect(transitionFrom('finalized')?.action).toBe('Release');
    expect(transitionFrom('input_open')?.consequence).toMatch(/Self-assessments are locked/);
    expect(transitionFrom('finalized')?.consequence).toMatch(/Private calibration notes are never released/);
    expect(transitionFrom('released')).toBeNull();
    expect(transitionFrom('draft')?.consequence).toMatch(/peer attribution is fixed/);
  });
});

describe('pre-reads', () => {
  it('names the stances as their buttons do', () => {
    expect(stanceLabel('agree')).toBe('Agree');
    expect(stanceLabel('question')).toBe('Question');
    expect(stanceLabel('abstain')).toBe('Abstain');
  });
  it('counts a row\'s pre-reads, leaving out the stances nobody took', () => {
    expect(prereadCountsLabel({ agree: 0, question: 1, abstain: 0 })).toBe('1 question');
    expect(prereadCountsLabel({ agree: 2, question: 3, abstain: 1 })).toBe('2 agree · 3 questions · 1 abstention');
    expect(prereadCountsLabel({ agree: 1, question: 0, abstain: 2 })).toBe('1 agree · 2 abstentions');
    expect(prereadCountsLabel({ agree: 0, question: 0, abstain: 0 })).toBe('No pre-reads');
    expect(prereadCountsLabel({ agree: 0, question: 0, abstain: 0 }, '–')).toBe('–');
  });
});

describe('note attribution', () => {
  it('says how the EM will read a note, as the release attributes it', () => {
    expect(noteAttribution('named', 'product')).toBe('with your name and function (product)');
    expect(noteAttribution('by_function', 'product')).toBe('as from “a product partner”, without your name');
    expect(noteAttribution('by_function', 'operations')).toBe('as from “an operations partner”, without your name');
    expect(noteAttribution('anonymous', 'design')).toBe('as from “a colleague”, without your name or function');
  });
  it('names the partner by function like the released feedback', () => {
    expect(functionPartner('engineering')).toBe('an engineering partner');
    expect(functionPartner('design')).toBe('a design partner');
    expect(functionPartner('other')).toBe('a partner from another function');
  });
});

describe('formatWhen', () => {
  it('the time for today, the date and time before', () => {
    const gb = { locale: 'en-GB' };
    const now = new Date(2026, 11, 6, 16, 0);
    expect(formatWhen(new Date(2026, 11, 6, 10, 42).toISOString(), now, gb)).toBe('10:42');
    const before = new Date(2026, 11, 5, 9, 5).toISOString();
    expect(formatWhen(before, now, gb)).toBe('5 Dec 2026, 09:05');
    expect(formatWhen(before, now, gb)).toBe(formatDateTime(before, gb));
    expect(formatWhen(new Date(2026, 11, 6, 10, 42).toISOString(), now, { locale: 'en-US' }).replace(/\s/g, ' ')).toBe('10:42 AM');
    expect(formatWhen('not a time', now)).toBe('not a time');
  });
});
