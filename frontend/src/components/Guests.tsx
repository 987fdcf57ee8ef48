// A cycle's or a roll-up's guests: peers and directors who may read its
// board, until a last day. Its owners (a roll-up's lead) list, add and
// remove them; others see the list only. EMs are never offered.
import { useId, useState, type FormEvent } from 'react';
import { useAddGuest, useDirectory, useGuests, useRemoveGuest } from '../api/queries';
import type { GuestHost } from '../api/rollupTypes';
import { formatDate, functionLabel } from '../lib/format';
import { localToday } from '../screens/CycleCreate/check';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from './Status';

const ROLE_WORDS: Record<string, string> = { peer: 'Peer', director: 'Director', admin: 'Admin', em: 'EM' };

export function GuestsPanel({ host, canManage, hostName }: { host: GuestHost; canManage: boolean; hostName: string }) {
  const id = useId();
  const guests = useGuests(host);
  const peers = useDirectory({ role: 'peer' }, canManage);
  const directors = useDirectory({ role: 'director' }, canManage);
  const add = useAddGuest(host);
  const remove = useRemoveGuest(host);
  const [userId, setUserId] = useState('');
  const [until, setUntil] = useState('');
  const [problem, setProblem] = useState<{ user?: string; until?: string }>({});
  const [done, setDone] = useState('');

  const present = new Set((guests.data ?? []).map((g) => g.user.id));
  const candidates = [...(directors.data?.items ?? []), ...(peers.data?.items ?? [])].filter((p) => !present.has(p.id));

  function submit(e: FormEvent) {
    e.preventDefault();
    const today = localToday();
    const p: typeof problem = {};
    if (!userId) p.user = 'Choose a person.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until)) p.until = 'Enter the last day: day, month and year.';
    else if (until < today) p.until = 'The last day cannot be in the past.';
    setProblem(p);
    setDone('');
    if (Object.keys(p).length > 0) return;
    const who = candidates.find((c) => c.id === userId)?.name ?? 'The guest';
    add.mutate(
      { user_id: userId, until },
      {
        onSuccess: () => {
          setUserId('');
          setUntil('');
          setDone(`${who} added as a guest until ${formatDate(until)}.`);
        },
      },
    );
  }

  return (
    <section className="card guests" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Guests</h2>
      <p className="muted">Guests read the board of {hostName} until their last day; they cannot change anything.</p>
      <QueryState query={guests} what="Loading guests">
        {(list) =>
          list.length === 0 ? (
            <Empty>No guests.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="compact">
                <caption className="visually-hidden">Guests of {hostName}</caption>
                <thead>
                  <tr>
                    <th scope="col">Guest</th>
                    <th scope="col">Role</th>
                    <th scope="col">Last day</th>
                    <th scope="col">Added by</th>
                    {canManage && <th scope="col">Remove</th>}
                  </tr>
                </thead>
                <tbody>
                  {/* The latest invitation first, as every list. */}
                  {[...list].reverse().map((g) => (
                    <tr key={g.user.id}>
                      <th scope="row">{g.user.name}</th>
                      <td>
                        {ROLE_WORDS[g.role] ?? g.role}
                        {g.role === 'peer' && <>, {functionLabel(g.function).toLowerCase()}</>}
                      </td>
                      <td>{formatDate(g.until)}</td>
                      <td>{g.added_by.name}</td>
                      {canManage && (
                        <td>
                          <button
                            type="button"
                            className="secondary small"
                            disabled={remove.isPending}
                            onClick={() => remove.mutate(g.user.id, { onSuccess: () => setDone(`${g.user.name} is no longer a guest.`) })}
                          >
                            Remove<span className="visually-hidden"> {g.user.name}</span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
      <ErrorNote error={remove.error} />
      {canManage && (
        <form className="form guest-form" onSubmit={submit} noValidate aria-labelledby={`${id}-add-h`}>
          <h3 id={`${id}-add-h`}>Add a guest</h3>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-who`}>Person</label>
              <select
                id={`${id}-who`}
                value={userId}
                onChange={(e) => setUserId(e.target.value)}
                aria-invalid={problem.user || fieldError(add.error, 'user_id') ? true : undefined}
                aria-describedby={`${id}-who-err`}
              >
                <option value="">Choose a director or peer</option>
                {candidates.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({ROLE_WORDS[p.role] ?? p.role}
                    {p.role === 'peer' ? `, ${functionLabel(p.function).toLowerCase()}` : ''})
                  </option>
                ))}
              </select>
              <FieldError id={`${id}-who-err`} message={problem.user ?? fieldError(add.error, 'user_id')} />
            </div>
            <div className="field narrow">
              <label htmlFor={`${id}-until`}>Last day</label>
              <input
                id={`${id}-until`}
                type="date"
                min={localToday()}
                value={until}
                onChange={(e) => setUntil(e.target.value)}
                aria-invalid={problem.until || fieldError(add.error, 'until') ? true : undefined}
                aria-describedby={`${id}-until-err`}
              />
              <FieldError id={`${id}-until-err`} message={problem.until ?? fieldError(add.error, 'until')} />
            </div>
          </div>
          <ErrorNote error={add.error} />
          <div className="form-actions">
            <button type="submit" className="secondary" aria-disabled={add.isPending || undefined}>
              {add.isPending ? 'Adding…' : 'Add guest'}
            </button>
            <span role="status">{done}</span>
          </div>
        </form>
      )}
    </section>
  );
}
