// Admin: the organisation's people and reporting lines. Create, edit,
// deactivate and reactivate, or import them from a spreadsheet.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useCreateUser, usePatchUser, useUsers } from '../../api/queries';
import type { PatchUserRequest, Role, User, UserFunction } from '../../api/types';
import { useMe } from '../../auth/session';
import { Dialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate, functionLabel } from '../../lib/format';
import {
  activeReports,
  bulkSummary,
  filterPeople,
  managerOptions,
  reasonOf,
  reassignOptions,
  type BulkFailure,
  type Status,
} from '../../lib/people';
import { ImportPeople } from './ImportPeople';

const ROLES: { v: Role; label: string }[] = [
  { v: 'director', label: 'Director' },
  { v: 'em', label: 'Engineering manager' },
  { v: 'peer', label: 'Peer' },
  { v: 'admin', label: 'Admin' },
];
const FUNCTIONS: UserFunction[] = ['engineering', 'product', 'design', 'operations', 'other'];
const roleLabel = (r: Role) => ROLES.find((x) => x.v === r)?.label ?? r;

export default function People() {
  const id = useId();
  const me = useMe();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [status, setStatus] = useState<Status>('');
  const users = useUsers();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);
  const [importing, setImporting] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkReport, setBulkReport] = useState<string | null>(null);
  const all = users.data ?? [];

  const byId = useMemo(() => new Map(all.map((u) => [u.id, u])), [all]);
  const shown = filterPeople(all, { q, role, status });
  const picked = shown.filter((u) => selected.has(u.id));
  const allShown = shown.length > 0 && picked.length === shown.length;
  const toggle = (uid: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(uid);
      else next.delete(uid);
      return next;
    });

  return (
    <Page
      title="People"
      wide
      lead="Everyone in your organisation, their role and who they report to."
      actions={
        <>
          <button type="button" className="secondary" onClick={() => setImporting(true)}>
            Import from a spreadsheet
          </button>
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add person
          </button>
        </>
      }
    >
      <div className="toolbar" role="search">
        <div className="field compact-field">
          <label htmlFor={`${id}-q`}>Search people</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or e-mail" />
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r.v} value={r.v}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="">Everyone</option>
            <option value="active">Active</option>
            <option value="inactive">Deactivated</option>
          </select>
        </div>
      </div>
      {picked.length > 0 && (
        <BulkBar people={picked} users={all} me={me.id} onReport={setBulkReport} onDone={() => setSelected(new Set())} />
      )}
      {bulkReport && (
        <p className="notice bulk-report" role="status">
          {bulkReport}
        </p>
      )}
      <QueryState query={users} what="Loading people">
        {() =>
          shown.length === 0 ? (
            <Empty>No one matches.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">People of {me.org.name}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="people-select">
                      <input
                        type="checkbox"
                        aria-label={`Select all ${shown.length} shown`}
                        checked={allShown}
                        onChange={(e) => setSelected(e.target.checked ? new Set([...selected, ...shown.map((u) => u.id)]) : new Set())}
                      />
                    </th>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Function</th>
                    <th scope="col">Reports to</th>
                    <th scope="col">EM since</th>
                    <th scope="col">Status</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((u) => (
                    <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                      <td className="people-select">
                        <input
                          type="checkbox"
                          aria-label={`Select ${u.name}`}
                          checked={selected.has(u.id)}
                          onChange={(e) => toggle(u.id, e.target.checked)}
                        />
                      </td>
                      <th scope="row">
                        {u.name}
                        <div className="muted small-text">{u.email}</div>
                      </th>
                      <td>{roleLabel(u.role)}</td>
                      <td>{functionLabel(u.function)}</td>
                      <td>
                        {u.manager_id ? (byId.get(u.manager_id)?.name ?? 'Unknown') : '–'}
                        {u.manager_inactive && (
                          <div>
                            <span className="badge manager-inactive">reports to an inactive manager</span>
                          </div>
                        )}
                      </td>
                      <td>{u.role === 'em' && !u.em_since ? <span className="muted">Unknown</span> : formatDate(u.em_since)}</td>
                      <td>{u.active ? 'Active' : 'Deactivated'}</td>
                      <td>
                        <div className="row-actions">
                          <button type="button" className="secondary small" onClick={() => setEditing(u)} aria-label={`Edit ${u.name}`}>
                            Edit
                          </button>
                          {u.id !== me.id && (
                            <button
                              type="button"
                              className="secondary small"
                              onClick={() => setToggling(u)}
                              aria-label={`${u.active ? 'Deactivate' : 'Reactivate'} ${u.name}`}
                            >
                              {u.active ? 'Deactivate' : 'Reactivate'}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
      {importing && <ImportPeople onClose={() => setImporting(false)} />}
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? null : editing}
          users={all}
          onClose={() => setEditing(null)}
        />
      )}
      {toggling && <ToggleActive key={toggling.id} person={toggling} users={all} onClose={() => setToggling(null)} />}
    </Page>
  );
}

/** Deactivate or reactivate one person; someone who manages active people needs a director to take them over. */
function ToggleActive({ person, users, onClose }: { person: User; users: User[]; onClose: () => void }) {
  const id = useId();
  const patch = usePatchUser();
  const [to, setTo] = useState('');
  const [missing, setMissing] = useState(false);
  const select = useRef<HTMLSelectElement>(null);
  const reports = person.active ? activeReports(users, person.id) : [];
  const options = reassignOptions(users, person);
  const deactivate = person.active;

  function confirm(e: FormEvent) {
    e.preventDefault();
    if (deactivate && reports.length > 0 && !to) {
      setMissing(true);
      select.current?.focus();
      return;
    }
    const body: PatchUserRequest = { active: !person.active };
    if (deactivate && reports.length > 0) body.reassign_to = to;
    patch.mutate({ id: person.id, body }, { onSuccess: onClose });
  }
  const fieldMsg = missing && !to ? 'Choose who they will report to.' : fieldError(patch.error, 'reassign_to');
  const other = fieldError(patch.error, 'reassign_to') ? null : patch.error;
  const n = reports.length;

  return (
    <Dialog open title={`${deactivate ? 'Deactivate' : 'Reactivate'} ${person.name}?`} onClose={onClose}>
      <form onSubmit={confirm} className="form" noValidate>
        <div className="dialog-body">
          <p>
            {deactivate
              ? 'They are signed out everywhere at once, cannot sign in, and leave the directory. Their records stay.'
              : 'They can sign in again and appear in the directory.'}
          </p>
          {n > 0 && (
            <>
              <p>
                <strong>
                  {n === 1 ? '1 person reports' : `${n} people report`} to {person.name}
                </strong>
                : {reports.map((r) => r.name).join(', ')}. Choose the director they will report to instead.
              </p>
              <div className="field">
                <label htmlFor={`${id}-to`}>
                  Move their reports to <span aria-hidden="true">*</span>
                </label>
                <select
                  id={`${id}-to`}
                  ref={select}
                  value={to}
                  required
                  aria-required="true"
                  aria-invalid={fieldMsg ? true : undefined}
                  aria-describedby={fieldMsg ? `${id}-to-err` : undefined}
                  onChange={(e) => setTo(e.target.value)}
                >
                  <option value="">Choose a director…</option>
                  {options.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name}
                    </option>
                  ))}
                </select>
                <FieldError id={`${id}-to-err`} message={fieldMsg} />
              </div>
            </>
          )}
        </div>
        <ErrorNote error={other} />
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={deactivate ? 'danger' : 'primary'} disabled={patch.isPending}>
            {patch.isPending ? 'Working…' : deactivate ? (n > 0 ? `Deactivate and move ${n === 1 ? '1 person' : `${n} people`}` : 'Deactivate') : 'Reactivate'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A change of reporting line or role for everyone selected, one request per person, failures named. */
function BulkBar({
  people,
  users,
  me,
  onReport,
  onDone,
}: {
  people: User[];
  users: User[];
  me: string;
  onReport: (text: string | null) => void;
  onDone: () => void;
}) {
  const id = useId();
  const patch = usePatchUser();
  const [what, setWhat] = useState<'manager' | 'role'>('manager');
  const [manager, setManager] = useState('');
  const [role, setRole] = useState<Role>('em');
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const managers = managerOptions(users);

  async function apply(e: FormEvent) {
    e.preventDefault();
    if (what === 'manager' && !manager) {
      setMissing(true);
      return;
    }
    setBusy(true);
    onReport(null);
    let done = 0;
    const failures: BulkFailure[] = [];
    for (const p of people) {
      const body: PatchUserRequest = what === 'manager' ? { manager_id: manager } : { role };
      if (what === 'manager' && p.id === manager) {
        failures.push({ name: p.name, reason: 'cannot report to themself' });
        continue;
      }
      if (what === 'role' && p.id === me && role !== 'admin') {
        failures.push({ name: p.name, reason: 'you cannot demote yourself' });
        continue;
      }
      try {
        await patch.mutateAsync({ id: p.id, body });
        done++;
      } catch (err) {
        failures.push({ name: p.name, reason: reasonOf(err) });
      }
    }
    setBusy(false);
    onReport(bulkSummary(done, failures));
    if (failures.length === 0) onDone();
  }
  const n = people.length;

  return (
    <form className="people-bulk" onSubmit={apply} aria-label="Change the selected people">
        <p>
          <strong>{n === 1 ? '1 person selected' : `${n} people selected`}</strong>
        </p>
        <div className="field compact-field">
          <label htmlFor={`${id}-what`}>Change</label>
          <select id={`${id}-what`} value={what} onChange={(e) => setWhat(e.target.value as 'manager' | 'role')}>
            <option value="manager">Reporting line</option>
            <option value="role">Role</option>
          </select>
        </div>
        {what === 'manager' ? (
          <div className="field compact-field">
            <label htmlFor={`${id}-manager`}>New manager</label>
            <select
              id={`${id}-manager`}
              value={manager}
              aria-invalid={missing && !manager ? true : undefined}
              aria-describedby={missing && !manager ? `${id}-manager-err` : undefined}
              onChange={(e) => setManager(e.target.value)}
            >
              <option value="">Choose a director…</option>
              {managers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({roleLabel(u.role)})
                </option>
              ))}
            </select>
            <FieldError id={`${id}-manager-err`} message={missing && !manager ? 'Choose who they will report to.' : undefined} />
          </div>
        ) : (
          <div className="field compact-field">
            <label htmlFor={`${id}-role`}>New role</label>
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r.v} value={r.v}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Applying…' : `Apply to ${n === 1 ? '1 person' : `${n} people`}`}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Clear selection
        </button>
    </form>
  );
}

