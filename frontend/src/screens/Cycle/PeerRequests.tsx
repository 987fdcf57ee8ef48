// The peer requests of a cycle: who was asked about whom, the status, a
// re-send, and a form to ask someone (owners, while draft or input open).
import { useId, useState } from 'react';
import { ApiError } from '../../api/client';
import { useCreatePeerRequest, useDirectory, usePeerRequests, useRemind } from '../../api/queries';
import type { Cycle, PeerRequest } from '../../api/types';
import { ErrorSummary, Field, summaryItems, useForm } from '../../components/Form';
import { Empty, ErrorNote, QueryState } from '../../components/Status';
import { maxLength, required, type Rules, type ServerField } from '../../lib/form';
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

interface AskValues {
  emId: string;
  peerId: string;
  message: string;
}

const MESSAGE_MAX = 2000;

const ASK_RULES: Rules<AskValues> = {
  emId: [required('Choose whom the input is about')],
  peerId: [required('Choose the person to ask')],
  message: [maxLength(MESSAGE_MAX, 'the message')],
};

const ASK_SERVER: Record<string, ServerField> = {
  em_id: { field: 'emId', what: 'whom the input is about', choose: 'Choose whom the input is about' },
  peer_id: { field: 'peerId', what: 'the person to ask', choose: 'Choose the person to ask' },
  message: { field: 'message', what: 'the message' },
};

function AskForm({ cycle }: { cycle: Cycle }) {
  const id = useId();
  const form = useForm<AskValues>({ emId: cycle.participants[0]?.id ?? '', peerId: '', message: '' }, ASK_RULES, ASK_SERVER);
  const { emId, peerId, message } = form.values;
  const [q, setQ] = useState('');
  const people = useDirectory({ q: q.trim() || undefined });
  const ask = useCreatePeerRequest(cycle.id);
  const [done, setDone] = useState('');

  const submit = form.submit((v) => {
    setDone('');
    ask.mutate(
      { em_id: v.emId, peer_id: v.peerId, ...(v.message.trim() ? { message: v.message.trim() } : {}) },
      {
        onSuccess: (r) => {
          setDone(`Asked ${r.peer.name} about ${r.em.name}.`);
          form.reset({ ...v, peerId: '', message: '' });
        },
        onError: (err) => form.fail(err),
      },
    );
  });

  const candidates = (people.data?.items ?? []).filter((p) => p.id !== emId && p.role !== 'admin');
  return (
    <form onSubmit={submit} className="form inline-form" aria-labelledby={`${id}-h`} noValidate>
      <h3 id={`${id}-h`}>Ask for input</h3>
      <ErrorSummary items={summaryItems(form, ['emId', 'peerId', 'message'])} other={form.rest} focusKey={form.focusKey} />
      <div className="field-row">
        <Field form={form} name="emId" label="About" required>
          {(p) => (
            <select {...p} value={emId} onChange={(e) => form.set('emId', e.target.value)}>
              {cycle.participants.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <label htmlFor={`${id}-q`}>Find a person</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or e-mail" />
        </div>
        <Field form={form} name="peerId" label="Person to ask" required>
          {(p) => (
            <select {...p} value={peerId} onChange={(e) => form.set('peerId', e.target.value)}>
              <option value="">Choose…</option>
              {candidates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name} ({functionLabel(x.function)})
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field form={form} name="message" label="Message (optional)" max={MESSAGE_MAX}>
        {(p) => <textarea {...p} rows={2} value={message} onChange={(e) => form.set('message', e.target.value)} />}
      </Field>
      {!(ask.error instanceof ApiError && Object.keys(ask.error.fields).length > 0) && <ErrorNote error={ask.error} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={ask.isPending}>
          Send request
        </button>
        <span role="status">{done}</span>
      </div>
    </form>
  );
}
