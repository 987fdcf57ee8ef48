import { Link } from 'react-router-dom';
import { useCycles, useRollups } from '../../api/queries';
import { useMe } from '../../auth/session';
import { Page } from '../../components/Page';
import { Empty, QueryState } from '../../components/Status';
import { formatDate, stateLabel } from '../../lib/format';

export default function CyclesList() {
  const me = useMe();
  const cycles = useCycles();
  const peer = me.role === 'peer';
  return (
    <Page
      title={peer ? 'Guest boards' : 'Cycles'}
      lead={
        me.role === 'admin'
          ? 'Every cycle of your organisation.'
          : peer
            ? 'The cycles and roll-ups you are a guest of: you can read their boards until your last day.'
            : 'The cycles you lead, co-own or are a guest of.'
      }
      actions={
        me.role === 'director' && (
          <Link className="button primary" to="/cycles/new">
            New cycle
          </Link>
        )
      }
    >
      <QueryState query={cycles} what="Loading cycles">
        {(list) =>
          list.length === 0 ? (
            <Empty>No cycles yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Cycles</caption>
                <thead>
                  <tr>
                    <th scope="col">Cycle</th>
                    <th scope="col">State</th>
                    <th scope="col">Lead</th>
                    <th scope="col" className="num">
                      EMs
                    </th>
                    <th scope="col">Input due</th>
                    <th scope="col">Board</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        <Link to={peer ? `/cycles/${c.id}/board` : `/cycles/${c.id}`}>{c.name}</Link>
                      </th>
                      <td>
                        <span className={`badge state-${c.state}`}>{stateLabel(c.state)}</span>
                      </td>
                      <td>{c.lead.name}</td>
                      <td className="num">{c.participants.length}</td>
                      <td>{formatDate(c.input_due)}</td>
                      <td>
                        <Link to={`/cycles/${c.id}/board`} aria-label={`Board of ${c.name}`}>
                          Board
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
      {peer && <GuestRollups />}
    </Page>
  );
}

/** A peer's roll-ups: those they are a guest of. */
function GuestRollups() {
  const rollups = useRollups();
  return (
    <section aria-labelledby="guest-rollups-h">
      <h2 id="guest-rollups-h">Roll-ups</h2>
      <QueryState query={rollups} what="Loading roll-ups">
        {(list) =>
          list.length === 0 ? (
            <Empty>You are not a guest of any roll-up.</Empty>
          ) : (
            <ul className="plain-list">
              {list.map((r) => (
                <li key={r.id}>
                  <Link to={`/rollups/${r.id}`}>{r.name}</Link> <span className="muted">led by {r.lead.name}</span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