function UserForm({ user, users, onClose }: { user: User | null; users: User[]; onClose: () => void }) {
  const id = useId();
  const create = useCreateUser();
  const patch = usePatchUser();
  const m = user ? patch : create;
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'em');
  const [fn, setFn] = useState<UserFunction>(user?.function ?? 'engineering');
  const [manager, setManager] = useState(user?.manager_id ?? '');
  const [emSince, setEmSince] = useState(user?.em_since ?? '');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const needsSince = role === 'em' && !emSince;

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (needsSince) {
      form.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-em_since`)}`)?.focus();
      return;
    }
    if (!user) {
      create.mutate(
        {
          name: name.trim(),
          email: email.trim(),
          role,
          function: fn,
          manager_id: manager || null,
          em_since: emSince || null,
          password,
        },
        { onSuccess: onClose },
      );
      return;
    }
    const body: PatchUserRequest = {};
    if (name.trim() !== user.name) body.name = name.trim();
    if (role !== user.role) body.role = role;
    if (fn !== user.function) body.function = fn;
    if ((manager || null) !== user.manager_id) body.manager_id = manager || null;
    if ((emSince || null) !== user.em_since) body.em_since = emSince || null;
    if (Object.keys(body).length === 0) return onClose();
    patch.mutate({ id: user.id, body }, { onSuccess: onClose });
  }

  const err = m.error;
  // A taken e-mail answers 409 duplicate with no field: it belongs at the e-mail.
  const dup = err instanceof ApiError && err.code === 'duplicate' ? 'Someone in your organisation already has this e-mail address.' : undefined;
  const messageFor = (key: string): string | undefined => {
    if (key === 'email' && dup) return dup;
    if (key === 'em_since' && tried && needsSince) return 'Required for an engineering manager: the date they became one.';
    return fieldError(err, key);
  };
  const atAField = !!dup || (err instanceof ApiError && Object.keys(err.fields).length > 0);
  const field = (key: string, label: string, input: React.ReactNode, hint?: string, required?: boolean) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>
        {label}
        {required && (
          <>
            {' '}
            <span aria-hidden="true">*</span>
            <span className="visually-hidden">(required)</span>
          </>
        )}
      </label>
      {input}
      {hint && (
        <p className="hint" id={`${id}-${key}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={`${id}-${key}-err`} message={messageFor(key)} />
    </div>
  );
  const described = (key: string, hint?: boolean) =>
    [hint ? `${id}-${key}-hint` : '', messageFor(key) ? `${id}-${key}-err` : ''].filter(Boolean).join(' ') || undefined;
  const invalid = (key: string) => (messageFor(key) ? true : undefined);
  const managers = managerOptions(users, user);
  // After a refused save, focus goes to the first field in error.
  useEffect(() => {
    if (err) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [err]);

  return (
    <Dialog open title={user ? `Edit ${user.name}` : 'Add person'} onClose={onClose}>
      <form ref={form} onSubmit={submit} className="form" noValidate>
        {field(
          'name',
          'Name',
          <input
            id={`${id}-name`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            aria-invalid={invalid('name')}
            aria-describedby={described('name')}
          />,
          undefined,
          true,
        )}
        {field(
          'email',
          'Email',
          <input
            id={`${id}-email`}
            type="email"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              if (dup) m.reset();
            }}
            readOnly={!!user}
            required
            aria-invalid={invalid('email')}
            aria-describedby={described('email', !!user)}
          />,
          user ? 'The e-mail cannot be changed.' : undefined,
          true,
        )}
        <div className="field-row">
          {field(
            'role',
            'Role',
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r.v} value={r.v}>
                  {r.label}
                </option>
              ))}
            </select>,
          )}
          {field(
            'function',
            'Function',
            <select id={`${id}-function`} value={fn} onChange={(e) => setFn(e.target.value as UserFunction)}>
              {FUNCTIONS.map((f) => (
                <option key={f} value={f}>
                  {functionLabel(f)}
                </option>
              ))}
            </select>,
          )}
        </div>
        <div className="field-row">
          {field(
            'manager_id',
            'Reports to',
            <select
              id={`${id}-manager_id`}
              value={manager}
              onChange={(e) => setManager(e.target.value)}
              aria-invalid={invalid('manager_id')}
              aria-describedby={described('manager_id', true)}
            >
              <option value="">No one</option>
              {managers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({roleLabel(u.role)})
                </option>
              ))}
              {/* A current manager the list would not offer stays shown, so saving keeps it. */}
              {manager && !managers.some((u) => u.id === manager) && (
                <option value={manager}>{users.find((u) => u.id === manager)?.name ?? 'Current manager'}</option>
              )}
            </select>,
            'Directors and admins who are active.',
          )}
          {field(
            'em_since',
            'EM since',
            <input
              id={`${id}-em_since`}
              type="date"
              value={emSince}
              required={role === 'em'}
              aria-required={role === 'em' || undefined}
              aria-invalid={invalid('em_since')}
              aria-describedby={described('em_since')}
              onChange={(e) => setEmSince(e.target.value)}
            />,
            undefined,
            role === 'em',
          )}
        </div>
        {!user &&
          field(
            'password',
            'Initial password',
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={`${id}-password-hint`}
            />,
            '10 to 256 characters. Share it with them safely; they can change it after signing in.',
          )}
        {user && role !== user.role && <p className="notice">Changing the role signs {user.name} out everywhere.</p>}
        <ErrorNote error={atAField ? null : err} />
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={m.isPending}>
            {m.isPending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
