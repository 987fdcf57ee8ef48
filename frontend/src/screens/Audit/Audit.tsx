// Admin: the organisation's audit log, newest first, filtered by cycle,
// actor, action and dates, each change read as "field: old → new"; the
// same entries download as one CSV file.
import { useId, useMemo, useState } from 'react';
import { useAudit, useCycles, useDownload, useUsers } from '../../api/queries';
import type { AuditEntry, AuditQuery } from '../../api/types';
import { Page } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { Empty, ErrorNote, QueryState } from '../../components/Status';
import { actionLabel, auditDiff, AUDIT_ACTIONS, dayBounds } from '../../lib/auditDiff';
import { saveBlob } from '../../lib/download';


export default function Audit() {
  const id = useId();
  const [cycle, setCycle] = useState('');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const users = useUsers();
  const cycles = useCycles();
  const download = useDownload();
  const badRange = !!from && !!to && from > to;
  const query: AuditQuery = useMemo(() => {
    const q: AuditQuery = { ...(badRange ? {} : dayBounds(from, to)) };
    if (cycle) q.cycle_id = cycle;
    if (actor) q.actor_id = actor;
    if (action) q.action = action;
    return q;
  }, [cycle, actor, action, from, to, badRange]);
  const audit = useAudit(query);

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const u of users.data ?? []) m.set(u.id, u.name);
    for (const c of cycles.data ?? []) m.set(c.id, c.name);
    return m;
  }, [users.data, cycles.data]);
  const nameOf = (v: string) => names.get(v);
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(cycle || actor || action || from || to);

  return (
    <Page
      title="Audit"
      wide
      lead="Every change in your organisation: who made it, when, and what it changed. Newest first."
      actions={
        <button
          type="button"
          className="secondary"
          disabled={download.isPending || badRange}
          onClick={() => download.mutate({ audit: query }, { onSuccess: (d) => saveBlob(d.blob, d.filename) })}
        >
          {download.isPending ? 'Preparing…' : 'Export CSV'}
        </button>
      }
    >
      <form className="toolbar audit-filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div className="field compact-field">
          <label htmlFor={`${id}-cycle`}>Cycle</label>
          <select id={`${id}-cycle`} value={cycle} onChange={(e) => setCycle(e.target.value)}>
            <option value="">All cycles</option>
            {(cycles.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-actor`}>Changed by</label>
          <select id={`${id}-actor`} value={actor} onChange={(e) => setActor(e.target.value)}>
            <option value="">Anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-action`}>Action</label>
          <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={to}
            min={from || undefined}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={badRange || undefined}
            aria-describedby={badRange ? `${id}-to-err` : undefined}
          />
          {badRange && (
            <p className="field-error" id={`${id}-to-err`}>
              The end date is before the start date.
            </p>
          )}
        </div>
        {filtered && (
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              setCycle('');
              setActor('');
              setAction('');
              setFrom('');
              setTo('');
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      <ErrorNote error={download.error} title="The export failed." />
      <QueryState query={audit} what="Loading the audit log">
        {() =>
          entries.length === 0 ? (
            <Empty>{filtered ? 'No change matches these filters.' : 'Nothing has been recorded yet.'}</Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table className="audit-table">
                  <caption className="visually-hidden">Audit log, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">What</th>
                      <th scope="col">Changes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((it) => (
                      <AuditRow key={it.id} entry={it} nameOf={nameOf} />
                    ))}
                  </tbody>
                </table>
              </div>
              {audit.hasNextPage && (
                <button type="button" className="secondary" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
                  {audit.isFetchingNextPage ? 'Loading…' : 'Show older changes'}
                </button>
              )}
            </>
          )
        }
      </QueryState>
    </Page>
  );
}

function AuditRow({ entry, nameOf }: { entry: AuditEntry; nameOf: (id: string) => string | undefined }) {
  const changes = auditDiff(entry.before, entry.after, nameOf);
  const via = (entry.after as { via?: { token_name?: string } } | null)?.via;
  const who = entry.actor_id ? (nameOf(entry.actor_id) ?? 'Someone no longer listed') : via ? `Provisioning (${via.token_name ?? 'token'})` : 'System';
  const subject = entry.object_type === 'user' || entry.object_type === 'cycle' ? nameOf(entry.object_id) : undefined;
  return (
    <tr>
      <td className="nowrap">
        <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
      </td>
      <td>{who}</td>
      <td>
        {actionLabel(entry.action)}
        {subject && <div className="muted small-text">{subject}</div>}
        {entry.cycle_id && entry.object_type !== 'cycle' && nameOf(entry.cycle_id) && (
          <div className="muted small-text">in {nameOf(entry.cycle_id)}</div>
        )}
      </td>
      <td>
        {changes.length === 0 ? (
          <span className="muted">No field changed</span>
        ) : (
          <ul className="audit-diff">
            {changes.map((c) => (
              <li key={c.field}>
                <span className="audit-field">{c.label}:</span> <del>{c.from}</del> → <ins>{c.to}</ins>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
