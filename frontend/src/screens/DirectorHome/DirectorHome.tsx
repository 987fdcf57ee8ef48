// A director's home: the cycles in progress, and for each its EMs with
// where their readiness stands now.
import { Link } from 'react-router-dom';
import { useBoard, useCycles } from '../../api/queries';
import type { Cycle } from '../../api/types';
import { useMe } from '../../auth/session';
import { FlagChips, ReadinessBadge } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Empty, QueryState } from '../../components/Status';
import { inputDueText, stateLabel } from '../../lib/format';
import { viewComposite } from '../../lib/board';
import { Composite } from '../../components/Composite';

export default function DirectorHome() {
  const me = useMe();
  const cycles = useCycles();
  return (
    <Page
      title="Home"
      heading={`Good to see you, ${me.name.split(' ')[0]}`}
      lead="The cycles in progress and where each EM's readiness stands."
      actions={
        <Link className="button primary" to="/cycles/new">
          New cycle
        </Link>
      }
    >
      <QueryState query={cycles} what="Loading your cycles">
        {(list) => {
          const open = list.filter((c) => c.state !== 'finalized' && c.state !== 'released');
          const done = list.length - open.length;
          return (
            <>
              {open.length === 0 ? (
                <Empty>
                  No cycle is in progress. <Link to="/cycles/new">Start a cycle</Link> for the EMs in your tree.
                </Empty>
              ) : (
                open.map((c) => <CycleSummary key={c.id} cycle={c} />)
              )}
              {done > 0 && (
                <p>
                  <Link to="/cycles">All cycles</Link> ({done} finalized or released)
                </p>
              )}
            </>
          );
        }}
      </QueryState>
    </Page>
  );
}

function CycleSummary({ cycle }: { cycle: Cycle }) {
  const board = useBoard(cycle.id);
  const titles = Object.fromEntries((board.data?.criteria ?? []).map((c) => [c.key, c.title]));
  return (
    <section className="card" aria-labelledby={`cy-${cycle.id}`}>
      <div className="card-head">
        <h2 id={`cy-${cycle.id}`}>
          <Link to={`/cycles/${cycle.id}`}>{cycle.name}</Link>
        </h2>
        <span className={`badge state-${cycle.state}`}>{stateLabel(cycle.state)}</span>
        <span className="muted">
          {inputDueText(cycle.state, cycle.input_due)}
        </span>
        <span className="spacer" />
        <Link to={`/cycles/${cycle.id}/board`}>Board</Link>
        {cycle.state === 'calibrating' && <Link to={`/cycles/${cycle.id}/meeting`}>Meeting mode</Link>}
      </div>
      <QueryState query={board} what="Loading the board">
        {(b) =>
          b.rows.length === 0 ? (
            <Empty>No participants yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">EMs of {cycle.name} and their readiness</caption>
                <thead>
                  <tr>
                    <th scope="col">EM</th>
                    <th scope="col">Readiness now</th>
                    <th scope="col">Previous decision</th>
                    <th scope="col" className="num">
                      Composite
                    </th>
                    <th scope="col">Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {b.rows.map((r) => (
                    <tr key={r.em.id}>
                      <th scope="row">
                        <Link to={`/ems/${r.em.id}?cycle=${cycle.id}`}>{r.em.name}</Link>
                      </th>
                      <td>
                        {r.readiness.decision ? (
                          <>
                            <ReadinessBadge value={r.readiness.decision} /> <span className="muted">decided</span>
                          </>
                        ) : (
                          <>
                            <ReadinessBadge value={r.readiness.suggested} empty="No suggestion yet" />{' '}
                            {r.readiness.suggested && <span className="muted">suggested</span>}
                          </>
                        )}
                      </td>
                      <td>
                        <ReadinessBadge value={r.readiness.previous} empty="None" />
                      </td>
                      <td className="num">
                        <Composite {...viewComposite(r, b.criteria, 'director')} />
                      </td>
                      <td>
                        <FlagChips flags={r.flags} titles={titles} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </section>
  );
}
