import { describe, expect, it } from 'vitest';
import { check, counterText, dateNotInPast, maxLength, minLength, plainMessage, recheck, required, serverErrors, validate } from './form';

describe('rules', () => {
  it('required: empty strings, blanks, null and empty lists miss; the message is the one given', () => {
    const r = required('Choose a stance');
    expect(r('')).toBe('Choose a stance');
    expect(r('   ')).toBe('Choose a stance');
    expect(r(null)).toBe('Choose a stance');
    expect(r([])).toBe('Choose a stance');
    expect(r('strong')).toBeNull();
    expect(r(['a'])).toBeNull();
  });

  it('maxLength says the limit and the length as people write numbers', () => {
    const r = maxLength(4000, 'the note');
    expect(r('x'.repeat(4000))).toBeNull();
    expect(r('x'.repeat(4120))).toBe('Keep the note within 4,000 characters (now 4,120)');
    // an emoji is one character
    expect(maxLength(2, 'it')('👍👍')).toBeNull();
  });

  it('minLength ignores spaces at the ends and leaves empty to required', () => {
    const r = minLength(20, 'the note');
    expect(r('')).toBeNull();
    expect(r('  too short  ')).toBe('Write at least 20 characters in the note (now 9)');
    expect(r('x'.repeat(20))).toBeNull();
  });

  it('dateNotInPast takes today and later', () => {
    const today = () => new Date(2026, 11, 6, 15, 0);
    const r = dateNotInPast('the revisit date', today);
    expect(r('2026-12-06')).toBeNull();
    expect(r('2027-01-01')).toBeNull();
    expect(r('2020-01-01')).toBe('Choose the revisit date of today or later');
    expect(r('')).toBeNull();
    expect(r('2026-1-1')).toBe('Enter the revisit date as a full date');
  });

  it('no message names an internal value or a raw limit', () => {
    const msgs = [required('Choose a stance')(''), maxLength(5000, 'the note')('x'.repeat(5001)), minLength(20, 'the note')('short')];
    for (const m of msgs) {
      expect(m).not.toMatch(/maxLength|minLength|strong, support|concern/);
      expect(m).toMatch(/^[A-Z]/);
    }
  });
});

describe('validate and recheck', () => {
  const rules = {
    stance: [required('Choose a stance')],
    body: [required('Write your note'), minLength(20, 'the note'), maxLength(50, 'the note')],
  };

  it('gives the first message of each field', () => {
    expect(validate({ stance: '', body: 'short' }, rules)).toEqual({ stance: 'Choose a stance', body: 'Write at least 20 characters in the note (now 5)' });
    expect(validate({ stance: 'x', body: 'x'.repeat(30) }, rules)).toEqual({});
    expect(check('', rules.body)).toBe('Write your note');
  });

  it('an error goes as soon as the value is valid, and a new one waits for the submit', () => {
    const errors = { stance: 'Choose a stance' };
    expect(recheck(errors, { stance: 'support', body: '' }, rules, 'stance')).toEqual({});
    // body has no error shown: typing a short text does not add one
    expect(recheck(errors, { stance: '', body: 'short' }, rules, 'body')).toBe(errors);
  });

  it('a server error without a rule goes when its field changes', () => {
    const errors = { email: 'This e-mail is taken', stance: 'Choose a stance' };
    expect(recheck(errors, { stance: '', body: '' }, rules, 'email')).toEqual({ stance: 'Choose a stance' });
    expect(recheck(errors, { stance: '', body: '' }, rules, 'body')).toBe(errors);
  });
});

describe('server errors', () => {
  const map = {
    advocacy: { field: 'stance', what: 'a stance', choose: 'Choose a stance' },
    body: { field: 'body', what: 'the note' },
    criteria: { field: 'criteria', what: 'the criteria' },
  };

  it('word the API reasons in plain words at the form’s fields', () => {
    const { errors, rest } = serverErrors(
      {
        advocacy: 'must be strong, support, neutral or concern',
        body: 'must be at most 5000 characters',
        'criteria[1]': 'is listed twice',
        version: 'is required',
      },
      map,
    );
    expect(errors).toEqual({ stance: 'Choose a stance', body: 'Keep the note within 5,000 characters', criteria: 'The criteria is listed twice' });
    expect(rest).toEqual(['is required']);
  });

  it('plainMessage covers the gate’s reasons', () => {
    const f = { field: 'name', what: 'the name' };
    expect(plainMessage('is required', f)).toBe('Enter the name');
    expect(plainMessage('must not be empty', f)).toBe('Enter the name');
    expect(plainMessage('choose one of Strong advocate, Supports', f)).toBe('Choose the name');
    expect(plainMessage('must be at least 20 characters', f)).toBe('Write at least 20 characters in the name');
    expect(plainMessage('must be a date like 2026-12-31', f)).toBe('Enter the name as a full date');
    expect(plainMessage('Already taken.', f)).toBe('Already taken.');
  });
});

describe('counter', () => {
  it('says what is used, what is missing and what is over', () => {
    expect(counterText(0, 5000, 20)).toBe('0 of 5,000 characters');
    expect(counterText(5, 5000, 20)).toBe('5 of 5,000 characters · at least 20');
    expect(counterText(5000, 5000, 20)).toBe('5,000 of 5,000 characters');
    expect(counterText(5002, 5000)).toBe('5,002 of 5,000 characters · 2 too many');
  });
});
