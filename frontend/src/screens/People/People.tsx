// Admin: the organisation's people and reporting lines. Create, edit,
// deactivate and reactivate, or import them from a spreadsheet.
import { useId, useMemo, useState } from 'react';
import { useCreateUser, usePatchUser, useUsers } from '../../api/queries';
import type { PatchUserRequest, Role, User, UserFunction } from '../../api/types';
import { useMe } from '../../auth/session';
import { Dialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { ErrorSummary, Field, summaryItems, useForm } from '../../components/Form';
import { Empty, ErrorNote, QueryState } from '../../components/Status';
import { required } from '../../lib/form';
import { formatDate, functionLabel } from '../../lib/format';
import {
  activeReports,
  bulkSummary,
  filterPeople,
  managerOptions,
  PERSON_BY_CODE,
  PERSON_SERVER,
  personRules,
  reasonOf,
  reassignOptions,
  reportIdsOf,
  reportsToMove,
  type BulkFailure,
  type PersonValues,
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
  const patch = usePatchUser();
  const deactivate = person.active;
  const reports = deactivate ? activeReports(users, person.id) : [];
  const n = reports.length;
  const options = reassignOptions(users, person);
  const form = useForm<{ to: string }>({ to: '' }, n > 0 ? { to: [required('Choose who they will report to')] } : {}, {
    reassign_to: { field: 'to', what: 'the director they will report to', choose: 'Choose who they will report to' },
  });
  const [atField, setAtField] = useState(false);

  const confirm = form.submit(({ to }) => {
    const body: PatchUserRequest = { active: !person.active };
    if (n > 0) body.reassign_to = to;
    patch.mutate({ id: person.id, body }, { onSuccess: onClose, onError: (err) => setAtField(form.fail(err)) });
  });

  return (
    <Dialog open title={`${deactivate ? 'Deactivate' : 'Reactivate'} ${person.name}?`} onClose={onClose}>
      <form onSubmit={confirm} className="form" noValidate>
        <div className="dialog-body">
          <ErrorSummary items={summaryItems(form, ['to'])} other={form.rest} focusKey={form.focusKey} />
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
              <Field form={form} name="to" label="Move their reports to" required>
                {(p) => <DirectorSelect {...p} directors={options} value={form.values.to} onChoose={(v) => form.set('to', v)} />}
              </Field>
            </>
          )}
        </div>
        <ErrorNote error={atField ? null : patch.error} />
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

interface BulkValues {
  what: 'manager' | 'role';
  manager: string;
  role: Role;
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
  const patch = usePatchUser();
  const form = useForm<BulkValues>({ what: 'manager', manager: '', role: 'em' }, (v) => ({
    manager: v.what === 'manager' ? [required('Choose who they will report to')] : [],
  }));
  const [busy, setBusy] = useState(false);
  const managers = managerOptions(users);
  const { what, manager, role } = form.values;

  const apply = form.submit(async () => {
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
  });
  const n = people.length;

  return (
    <form className="people-bulk" onSubmit={apply} aria-label="Change the selected people" noValidate>
      <ErrorSummary items={summaryItems(form, ['manager'])} focusKey={form.focusKey} />
      <p>
        <strong>{n === 1 ? '1 person selected' : `${n} people selected`}</strong>
      </p>
      <div className="field compact-field">
        <label htmlFor={form.idOf('what')}>Change</label>
        <select id={form.idOf('what')} value={what} onChange={(e) => form.set('what', e.target.value as BulkValues['what'])}>
          <option value="manager">Reporting line</option>
          <option value="role">Role</option>
        </select>
      </div>
      {what === 'manager' ? (
        <div className="compact-field">
          <Field form={form} name="manager" label="New manager" required>
            {(p) => (
              <select {...p} value={manager} onChange={(e) => form.set('manager', e.target.value)}>
                <option value="">Choose a director…</option>
                {managers.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} ({roleLabel(u.role)})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      ) : (
        <div className="field compact-field">
          <label htmlFor={form.idOf('role')}>New role</label>
          <select id={form.idOf('role')} value={role} onChange={(e) => form.set('role', e.target.value as Role)}>
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

/** The choice of the director someone's reports move to. */
function DirectorSelect({
  directors,
  onChoose,
  ...props
}: { directors: User[]; value: string; onChoose: (id: string) => void } & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'onChange'>) {
  return (
    <select {...props} onChange={(e) => onChoose(e.target.value)}>
      <option value="">Choose a director…</option>
      {directors.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
        </option>
      ))}
    </select>
  );
}

function UserForm({ user, users, onClose }: { user: User | null; users: User[]; onClose: () => void }) {
  const create = useCreateUser();
  const patch = usePatchUser();
  const m = user ? patch : create;
  // Reports a 409 has_reports named that the list did not show yet.
  const [named, setNamed] = useState<string[]>([]);
  const moving = (role: Role) => reportsToMove(users, user, role, named);
  const form = useForm<PersonValues>(
    () => ({
      name: user?.name ?? '',
      email: user?.email ?? '',
      role: user?.role ?? 'em',
      function: user?.function ?? 'engineering',
      manager_id: user?.manager_id ?? '',
      em_since: user?.em_since ?? '',
      password: '',
      reassign_to: '',
    }),
    (v) => personRules(v, { creating: !user, moving: moving(v.role).length > 0 }),
    PERSON_SERVER,
  );
  const [atField, setAtField] = useState(false);
  const v = form.values;
  const move = moving(v.role);
  const byId = new Map(users.map((u) => [u.id, u]));

  const onError = (err: unknown) => {
    const ids = reportIdsOf(err);
    if (ids.length) setNamed(ids);
    setAtField(form.fail(err, PERSON_BY_CODE));
  };
  const submit = form.submit((v) => {
    if (!user) {
      create.mutate(
        {
          name: v.name.trim(),
          email: v.email.trim(),
          role: v.role,
          function: v.function,
          manager_id: v.manager_id || null,
          em_since: v.em_since || null,
          password: v.password,
        },
        { onSuccess: onClose, onError },
      );
      return;
    }
    const body: PatchUserRequest = {};
    if (v.name.trim() !== user.name) body.name = v.name.trim();
    if (v.role !== user.role) body.role = v.role;
    if (v.function !== user.function) body.function = v.function;
    if ((v.manager_id || null) !== user.manager_id) body.manager_id = v.manager_id || null;
    if ((v.em_since || null) !== user.em_since) body.em_since = v.em_since || null;
    if (move.length > 0) body.reassign_to = v.reassign_to;
    if (Object.keys(body).length === 0) return onClose();
    patch.mutate({ id: user.id, body }, { onSuccess: onClose, onError });
  });

  const managers = managerOptions(users, user);
  const options = user ? reassignOptions(users, user) : [];
  const order: (keyof PersonValues & string)[] = ['name', 'email', 'role', 'function', 'manager_id', 'em_since', 'password', 'reassign_to'];

  return (
    <Dialog open title={user ? `Edit ${user.name}` : 'Add person'} onClose={onClose}>
      <form onSubmit={submit} className="form" noValidate>
        <ErrorSummary items={summaryItems(form, order)} other={form.rest} focusKey={form.focusKey} />
        <Field form={form} name="name" label="Name" required>
          {(p) => <input {...p} maxLength={200} value={v.name} onChange={(e) => form.set('name', e.target.value)} />}
        </Field>
        <Field form={form} name="email" label="Email" required hint={user ? 'The e-mail cannot be changed.' : undefined}>
          {(p) => (
            <input {...p} type="email" maxLength={254} value={v.email} readOnly={!!user} onChange={(e) => form.set('email', e.target.value)} />
          )}
        </Field>
        <div className="field-row">
          <Field form={form} name="role" label="Role">
            {(p) => (
              <select {...p} value={v.role} onChange={(e) => form.set('role', e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r.v} value={r.v}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field form={form} name="function" label="Function">
            {(p) => (
              <select {...p} value={v.function} onChange={(e) => form.set('function', e.target.value as UserFunction)}>
                {FUNCTIONS.map((f) => (
                  <option key={f} value={f}>
                    {functionLabel(f)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="field-row">
          <Field form={form} name="manager_id" label="Reports to" hint="Directors and admins who are active.">
            {(p) => (
              <select {...p} value={v.manager_id} onChange={(e) => form.set('manager_id', e.target.value)}>
                <option value="">No one</option>
                {managers.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} ({roleLabel(u.role)})
                  </option>
                ))}
                {/* A current manager the list would not offer stays shown, so saving keeps it. */}
                {v.manager_id && !managers.some((u) => u.id === v.manager_id) && (
                  <option value={v.manager_id}>{byId.get(v.manager_id)?.name ?? 'Current manager'}</option>
                )}
              </select>
            )}
          </Field>
          <Field form={form} name="em_since" label="EM since" required={v.role === 'em'}>
            {(p) => <input {...p} type="date" value={v.em_since} onChange={(e) => form.set('em_since', e.target.value)} />}
          </Field>
        </div>
        {!user && (
          <Field
            form={form}
            name="password"
            label="Initial password"
            required
            hint="10 to 256 characters. Share it with them safely; they can change it after signing in."
          >
            {(p) => (
              <input {...p} type="password" autoComplete="new-password" maxLength={256} value={v.password} onChange={(e) => form.set('password', e.target.value)} />
            )}
          </Field>
        )}
        {user && move.length > 0 && (
          <>
            <p className="notice">
              <strong>
                {move.length === 1 ? '1 person reports' : `${move.length} people report`} to {user.name}
              </strong>
              : {move.map((rid) => byId.get(rid)?.name ?? 'someone not listed yet').join(', ')}. As {v.role === 'peer' ? 'a peer' : 'an engineering manager'} they can no longer manage anyone: choose the director their reports move to.
            </p>
            <Field form={form} name="reassign_to" label="Their reports move to" required>
              {(p) => <DirectorSelect {...p} directors={options} value={v.reassign_to} onChoose={(id) => form.set('reassign_to', id)} />}
            </Field>
          </>
        )}
        {user && v.role !== user.role && <p className="notice">Changing the role signs {user.name} out everywhere.</p>}
        <ErrorNote error={atField ? null : m.error} />
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={m.isPending}>
            {m.isPending ? 'Saving…' : move.length > 0 ? `Save and move ${move.length === 1 ? '1 person' : `${move.length} people`}` : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
