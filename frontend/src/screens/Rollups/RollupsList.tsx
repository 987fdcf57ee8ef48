// Roll-ups: the calibrations of a VP over their directors' finalized
// cycles. The list (a guest sees the ones they guest), and for directors
// the form that creates one from the finalized cycles they may roll up.
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useCreateRollup, useCycles, useRollups } from '../../api/queries';
import { useMe } from '../../auth/session';
import { GuideFields } from '../../components/GuideFields';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, FieldError, fieldError, QueryState } from '../../components/Status';
import { formatDate } from '../../lib/format';
import { emptyGuideDraft, guideOfDraft } from '../../lib/guide';
import { rollupErrorText } from '../../lib/rollupErrors';
import { rollupStateLabel } from '../../lib/rollup';

const NAME_MAX = 200;

export default function RollupsList() {
  const me = useMe();
  const rollups = useRollups();
  const [creating, setCreating] = useState(false);
  return (
    <Page
      title="Roll-ups"
      lead={
        me.role === 'director'
          ? 'Calibrate across your directors: a roll-up brings their finalized cycles onto one board.'
          : me.role === 'admin'
            ? 'Every roll-up of your organisation.'
            : 'The roll-ups you are a guest of.'
      }
      actions={
        me.role === 'director' &&
        !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New roll-up
          </button>
        )
      }
    >
      {creating && <NewRollup onCancel={() => setCreating(false)} />}
      <QueryState query={rollups} what="Loading roll-ups">
        {(list) =>
          list.length === 0 ? (
            <Empty>No roll-ups yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Roll-ups</caption>
                <thead>
                  <tr>
                    <th scope="col">Roll-up</th>
                    <th scope="col">State</th>
                    <th scope="col">Lead</th>
                    <th scope="col">Cycles</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <Link to={`/rollups/${r.id}`}>{r.name}</Link>
                      </th>
                      <td>
                        <span className={`badge state-${r.state === 'open' ? 'calibrating' : 'finalized'}`}>{rollupStateLabel(r.state)}</span>
                      </td>
                      <td>{r.lead.name}</td>
                      <td>{r.sources.map((s) => s.name).join(', ')}</td>
                      <td>{formatDate(r.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </Page>
  );
}

function NewRollup({ onCancel }: { onCancel: () => void }) {
  const id = useId();
  const navigate = useNavigate();
  const cycles = useCycles('finalized');
  const create = useCreateRollup();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [guideDraft, setGuideDraft] = useState(emptyGuideDraft);
  const [tried, setTried] = useState(false);
  const guide = guideOfDraft(guideDraft);
  const problems: { name?: string; cycles?: string } = {};
  if (!name.trim()) problems.name = 'Give the roll-up a name.';
  else if ([...name.trim()].length > NAME_MAX) problems.name = `The name is too long: at most ${NAME_MAX} characters.`;
  if (chosen.length === 0) problems.cycles = 'Choose at least one finalized cycle.';
  const shown = tried ? problems : {};

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (Object.keys(problems).length > 0 || Object.keys(guide.problems).length > 0) return;
    create.mutate(
      { name: name.trim(), source_cycle_ids: chosen, ...(guide.guide ? { distribution_guide: guide.guide } : {}) },
      { onSuccess: (r) => navigate(`/rollups/${r.id}`) },
    );
  }

  const err = create.error;
  const words = rollupErrorText(err);
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>New roll-up</h2>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Roll-up name</label>
          <input
            id={`${id}-name`}
            maxLength={NAME_MAX}
            placeholder="Engineering 2026 H2"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={shown.name || fieldError(err, 'name') ? true : undefined}
            aria-describedby={`${id}-name-err`}
          />
          <FieldError id={`${id}-name-err`} message={shown.name ?? fieldError(err, 'name')} />
        </div>
        <fieldset className="field" aria-describedby={`${id}-cy-hint ${id}-cy-err`}>
          <legend>Finalized cycles to roll up</legend>
          <p className="hint" id={`${id}-cy-hint`}>
            Finalized cycles, not yet released, whose owners all report to you. Each cycle can be in one roll-up.
          </p>
          <QueryState query={cycles} what="Loading finalized cycles">
            {(list) =>
              list.length === 0 ? (
                <Empty>No finalized cycle to roll up.</Empty>
              ) : (
                <ul className="check-list">
                  {list.map((c) => (
                    <li key={c.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={chosen.includes(c.id)}
                          onChange={() => setChosen((l) => (l.includes(c.id) ? l.filter((x) => x !== c.id) : [...l, c.id]))}
                        />{' '}
                        {c.name} <span className="muted">led by {c.lead.name}, {c.participants.length} EMs</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryState>
          <FieldError id={`${id}-cy-err`} message={shown.cycles ?? fieldError(err, 'source_cycle_ids')} />
        </fieldset>
        <GuideFields draft={guideDraft} onChange={setGuideDraft} problems={tried ? guide.problems : {}} />
        {words ? (
          <div className="error-note" role="alert">
            {words}
          </div>
        ) : (
          <ErrorNote error={err} />
        )}
        <div className="form-actions">
          <button type="submit" className="primary" aria-disabled={create.isPending || undefined}>
            {create.isPending ? 'Creating…' : 'Create roll-up'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
