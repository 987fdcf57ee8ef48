// An EM asks peers for input about themself (draft or input open).
import { useId, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useCreatePeerRequest, useCycle, useDirectory, usePeerRequests } from '../../api/queries';
import type { Person } from '../../api/types';
import { useMe } from '../../auth/session';
import { Page } from '../../components/Page';
import { Counter, FieldMessage } from '../../components/Form';
import { Empty, ErrorNote, fieldError, QueryState } from '../../components/Status';
import { length, plainMessage } from '../../lib/form';
import { functionLabel } from '../../lib/format';
import { requestSummaryText } from '../../lib/emYear';

const STATUS: Record<string, string> = { open: 'Waiting', answered: 'Answered', declined: 'Declined' };

/** The longest message to a peer the API takes. */
const MESSAGE_MAX = 2000;

export default function Nominate() {
  const id = useId();
  const { cycleId = '' } = useParams();
  const me = useMe();
  const cycle = useCycle(cycleId);
  const [q, setQ] = useState('');
  const [message, setMessage] = useState('');
  const people = useDirectory({ role: 'peer', q: q.trim() || undefined });
  const requests = usePeerRequests();
  const ask = useCreatePeerRequest(cycleId);
  const [done, setDone] = useState('');

  const mine = (requests.data?.items ?? []).filter((r) => r.cycle.id === cycleId && r.requested_by.id === me.id);
  const summary = requests.data?.summary?.find((s) => s.cycle_id === cycleId);
  const asked = new Set(mine.map((r) => r.peer.id));
  const open = cycle.data?.state === 'draft' || cycle.data?.state === 'input_open';

  const rawMsgErr = fieldError(ask.error, 'message');
  const msgErr = rawMsgErr ? plainMessage(rawMsgErr, { field: 'message', what: 'the message' }) : undefined;

  function nominate(p: Person) {
    setDone('');
    ask.mutate(
      { em_id: me.id, peer_id: p.id, ...(message.trim() ? { message: message.trim() } : {}) },
      { onSuccess: () => setDone(`Asked ${p.name}.`) },
    );
  }

  return (
    <Page
      title="Nominate peers"
      lead={
        <>
          {cycle.data && <Link to="/my-cycles">{cycle.data.name}</Link>} · Ask the product, design and operations partners who see
          your work.
        </>
      }
    >
      <section className="card" aria-labelledby={`${id}-asked`}>
        <h2 id={`${id}-asked`}>Who you asked</h2>
        <QueryState query={requests} what="Loading your requests">
          {() =>
            mine.length === 0 ? (
              <Empty>You have not asked anyone yet.</Empty>
            ) : (
              <>
                <ul className="plain-list">
                  {mine.map((r) => (
                    <li key={r.id}>
                      {r.peer.name} <span className="muted">({functionLabel(r.peer.function)})</span>
                      {r.status && <span className={`badge req-${r.status}`}>{STATUS[r.status]}</span>}
                    </li>
                  ))}
                </ul>
                {summary && !mine.some((r) => r.status) && (
                  <p className="muted">
                    {summary.answered} of {summary.requested} answered. In this cycle notes are not attributed by name, so who answered
                    is not shown.
                  </p>
                )}
              </>
            )
          }
        </QueryState>
        {/* Input the director asked for counts too: the EM learns how much, never from whom. */}
        {summary && summary.asked_in_total > summary.requested && <p className="muted">{requestSummaryText(summary)}</p>}
      </section>

      {open ? (
        <section className="card" aria-labelledby={`${id}-find`}>
          <h2 id={`${id}-find`}>Ask a peer</h2>
          <div className="field">
            <label htmlFor={`${id}-q`}>Search peers</label>
            <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or e-mail" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-msg`}>Message to the peer (optional)</label>
            <textarea
              id={`${id}-msg`}
              rows={2}
              maxLength={MESSAGE_MAX}
              value={message}
              onChange={(e) => {
                setMessage(e.target.value);
                if (msgErr) ask.reset();
              }}
              aria-invalid={msgErr ? true : undefined}
              aria-describedby={`${id}-msg-count${msgErr ? ` ${id}-msg-err` : ''}`}
            />
            <Counter id={`${id}-msg-count`} n={length(message)} max={MESSAGE_MAX} />
            <FieldMessage id={`${id}-msg-err`} message={msgErr} />
          </div>
          {!msgErr && <ErrorNote error={ask.error} />}
          <p role="status">{done}</p>
          <QueryState query={people} what="Searching">
            {(page) =>
              page.items.length === 0 ? (
                <Empty>No peer matches “{q}”.</Empty>
              ) : (
                <ul className="plain-list people-results">
                  {page.items.map((p) => (
                    <li key={p.id}>
                      <span>
                        {p.name} <span className="muted">({functionLabel(p.function)})</span>
                      </span>
                      <button
                        type="button"
                        className="secondary small"
                        disabled={asked.has(p.id) || ask.isPending}
                        onClick={() => nominate(p)}
                        aria-label={asked.has(p.id) ? `${p.name} already asked` : `Ask ${p.name}`}
                      >
                        {asked.has(p.id) ? 'Asked' : 'Ask'}
                      </button>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryState>
        </section>
      ) : (
        cycle.data && <p className="notice">Peers can be asked while the cycle is a draft or input is open.</p>
      )}
    </Page>
  );
}
