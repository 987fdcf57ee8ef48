// An EM's cycles: what they can do in each now.
import { Link } from 'react-router-dom';
import { useCycles, usePeerRequests } from '../../api/queries';
import { Page } from '../../components/Page';
import { Empty, QueryState } from '../../components/Status';
import { dueLabel, formatDate, stateLabel } from '../../lib/format';
import { requestSummaryText, resultsText } from '../../lib/emYear';

export default function MyCycles() {
  const cycles = useCycles();
  const requests = usePeerRequests();
  return (
    <Page title="My cycles" lead="Write your self-assessment while input is open, and ask peers for input.">
      <QueryState query={cycles} what="Loading your cycles">
        {(list) =>
          list.length === 0 ? (
            <Empty>You are not in any cycle yet.</Empty>
          ) : (
            <ul className="card-list">
              {list.map((c) => {
                const summary = requests.data?.summary?.find((s) => s.cycle_id === c.id);
                const canNominate = c.state === 'draft' || c.state === 'input_open';
                return (
                  <li key={c.id} className="card">
                    <div className="card-head">
                      <h2>{c.name}</h2>
                      <span className={`badge state-${c.state}`}>{stateLabel(c.state)}</span>
                      {c.input_due && c.state === 'input_open' && (
                        <span className="muted">
                          Input {dueLabel(c.input_due)} ({formatDate(c.input_due)})
                        </span>
                      )}
                    </div>
                    <p>{requestSummaryText(summary)}</p>
                    <p className="muted">{resultsText(c.results_expected_on)}</p>
                    <div className="button-row">
                      <Link className={c.state === 'input_open' ? 'button primary' : 'button secondary'} to={`/my-cycles/${c.id}/self-assessment`}>
                        {c.state === 'input_open' ? 'Write self-assessment' : 'View self-assessment'}
                      </Link>
                      {canNominate && (
                        <Link className="button secondary" to={`/my-cycles/${c.id}/peers`}>
                          Nominate peers
                        </Link>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          )
        }
      </QueryState>
    </Page>
  );
}
