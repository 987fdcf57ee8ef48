// An EM's released feedback: per cycle the decision and its rationale, the
// director's scores against the bar with evidence, and the peer notes as
// the cycle attributes them.
import { useCycles, useFrameworksById, useMyFeedback } from '../../api/queries';
import type { FeedbackCycle, Framework } from '../../api/types';
import { ReadinessBadge } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Empty, QueryState } from '../../components/Status';
import { advocacyLabel, formatComposite, formatDate } from '../../lib/format';
import { YourYear } from './YourYear';

export default function MyFeedback() {
  const feedback = useMyFeedback();
  const cycles = useCycles();
  const frameworks = useFrameworksById();
  const frameworkOf = (cycleId: string) => {
    const fid = cycles.data?.find((c) => c.id === cycleId)?.framework_id;
    return fid ? frameworks.byId.get(fid) : undefined;
  };
  return (
    <Page title="My feedback" lead="What your director and your peers said, once each cycle is released.">
      <YourYear />
      <QueryState query={feedback} what="Loading your feedback">
        {(f) =>
          f.cycles.length === 0 ? (
            <Empty>No feedback yet: it appears here when your director releases a cycle.</Empty>
          ) : (
            f.cycles.map((c) => <CycleFeedback key={c.cycle.id} fb={c} framework={frameworkOf(c.cycle.id)} />)
          )
        }
      </QueryState>
    </Page>
  );
}

function CycleFeedback({ fb, framework }: { fb: FeedbackCycle; framework: Framework | undefined }) {
  const bar = framework?.scale.bar ?? 3;
  const label = (s: number) => framework?.scale.labels[s - framework.scale.min];
  const titles = Object.fromEntries(fb.ratings.map((r) => [r.criterion, r.title]));
  const hid = `fb-${fb.cycle.id}`;
  return (
    <article className="card" aria-labelledby={hid}>
      <div className="card-head">
        <h2 id={hid}>{fb.cycle.name}</h2>
        <span className="muted">Released {formatDate(fb.cycle.released_at)}</span>
      </div>
      <section aria-label={`Decision, ${fb.cycle.name}`} className="decision-summary">
        {fb.decision ? (
          <>
            <p>
              Decision: <ReadinessBadge value={fb.decision.readiness} /> · composite {formatComposite(fb.composite)} against a bar of {bar}
            </p>
            <blockquote>{fb.decision.rationale}</blockquote>
          </>
        ) : (
          <p>No decision was recorded.</p>
        )}
      </section>
      <div className="table-wrap">
        <table className="compact cards-on-phone">
          <caption>Scores against the bar</caption>
          <thead>
            <tr>
              <th scope="col">Criterion</th>
              <th scope="col">Score</th>
              <th scope="col">Against the bar</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {fb.ratings.map((r) => (
              <tr key={r.criterion}>
                <th scope="row">{r.title}</th>
                <td className={r.score < bar ? 'below-bar' : 'at-bar'} data-label="Score">
                  {r.score}
                  {label(r.score) && <span className="muted"> · {label(r.score)}</span>}
                </td>
                <td data-label="Against the bar">{r.score < bar ? 'Below' : r.score === bar ? 'At the bar' : 'Above'}</td>
                <td data-label="Evidence">{r.evidence || <span className="muted">No evidence given</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Peer notes</h3>
      <p className="muted">{fb.peer_attribution_explained}</p>
      {fb.notes.length === 0 ? (
        <p className="muted">No peer notes in this cycle.</p>
      ) : (
        <ul className="notes">
          {fb.notes.map((n, i) => (
            <li key={i} className={`note advocacy-${n.advocacy}`}>
              <p className="note-head">
                <strong>{n.attribution}</strong> · {advocacyLabel(n.advocacy)}
                {n.criteria.length > 0 && <> · {n.criteria.map((k) => titles[k] ?? k).join(', ')}</>}
              </p>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
