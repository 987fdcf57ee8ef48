import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { User } from '../api/types';
import { recheck, serverErrors, validate } from './form';
import {
  activeReports,
  bulkSummary,
  filterPeople,
  managerOptions,
  PERSON_BY_CODE,
  PERSON_SERVER,
  personRules,
  reassignOptions,
  reasonOf,
  reportIdsOf,
  reportsToMove,
} from './people';

const u = (id: string, role: User['role'], manager: string | null, active = true): User =>
  ({ id, name: id.toUpperCase(), email: `${id}@x.test`, role, function: 'engineering', manager_id: manager, manager_inactive: false,
    em_since: null, active, created_at: '', updated_at: '' }) as User;

const people = [
  u('vera', 'director', null),
  u('dana', 'director', 'vera'),
  u('alex', 'em', 'dana'),
  u('gone', 'em', 'dana', false),
  u('adm', 'admin', null),
  u('old', 'director', null, false),
  u('pat', 'peer', null),
];

describe('people', () => {
  it('filters by text, role and status', () => {
    expect(filterPeople(people, { q: 'ALE', role: '', status: '' }).map((p) => p.id)).toEqual(['alex']);
    expect(filterPeople(people, { q: '', role: 'em', status: 'inactive' }).map((p) => p.id)).toEqual(['gone']);
    expect(filterPeople(people, { q: '', role: 'director', status: 'active' }).map((p) => p.id)).toEqual(['vera', 'dana']);
  });
  it('offers only active directors and admins as managers, never below the person', () => {
    expect(managerOptions(people).map((p) => p.id)).toEqual(['vera', 'dana', 'adm']);
    expect(managerOptions(people, people[0]).map((p) => p.id)).toEqual(['adm']);
  });
  it('moves reports only to an active director outside the line', () => {
    expect(activeReports(people, 'dana').map((p) => p.id)).toEqual(['alex']);
    expect(reassignOptions(people, people[1]!).map((p) => p.id)).toEqual(['vera']);
  });
  it('says what a bulk change did, in words', () => {
    expect(bulkSummary(3, [])).toBe('Changed 3 people.');
    const err = new ApiError(422, 'validation_failed', 'some fields are invalid', { manager_id: 'must be an active director or admin' });
    expect(bulkSummary(1, [{ name: 'Erin', reason: reasonOf(err) }])).toBe(
      'Changed 1 of 2 people. Not changed: Erin (must be an active director or admin).',
    );
  });
});

describe('the person form', () => {
  const base = { name: 'Ada', email: 'ada@x.test', role: 'em' as const, function: 'engineering' as const, manager_id: '', em_since: '2024-01-01', password: '', reassign_to: '' };

  it('moves the reports of a director or admin who becomes an EM or peer, and only then', () => {
    const dana = people.find((p) => p.id === 'dana')!;
    expect(reportsToMove(people, dana, 'em')).toEqual(['alex']);
    expect(reportsToMove(people, dana, 'peer')).toEqual(['alex']);
    expect(reportsToMove(people, dana, 'admin')).toEqual([]);
    expect(reportsToMove(people, dana, 'director')).toEqual([]);
    expect(reportsToMove(people, null, 'em')).toEqual([]);
    expect(reportsToMove(people, people.find((p) => p.id === 'old')!, 'em')).toEqual([]);
    // Ids the API named in a 409 count too, once each.
    expect(reportsToMove(people, dana, 'em', ['alex', 'new'])).toEqual(['alex', 'new']);
    expect(reportsToMove(people, people.find((p) => p.id === 'alex')!, 'peer', ['x'])).toEqual([]);
  });

  it('checks a person in plain words: EM since for an EM, a password when creating, the director reports move to', () => {
    expect(validate(base, personRules(base, { creating: false, moving: false }))).toEqual({});
    const blank = { ...base, name: ' ', email: 'nope', em_since: '' };
    expect(validate(blank, personRules(blank, { creating: true, moving: true }))).toEqual({
      name: 'Enter their name',
      email: 'Enter an e-mail address such as name@example.com',
      em_since: 'Enter the date they became an engineering manager',
      password: 'Enter an initial password',
      reassign_to: 'Choose the director their reports move to',
    });
    const short = { ...base, password: 'short' };
    expect(validate(short, personRules(short, { creating: true, moving: false })).password).toBe('Write at least 10 characters in the password (now 5)');
    // A peer needs no "EM since": the error goes as soon as the role changes.
    const peer = { ...blank, name: 'Ada', email: 'ada@x.test', role: 'peer' as const };
    const errs = { em_since: 'Enter the date they became an engineering manager' };
    expect(recheck(errs, peer, personRules(peer, { creating: false, moving: false }), 'role')).toEqual({});
  });

  it('shows a taken e-mail and a refused role change at their fields', () => {
    const dup = new ApiError(409, 'duplicate', 'taken');
    expect(PERSON_BY_CODE[dup.code]).toEqual({ email: 'Someone in your organisation already has this e-mail address' });
    const has = new ApiError(409, 'has_reports', 'manages people', {}, { user_ids: ['a', 'b', 3] });
    expect(reportIdsOf(has)).toEqual(['a', 'b']);
    expect(reportIdsOf(dup)).toEqual([]);
    expect(serverErrors({ reassign_to: 'must be an active director' }, PERSON_SERVER).errors).toEqual({
      reassign_to: 'The director their reports move to must be an active director',
    });
  });
});
