import { describe, expect, it } from 'vitest';
import { checkNewCycle, localToday, type NewCycleForm } from './check';

const ok: NewCycleForm = {
  name: '2027 H1 calibration',
  frameworkId: '',
  frameworkIds: ['fw'],
  emIds: ['e1'],
  activeEmIds: ['e1', 'e2'],
  coOwners: [],
  directorIds: ['d2'],
  meId: 'd1',
  attribution: 'by_function',
  due: '2027-01-15',
  today: '2026-12-06',
};

describe('checkNewCycle', () => {
  it('accepts a complete form, and no due date at all', () => {
    expect(checkNewCycle(ok)).toEqual({});
    expect(checkNewCycle({ ...ok, due: '' })).toEqual({});
    expect(checkNewCycle({ ...ok, due: '2026-12-06' })).toEqual({});
  });
  it('names every field that is wrong, in words', () => {
    expect(
      checkNewCycle({ ...ok, name: '  ', emIds: [], coOwners: ['d1'], due: '2026-12-05', frameworkId: 'gone', attribution: 'x' as never }),
    ).toEqual({
      name: 'Give the cycle a name.',
      framework: 'Choose a framework from the list.',
      ems: 'Choose at least one EM to calibrate.',
      coOwners: 'You lead the cycle already: you cannot also be a co-owner.',
      attribution: 'Choose how peers’ notes will be attributed.',
      due: 'The input due date cannot be in the past.',
    });
  });
  it('refuses EMs and co-owners who are not offered, a duplicate, a long name, a malformed date', () => {
    expect(checkNewCycle({ ...ok, emIds: ['e9'] }).ems).toMatch(/no longer active/);
    expect(checkNewCycle({ ...ok, coOwners: ['d2', 'd2'] }).coOwners).toBe('A co-owner is chosen twice.');
    expect(checkNewCycle({ ...ok, coOwners: ['d7'] }).coOwners).toMatch(/active directors/);
    expect(checkNewCycle({ ...ok, name: 'x'.repeat(201) }).name).toMatch(/at most 200/);
    expect(checkNewCycle({ ...ok, due: '2027-02-31x' }).due).toMatch(/as a date/);
  });
  it('takes today in the local time zone', () => {
    expect(localToday(new Date(2026, 11, 6, 23, 30))).toBe('2026-12-06');
  });
});
