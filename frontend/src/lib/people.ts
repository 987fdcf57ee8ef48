// The people list's rules, kept apart from the screen: who is shown, who
// may manage, who reports to whom, and a bulk change's outcome in words.
import { ApiError } from '../api/client';
import type { Role, User, UserFunction } from '../api/types';
import { maxLength, minLength, required, type Errors, type Rule, type Rules, type ServerField } from './form';

export type Status = 'active' | 'inactive' | '';

export function filterPeople(users: User[], f: { q: string; role: Role | ''; status: Status }): User[] {
  const q = f.q.trim().toLowerCase();
  return users.filter(
    (u) =>
      (!f.role || u.role === f.role) &&
      (!f.status || (f.status === 'active') === u.active) &&
      (!q || `${u.name} ${u.email}`.toLowerCase().includes(q)),
  );
}

/** The active people who report directly to id. */
export const activeReports = (users: User[], id: string): User[] => users.filter((u) => u.active && u.manager_id === id);

/** Everyone below id in the reporting line, directly or not. */
export function below(users: User[], id: string): Set<string> {
  const out = new Set<string>();
  const walk = (m: string) => {
    for (const u of users) {
      if (u.manager_id === m && !out.has(u.id)) {
        out.add(u.id);
        walk(u.id);
      }
    }
  };
  walk(id);
  return out;
}

/** Who may be someone's manager: active directors and admins, not themself nor anyone below them. */
export function managerOptions(users: User[], person?: User | null): User[] {
  const under = person ? below(users, person.id) : new Set<string>();
  return users.filter(
    (u) => u.active && (u.role === 'director' || u.role === 'admin') && u.id !== person?.id && !under.has(u.id),
  );
}

/** Who may take over a deactivated person's reports: active directors outside their reporting line. */
export function reassignOptions(users: User[], person: User): User[] {
  const under = below(users, person.id);
  return users.filter((u) => u.active && u.role === 'director' && u.id !== person.id && !under.has(u.id));
}

export interface BulkFailure {
  name: string;
  reason: string;
}

/** Why one change failed, in words: the field's reason when the API names one. */
export function reasonOf(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = Object.values(err.fields);
    if (err.code === 'has_reports') return 'they manage active people; change them one at a time to choose who their reports move to';
    if (err.code === 'self_lockout') return 'you cannot demote yourself';
    if (fields.length) return fields.join('; ');
    return err.message;
  }
  return err instanceof Error ? err.message : 'something went wrong';
}

/** "Changed 3 people." / "Changed 2 of 3 people. Not changed: Erin Kowalski (must be …)." */
export function bulkSummary(done: number, failures: BulkFailure[]): string {
  const total = done + failures.length;
  const people = (n: number) => (n === 1 ? '1 person' : `${n} people`);
  if (failures.length === 0) return `Changed ${people(done)}.`;
  const list = failures.map((f) => `${f.name} (${f.reason})`).join('; ');
  return `Changed ${done} of ${people(total)}. Not changed: ${list}.`;
}

/**
 * Whose reports must move when `person` takes `role`: a director or admin
 * who becomes an EM or peer can no longer manage anyone, so their active
 * reports go to a director named in the same change (409 has_reports
 * otherwise). `known` adds the ids the API named in such a 409, which the
 * list may not have shown yet.
 */
export function reportsToMove(users: User[], person: User | null, role: Role, known: string[] = []): string[] {
  if (!person || !person.active) return [];
  const manages = (r: Role) => r === 'director' || r === 'admin';
  if (!manages(person.role) || manages(role)) return [];
  return [...new Set([...activeReports(users, person.id).map((u) => u.id), ...known])];
}

/** The values of the person form, as its fields hold them (empty text for none). */
export interface PersonValues {
  name: string;
  email: string;
  role: Role;
  function: UserFunction;
  manager_id: string;
  em_since: string;
  password: string;
  reassign_to: string;
}

const EMAIL: Rule<string> = (v) => (!v.trim() || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : 'Enter an e-mail address such as name@example.com');

/**
 * The person form's rules: name and e-mail always, a password of 10 to 256
 * characters when creating, "EM since" for an EM, and the director their
 * reports move to when `moving` (see reportsToMove).
 */
export function personRules(v: PersonValues, { creating, moving }: { creating: boolean; moving: boolean }): Rules<PersonValues> {
  return {
    name: [required('Enter their name'), maxLength(200, 'the name')],
    email: [required('Enter their e-mail address'), EMAIL, maxLength(254, 'the e-mail address')],
    em_since: v.role === 'em' ? [required('Enter the date they became an engineering manager')] : [],
    password: creating ? [required('Enter an initial password'), minLength(10, 'the password'), maxLength(256, 'the password')] : [],
    reassign_to: moving ? [required('Choose the director their reports move to')] : [],
  };
}

/** The API's field errors of a person change, at the person form's fields. */
export const PERSON_SERVER: Record<string, ServerField> = {
  name: { field: 'name', what: 'the name' },
  email: { field: 'email', what: 'the e-mail address' },
  role: { field: 'role', what: 'a role', choose: 'Choose a role' },
  function: { field: 'function', what: 'a function', choose: 'Choose a function' },
  manager_id: { field: 'manager_id', what: 'who they report to', choose: 'Choose who they report to' },
  em_since: { field: 'em_since', what: 'the date they became an EM' },
  password: { field: 'password', what: 'the password' },
  reassign_to: { field: 'reassign_to', what: 'the director their reports move to', choose: 'Choose the director their reports move to' },
};

/** Errors of a person change that come without a field but belong at one. */
export const PERSON_BY_CODE: Record<string, Errors> = {
  duplicate: { email: 'Someone in your organisation already has this e-mail address' },
  has_reports: { reassign_to: 'Choose the director their reports move to' },
};

/** The ids a 409 has_reports names (details.user_ids), else none. */
export function reportIdsOf(err: unknown): string[] {
  if (!(err instanceof ApiError) || err.code !== 'has_reports') return [];
  const ids = err.details?.user_ids;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}
