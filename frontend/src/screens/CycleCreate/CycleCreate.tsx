// Creating a cycle: name, framework, EMs from the director's tree,
// co-owners, peer attribution and the input due date.
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useCreateCycle, useDirectory, useFrameworks, useUsers } from '../../api/queries';
import { ATTRIBUTIONS, type Attribution } from '../../api/types';
import { useMe } from '../../auth/session';
import { Page } from '../../components/Page';
import { ErrorSummary, RequiredMark, type SummaryItem } from '../../components/Form';
import { Empty, ErrorNote, fieldError, FieldError, listFieldErrors, QueryState } from '../../components/Status';
import { plainMessage } from '../../lib/form';
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
  // Changes on each failed submit: the error summary takes the focus.
  const [focusKey, setFocusKey] = useState(0);
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
    if (Object.keys(problems).length > 0 || Object.keys(guide.problems).length > 0) {
      setFocusKey((n) => n + 1);
      return;
    }
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
      { onSuccess: (c) => navigate(`/cycles/${c.id}`), onError: () => setFocusKey((n) => n + 1) },
    );
  }

  const err = create.error;
  // The API's field message, in the words of the form.
  const server = (path: string, what: string) => {
    const m = fieldError(err, path);
    return m ? plainMessage(m, { field: path, what }) : undefined;
  };
  const nameErr = shown.name ?? server('name', 'the cycle name');
  const fwErr = shown.framework ?? server('framework_id', 'a framework');
  const attrErr = shown.attribution ?? server('peer_attribution', 'how notes are attributed');
  const dueErr = shown.due ?? server('input_due', 'the input due date');
  const emName = (i: number) => ems.data?.find((u) => u.id === emIds[i])?.name;
  const coName = (i: number) => directors.data?.items.find((u) => u.id === coOwners[i])?.name;
  const emErrors = listFieldErrors(err, 'em_ids', emName);
  const coErrors = listFieldErrors(err, 'co_owner_ids', coName);
  const activeEms = (ems.data ?? []).filter((u) => u.active);
  const emMsgs = shown.ems ? [shown.ems] : emErrors;
  const coMsgs = shown.coOwners ? [shown.coOwners] : coErrors;
  const summary: SummaryItem[] = [
    ...(nameErr ? [{ target: `${id}-name`, message: nameErr }] : []),
    ...(fwErr ? [{ target: `${id}-fw`, message: fwErr }] : []),
    ...emMsgs.map((m) => ({ target: `${id}-ems`, message: m })),
    ...coMsgs.map((m) => ({ target: `${id}-co`, message: m })),
    ...(attrErr ? [{ target: `${id}-attr`, message: attrErr }] : []),
    ...(dueErr ? [{ target: `${id}-due`, message: dueErr }] : []),
  ];
  const guideMsgs = tried ? Object.values(guide.problems) : [];

  return (
    <Page title="New cycle" lead="A cycle starts as a draft: you can send peer requests before you open input.">
      <form onSubmit={submit} className="form" noValidate>
        <ErrorSummary items={summary} other={guideMsgs} focusKey={focusKey} />
        <div className="field">
          <div className="label-line">
            <label htmlFor={`${id}-name`}>Cycle name</label>
            <RequiredMark />
          </div>
          <input
            id={`${id}-name`}
            required
            aria-required="true"
            maxLength={200}
            placeholder="2027 H1 calibration"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={nameErr ? true : undefined}
            aria-describedby={nameErr ? `${id}-name-err` : undefined}
          />
          <FieldError id={`${id}-name-err`} message={nameErr} />
        </div>

        <div className="field">
          <label htmlFor={`${id}-fw`}>Framework</label>
          <QueryState query={frameworks} what="Loading frameworks">
            {(fws) => (
              <select
                id={`${id}-fw`}
                value={frameworkId}
                onChange={(e) => setFrameworkId(e.target.value)}
                aria-invalid={fwErr ? true : undefined}
                aria-describedby={fwErr ? `${id}-fw-err` : undefined}
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
          <FieldError id={`${id}-fw-err`} message={fwErr} />
        </div>

        <fieldset id={`${id}-ems`} className="field" aria-describedby={`${id}-ems-err`} aria-invalid={emMsgs.length ? true : undefined}>
          <legend>
            EMs to calibrate
            <RequiredMark />
          </legend>
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
            {emMsgs.map((m) => (
              <p className="field-error" key={m}>
                {m}
              </p>
            ))}
          </div>
        </fieldset>

        <fieldset id={`${id}-co`} className="field" aria-describedby={`${id}-co-hint ${id}-co-err`} aria-invalid={coMsgs.length ? true : undefined}>
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
            {coMsgs.map((m) => (
              <p className="field-error" key={m}>
                {m}
              </p>
            ))}
          </div>
        </fieldset>

        <fieldset id={`${id}-attr`} className="field" aria-describedby={`${id}-attr-hint ${id}-attr-err`} aria-invalid={attrErr ? true : undefined}>
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
          <FieldError id={`${id}-attr-err`} message={attrErr} />
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-due`}>Input due date</label>
          <input
            id={`${id}-due`}
            type="date"
            value={due}
            min={localToday()}
            onChange={(e) => setDue(e.target.value)}
            aria-invalid={dueErr ? true : undefined}
            aria-describedby={dueErr ? `${id}-due-err` : undefined}
          />
          <FieldError id={`${id}-due-err`} message={dueErr} />
        </div>

        <GuideFields draft={guideDraft} onChange={setGuideDraft} problems={tried ? guide.problems : {}} />

        {/* Field errors are in the summary and at their fields; anything else here. */}
        {!(err instanceof ApiError && Object.keys(err.fields).length > 0) && <ErrorNote error={err} />}
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
