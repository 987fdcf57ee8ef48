// The peer requests of a cycle: who was asked about whom, the status, a
// re-send, and a form to ask someone (owners, while draft or input open).
import { useId, useState, type FormEvent } from 'react';
import { useCreatePeerRequest, useDirectory, usePeerRequests, useRemind } from '../../api/queries';
import type { Cycle, PeerRequest } from '../../api/types';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate, functionLabel } from '../../lib/format';

const STATUS: Record<string, string> = { open: 'Waiting', answered: 'Answered', declined: 'Declined' };

export function PeerRequests({ cycle, canAsk }: { cycle: Cycle; canAsk: boolean }) {
  const requests = usePeerRequests();
  const remind = useRemind();
  const [resent, setResent] = useState<{ id: string; error?: unknown; ok?: boolean } | null>(null);

  // Re-sending nudges the peer again (a declined request opens again).
  function resend(r: PeerRequest) {
    setResent({ id: r.id });
    remind.mutate(r.id, {
      onSuccess: () => setResent({ id: r.id, ok: true }),
      onError: (error) => setResent({ id: r.id, error }),
    });
  }

  return (
    <section className="card" aria-labelledby="requests-h">
      <h2 id="requests-h">Peer requests</h2>
      <QueryState query={requests} what="Loading peer requests">
        {(page) => {
          const mine = page.items.filter((r) => r.cycle.id === cycle.id);
          return mine.length === 0 ? (
            <Empty>No one has been asked for input in this cycle yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Peer requests of {cycle.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">About</th>
                    <th scope="col">Asked</th>
                    <th scope="col">Asked by</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Status</th>
                    {canAsk && <th scope="col">Re-send</th>}
                  </tr>
                </thead>
                <tbody>
                  {mine.map((r) => (
                    <tr key={r.id}>
                      <td>{r.em.name}</td>
                      <td>
                        {r.peer.name} <span className="muted">({functionLabel(r.peer.function)})</span>
                      </td>
                      <td>{r.requested_by.name}</td>
                      <td>{formatDate(r.created_at)}</td>
                      <td>
                        <span className={`badge req-${r.status ?? 'hidden'}`}>{r.status ? STATUS[r.status] : 'Hidden'}</span>
                      </td>
                      {canAsk && (
                        <td>
                          {r.status !== 'answered' && (
                            <button
                              type="button"
                              className="secondary small"
                              onClick={() => resend(r)}
                              disabled={remind.isPending && resent?.id === r.id}
                              aria-label={`Re-send the request to ${r.peer.name} about ${r.em.name}`}
                            >
                              Re-send
                            </button>
                          )}
                          {resent?.id === r.id && resent.ok && <span role="status"> Sent.</span>}
                          {resent?.id === r.id && resent.error !== undefined && <ErrorNote error={resent.error} />}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryState>
      {canAsk && <AskForm cycle={cycle} />}
    </section>
  );
}

function AskForm({ cycle }: { cycle: Cycle }) {
  const id = useId();
  const [emId, setEmId] = useState(cycle.participants[0]?.id ?? '');
  const [q, setQ] = useState('');
  const [peerId, setPeerId] = useState('');
  const [message, setMessage] = useState('');
  const people = useDirectory({ q: q.trim() || undefined });
  const ask = useCreatePeerRequest(cycle.id);
  const [done, setDone] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    setDone('');
    ask.mutate(
      { em_id: emId, peer_id: peerId, ...(message.trim() ? { message: message.trim() } : {}) },
      {
        onSuccess: (r) => {
          setDone(`Asked ${r.peer.name} about ${r.em.name}.`);
          setPeerId('');
          setMessage('');
        },
      },
    );
  }

  const candidates = (people.data?.items ?? []).filter((p) => p.id !== emId && p.role !== 'admin');
  return (
    <form onSubmit={submit} className="form inline-form" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Ask for input</h3>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-em`}>About</label>
          <select id={`${id}-em`} value={emId} onChange={(e) => setEmId(e.target.value)}>
            {cycle.participants.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-em-err`} message={fieldError(ask.error, 'em_id')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-q`}>Find a person</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or e-mail" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-peer`}>Person to ask</label>
          <select id={`${id}-peer`} value={peerId} onChange={(e) => setPeerId(e.target.value)} required>
            <option value="">Choose…</option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({functionLabel(p.function)})
              </option>
            ))}
          </select>
          <FieldError id={`${id}-peer-err`} message={fieldError(ask.error, 'peer_id')} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-msg`}>Message (optional)</label>
        <textarea id={`${id}-msg`} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
        <FieldError id={`${id}-msg-err`} message={fieldError(ask.error, 'message')} />
      </div>
      <ErrorNote error={ask.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={ask.isPending || !peerId}>
          Send request
        </button>
        <span role="status">{done}</span>
      </div>
    </form>
  );
}
