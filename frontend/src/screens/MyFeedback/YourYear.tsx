// The EM's year at a glance, on their home: what is open now and what they
// can do, when results are expected and what happens next; then the
// released cycles, newest first, with the decision, how much peer input
// was gathered (counts, never who) and why the notes read as they do.
import { Link } from 'react-router-dom';
import { useCycles, useHistory, useMyFeedback, usePeerRequests } from '../../api/queries';
import type { Cycle, FeedbackCycle } from '../../api/types';
import { useMe } from '../../auth/session';
import { ReadinessBadge } from '../../components/Chips';
import { dueLabel, formatDate, stateLabel } from '../../lib/format';
import { nextStepText, partnerCounts, projectionText, requestSummaryText } from '../../lib/emYear';

export function YourYear() {
  const me = useMe();
  const cycles = useCycles();
  const requests = usePeerRequests();
  const feedback = useMyFeedback();
  const history = useHistory(me.id);
  const open = (cycles.data ?? []).filter((c) => c.state !== 'released');
  const past = [...(feedback.data?.cycles ?? [])].sort((a, b) => (b.cycle.released_at ?? '').localeCompare(a.cycle.released_at ?? ''));
  const h = history.data;
  const latest = h?.cycles.at(-1);
  const projection = h && latest ? projectionText(h.trajectory.projected_cycles_to_ready, latest.decision, h.trajectory.projection) : null;
  return (
    <section className="card your-year" aria-labelledby="year-h">
      <h2 id="year-h">Your year</h2>
      <h3 className="year-when">Now</h3>
      {cycles.isPending ? (
        <p className="muted">Loading your cycles…</p>
      ) : open.length === 0 ? (
        <p className="muted">No cycle is under way for you now. The next one appears here when your director starts it.</p>
      ) : (
        <ol className="year-timeline">
          {open.map((c) => (
            <OpenCycle key={c.id} cycle={c} summary={requests.data?.summary?.find((s) => s.cycle_id === c.id)} />
          ))}
        </ol>
      )}
      <h3 className="year-when">Past cycles, newest first</h3>
      {feedback.isPending ? (
        <p className="muted">Loading your released cycles…</p>
      ) : past.length === 0 ? (
        <p className="muted">No released cycle yet.</p>
      ) : (
        <ol className="year-timeline">
          {past.map((f, i) => (
            <PastCycle key={f.cycle.id} fb={f} projection={i === 0 && latest?.cycle.id === f.cycle.id ? projection : null} />
          ))}
        </ol>
      )}
    </section>
  );
}

function OpenCycle({ cycle: c, summary }: { cycle: Cycle; summary: Parameters<typeof requestSummaryText>[0] }) {
  const canNominate = c.state === 'draft' || c.state === 'input_open';
  return (
    <li className="year-item year-open" aria-label={`${c.name}: ${stateLabel(c.state)}`}>
      <p className="year-head">
        <strong>{c.name}</strong> <span className={`badge state-${c.state}`}>{stateLabel(c.state)}</span>
      </p>
      <p>{nextStepText(c.state, c.results_expected_on)}</p>
      {c.state === 'input_open' && c.input_due && (
        <p className="year-facts">
          Input {dueLabel(c.input_due)} ({formatDate(c.input_due)}).
        </p>
      )}
      <p>{requestSummaryText(summary)}</p>
      {canNominate && (
        <div className="button-row">
          {c.state === 'input_open' && (
            <Link className="button primary" to={`/my-cycles/${c.id}/self-assessment`}>
              Write self-assessment
            </Link>
          )}
          <Link className="button secondary" to={`/my-cycles/${c.id}/peers`}>
            Nominate peers
          </Link>
        </div>
      )}
    </li>
  );
}

function PastCycle({ fb, projection }: { fb: FeedbackCycle; projection: string | null }) {
  return (
    <li className="year-item year-past" aria-label={`${fb.cycle.name}: released ${formatDate(fb.cycle.released_at)}`}>
      <p className="year-head">
        <strong>{fb.cycle.name}</strong> <span className="muted">released {formatDate(fb.cycle.released_at)}</span>
      </p>
      <p>
        Decision: {fb.decision ? <ReadinessBadge value={fb.decision.readiness} /> : 'none recorded'}
      </p>
      {projection && <p className="year-projection">{projection}</p>}
      <p>{partnerCounts(fb.peer_input.asked, fb.peer_input.answered)}</p>
      <p className="muted year-attribution">{fb.peer_attribution_explained}</p>
    </li>
  );
}
