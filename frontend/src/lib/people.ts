// The people list's rules, kept apart from the screen: who is shown, who
// may manage, who reports to whom, and a bulk change's outcome in words.
import { ApiError } from '../api/client';
import type { Role, User } from '../api/types';

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
    if (err.code === 'has_reports') return 'they manage active people; deactivate them one at a time to move their reports';
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
