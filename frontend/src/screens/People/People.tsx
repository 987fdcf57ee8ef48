// Admin: the organisation's people and reporting lines. Create, edit,
// deactivate and reactivate, or import them from a spreadsheet.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useCreateUser, usePatchUser, useUsers } from '../../api/queries';
import type { PatchUserRequest, Role, User, UserFunction } from '../../api/types';
import { useMe } from '../../auth/session';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate, functionLabel } from '../../lib/format';
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
  const users = useUsers();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);
  const [importing, setImporting] = useState(false);
  const patch = usePatchUser();

  const byId = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const shown = (users.data ?? []).filter(
    (u) =>
      (!role || u.role === role) &&
      (!q.trim() || `${u.name} ${u.email}`.toLowerCase().includes(q.trim().toLowerCase())),
  );

  return (
    <Page
      title="People"
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
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
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
      </div>
      <ErrorNote error={patch.error && !toggling ? patch.error : null} />
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
      {editing && <UserForm key={editing === 'new' ? 'new' : editing.id} user={editing === 'new' ? null : editing} users={users.data ?? []} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={toggling !== null}
        title={toggling ? `${toggling.active ? 'Deactivate' : 'Reactivate'} ${toggling.name}?` : ''}
        confirmLabel={toggling?.active ? 'Deactivate' : 'Reactivate'}
        danger={toggling?.active}
        busy={patch.isPending}
        error={patch.error}
        onCancel={() => {
          setToggling(null);
          patch.reset();
        }}
        onConfirm={() =>
          toggling && patch.mutate({ id: toggling.id, body: { active: !toggling.active } }, { onSuccess: () => setToggling(null) })
        }
      >
        <p>
          {toggling?.active
            ? 'They are signed out everywhere at once, cannot sign in, and leave the directory. Their records stay.'
            : 'They can sign in again and appear in the directory.'}
        </p>
      </ConfirmDialog>
    </Page>
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

  function submit(e: FormEvent) {
    e.preventDefault();
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
  const field = (key: string, label: string, input: React.ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {input}
      {hint && (
        <p className="hint" id={`${id}-${key}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={`${id}-${key}-err`} message={fieldError(err, key)} />
    </div>
  );
  const managers = users.filter((u) => u.active && u.id !== user?.id && (u.role === 'director' || u.role === 'em' || u.role === 'admin'));

  return (
    <Dialog open title={user ? `Edit ${user.name}` : 'Add person'} onClose={onClose}>
      <form onSubmit={submit} className="form" noValidate>
        {field('name', 'Name', <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required />)}
        {field(
          'email',
          'Email',
          <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} readOnly={!!user} required />,
          user ? 'The e-mail cannot be changed.' : undefined,
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
            <select id={`${id}-manager_id`} value={manager} onChange={(e) => setManager(e.target.value)}>
              <option value="">No one</option>
              {managers.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({roleLabel(u.role)})
                </option>
              ))}
            </select>,
          )}
          {field('em_since', 'EM since', <input id={`${id}-em_since`} type="date" value={emSince} onChange={(e) => setEmSince(e.target.value)} />)}
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
        <ErrorNote error={err} />
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
