// A peer's inbox: the requests addressed to them, with the due dates.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useDecline, usePeerRequests } from '../../api/queries';
import type { PeerRequest } from '../../api/types';
import { useMe } from '../../auth/session';
import { ConfirmDialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { Empty, QueryState } from '../../components/Status';
import { DECLINE_GONE } from '../../lib/form';
import { formatDate, noteAttribution, requestDue } from '../../lib/format';

const STATUS: Record<string, string> = { open: 'To write', answered: 'Written', declined: 'Declined' };

export default function Inbox() {
  const me = useMe();
  const requests = usePeerRequests();
  const decline = useDecline();
  const [declining, setDeclining] = useState<PeerRequest | null>(null);
  return (
    <Page title="Inbox" lead="Engineering managers' directors and the EMs themselves ask for your view of their work.">
      <QueryState query={requests} what="Loading your requests">
        {(page) => {
          const mine = page.items.filter((r) => r.peer.id === me.id);
          const open = mine.filter((r) => r.status === 'open');
          const rest = mine.filter((r) => r.status !== 'open');
          return mine.length === 0 ? (
            <Empty>Nobody has asked you for input yet.</Empty>
          ) : (
            <>
              <h2>Waiting for you ({open.length})</h2>
              {open.length === 0 ? <Empty>Nothing is waiting. Thank you!</Empty> : <RequestList items={open} onDecline={setDeclining} />}
              {rest.length > 0 && (
                <>
                  <h2>Answered and declined</h2>
                  <RequestList items={rest} onDecline={setDeclining} />
                </>
              )}
            </>
          );
        }}
      </QueryState>
      <ConfirmDialog
        open={declining !== null}
        title={declining ? `Decline the request about ${declining.em.name}?` : 'Decline'}
        confirmLabel="Decline"
        danger
        busy={decline.isPending}
        error={decline.error}
        onCancel={() => {
          setDeclining(null);
          decline.reset();
        }}
        onConfirm={() => declining && decline.mutate(declining.id, { onSuccess: () => setDeclining(null) })}
      >
        <p>{declining?.requested_by.name} will see that you declined. You cannot write a note for this request afterwards.</p>
      </ConfirmDialog>
    </Page>
  );
}

function RequestList({ items, onDecline }: { items: PeerRequest[]; onDecline: (r: PeerRequest) => void }) {
  return (
    <ul className="card-list">
      {items.map((r) => {
        // Notes are written from the moment input opens: the attribution
        // they are released with is fixed then.
        const notOpenYet = r.cycle.state === 'draft';
        const editable = r.status !== 'declined' && !notOpenYet && r.cycle.state !== 'finalized' && r.cycle.state !== 'released';
        // Overdue only for a request still waiting, while input is open:
        // a written note is never late, and once calibration starts a late
        // note is still welcome but the date has passed for everyone.
        const due = requestDue(r);
        return (
          <li key={r.id} className="card request">
            <div className="card-head">
              <h3>{r.em.name}</h3>
              <span className={`badge req-${r.status ?? 'hidden'}`}>{r.status ? STATUS[r.status] : ''}</span>
              <span className={due.overdue ? 'due overdue' : 'due muted'}>{due.text}</span>
            </div>
            <p className="muted">
              {r.cycle.name} · asked by {r.requested_by.name} on {formatDate(r.created_at)}
            </p>
            {r.message && <blockquote>{r.message}</blockquote>}
            {r.status !== 'declined' && !notOpenYet && (
              <p className="muted small-text">
                {r.em.name} will read your note {noteAttribution(r.cycle.peer_attribution, r.peer.function)}.
              </p>
            )}
            {notOpenYet && r.status === 'open' && (
              <div className="button-row">
                <p className="muted">Input is not open yet: you can write your note once it opens.</p>
                <button type="button" className="secondary" onClick={() => onDecline(r)} aria-label={`Decline the request about ${r.em.name}`}>
                  Decline
                </button>
              </div>
            )}
            {editable && (
              <div className="button-row">
                <Link className="button primary" to={`/inbox/${r.id}`} aria-label={`${r.note ? 'Edit note' : 'Write note'} about ${r.em.name}`}>
                  {r.note ? 'Edit note' : 'Write note'}
                </Link>
                {r.status === 'open' && (
                  <button type="button" className="secondary" onClick={() => onDecline(r)} aria-label={`Decline the request about ${r.em.name}`}>
                    Decline
                  </button>
                )}
                {r.note && r.status !== 'open' && <p className="muted small-text">{DECLINE_GONE}</p>}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
