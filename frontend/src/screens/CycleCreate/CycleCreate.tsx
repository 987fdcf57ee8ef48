// Creating a cycle: name, framework, EMs from the director's tree,
// co-owners, peer attribution and the input due date.
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useCreateCycle, useDirectory, useFrameworks, useUsers } from '../../api/queries';
import { ATTRIBUTIONS, type Attribution } from '../../api/types';
import { useMe } from '../../auth/session';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, listFieldErrors, QueryState } from '../../components/Status';
import { ATTRIBUTION_PROMISE, attributionLabel } from '../../lib/format';
import { checkNewCycle, localToday, type Problems } from './check';
import { GuideFields } from '../../components/GuideFields';
import { emptyGuideDraft, guideOfDraft } from '../../lib/guide';

export default function CycleCreate() {
  const id = useId();
  const me = useMe();
  const navigate = useNavigate();
  const ems = useUsers({ role: 'em' });
  const directors = useDirectory({ role: 'director' });
  const frameworks = useFrameworks();
  const create = useCreateCycle();

  const [name, setName] = useState('');
  const [frameworkId, setFrameworkId] = useState('');
  const [emIds, setEmIds] = useState<string[]>([]);
  const [coOwners, setCoOwners] = useState<string[]>([]);
  const [attribution, setAttribution] = useState<Attribution>('by_function');
  const [due, setDue] = useState('');
  const [guideDraft, setGuideDraft] = useState(emptyGuideDraft);
  const guide = guideOfDraft(guideDraft);

  // Checked before anything is sent, then again on every change once the
  // director has tried to submit, so that a fixed field loses its message.
  const [tried, setTried] = useState(false);
  const problems = checkNewCycle({
    name,
    frameworkId,
    frameworkIds: frameworks.data?.map((f) => f.id),
    emIds,
    activeEmIds: ems.data?.filter((u) => u.active).map((u) => u.id),
    coOwners,
    directorIds: directors.data?.items.filter((p) => p.id !== me.id).map((p) => p.id),
    meId: me.id,
    attribution,
    due,
    today: localToday(),
  });
  const shown: Problems = tried ? problems : {};

  const toggle = (list: string[], set: (v: string[]) => void, v: string) =>
    set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (Object.keys(problems).length > 0 || Object.keys(guide.problems).length > 0) return;
    create.mutate(
      {
        name: name.trim(),
        framework_id: frameworkId || null,
        em_ids: emIds,
        co_owner_ids: coOwners,
        input_due: due || null,
        peer_attribution: attribution,
        ...(guide.guide ? { distribution_guide: guide.guide } : {}),
      },
      { onSuccess: (c) => navigate(`/cycles/${c.id}`) },
    );
  }

  const err = create.error;
  const emName = (i: number) => ems.data?.find((u) => u.id === emIds[i])?.name;
  const coName = (i: number) => directors.data?.items.find((u) => u.id === coOwners[i])?.name;
  const emErrors = listFieldErrors(err, 'em_ids', emName);
  const coErrors = listFieldErrors(err, 'co_owner_ids', coName);
  const activeEms = (ems.data ?? []).filter((u) => u.active);

  return (
    <Page title="New cycle" lead="A cycle starts as a draft: you can send peer requests before you open input.">
      <form onSubmit={submit} className="form" noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Cycle name</label>
          <input
            id={`${id}-name`}
            required
            maxLength={200}
            placeholder="2027 H1 calibration"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={shown.name || fieldError(err, 'name') ? true : undefined}
            aria-describedby={`${id}-name-err`}
          />
          <FieldError id={`${id}-name-err`} message={shown.name ?? fieldError(err, 'name')} />
        </div>

        <div className="field">
          <label htmlFor={`${id}-fw`}>Framework</label>
          <QueryState query={frameworks} what="Loading frameworks">
            {(fws) => (
              <select
                id={`${id}-fw`}
                value={frameworkId}
                onChange={(e) => setFrameworkId(e.target.value)}
                aria-invalid={shown.framework ? true : undefined}
                aria-describedby={`${id}-fw-err`}
              >
                <option value="">The organisation's default</option>
                {fws.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}, version {f.version}
                  </option>
                ))}
              </select>
            )}
          </QueryState>
          <FieldError id={`${id}-fw-err`} message={shown.framework ?? fieldError(err, 'framework_id')} />
        </div>

        <fieldset className="field" aria-describedby={`${id}-ems-err`}>
          <legend>EMs to calibrate</legend>
          <QueryState query={ems} what="Loading the EMs in your tree">
            {() =>
              activeEms.length === 0 ? (
                <Empty>There are no EMs in your reporting tree.</Empty>
              ) : (
                <ul className="check-list">
                  {activeEms.map((u) => (
                    <li key={u.id}>
                      <label>
                        <input type="checkbox" checked={emIds.includes(u.id)} onChange={() => toggle(emIds, setEmIds, u.id)} />{' '}
                        {u.name} <span className="muted">{u.email}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )
            }
          </QueryState>
          <div id={`${id}-ems-err`}>
            {(shown.ems ? [shown.ems] : emErrors).map((m) => (
              <p className="field-error" key={m}>
                {m}
              </p>
            ))}
          </div>
        </fieldset>

        <fieldset className="field" aria-describedby={`${id}-co-hint ${id}-co-err`}>
          <legend>Co-owners (optional)</legend>
          <p className="hint" id={`${id}-co-hint`}>
            Other directors who calibrate with you: each rates and decides for the EMs in their own tree.
          </p>
          <QueryState query={directors} what="Loading directors">
            {(d) => {
              const others = d.items.filter((p) => p.id !== me.id);
              return others.length === 0 ? (
                <Empty>No other directors.</Empty>
              ) : (
                <ul className="check-list">
                  {others.map((p) => (
                    <li key={p.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={coOwners.includes(p.id)}
                          onChange={() => toggle(coOwners, setCoOwners, p.id)}
                        />{' '}
                        {p.name}
                      </label>
                    </li>
                  ))}
                </ul>
              );
            }}
          </QueryState>
          <div id={`${id}-co-err`}>
            {(shown.coOwners ? [shown.coOwners] : coErrors).map((m) => (
              <p className="field-error" key={m}>
                {m}
              </p>
            ))}
          </div>
        </fieldset>

        <fieldset className="field" aria-describedby={`${id}-attr-hint ${id}-attr-err`}>
          <legend>Peer attribution</legend>
          <p className="hint" id={`${id}-attr-hint`}>
            {ATTRIBUTION_PROMISE}
          </p>
          {ATTRIBUTIONS.map((a) => (
            <label key={a} className="radio-line">
              <input type="radio" name={`${id}-attr`} value={a} checked={attribution === a} onChange={() => setAttribution(a)} />{' '}
              {attributionLabel(a)}
            </label>
          ))}
          <FieldError id={`${id}-attr-err`} message={shown.attribution ?? fieldError(err, 'peer_attribution')} />
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-due`}>Input due date</label>
          <input
            id={`${id}-due`}
            type="date"
            value={due}
            min={localToday()}
            onChange={(e) => setDue(e.target.value)}
            aria-invalid={shown.due || fieldError(err, 'input_due') ? true : undefined}
            aria-describedby={`${id}-due-err`}
          />
          <FieldError id={`${id}-due-err`} message={shown.due ?? fieldError(err, 'input_due')} />
        </div>

        <GuideFields draft={guideDraft} onChange={setGuideDraft} problems={tried ? guide.problems : {}} />

        {(Object.keys(shown).length > 0 || (tried && Object.keys(guide.problems).length > 0)) && (
          <p className="field-error" role="alert">
            Please correct the fields above: nothing was sent.
          </p>
        )}
        <ErrorNote error={err} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create cycle'}
          </button>
          <Link to="/cycles">Cancel</Link>
        </div>
      </form>
    </Page>
  );
}
