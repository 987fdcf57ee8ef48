import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { User } from '../api/types';
import { activeReports, bulkSummary, filterPeople, managerOptions, reassignOptions, reasonOf } from './people';

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
