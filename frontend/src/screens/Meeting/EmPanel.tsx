// One EM in meeting mode: the facts of their board row, flags, pre-reads,
// scores and evidence, peer notes, the readiness decision and the owners'
// meeting state (discussed, the shared note). Co-owners' changes arrive
// through the cycle's events and show here as they happen; a form the user
// has not touched follows them, one being edited keeps its text and meets
// the change as a stale version when it saves.
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ApiError } from '../../api/client';
import { useAssessment, useDecision, useSaveDecision, useSelfAssessmentOf } from '../../api/queries';
import { READINESS, type Board, type Cycle, type CycleNote, type Decision, type Readiness } from '../../api/types';
import { useMe } from '../../auth/session';
import { FlagChips, ReadinessBadge } from '../../components/Chips';
import { Composite } from '../../components/Composite';
import { PrereadComments, PrereadCounts, PrereadForm } from '../../components/Preread';
import { Counter, ErrorSummary, FieldMessage, RequiredMark, type SummaryItem } from '../../components/Form';
import { Empty, ErrorNote, Loading, QueryState } from '../../components/Status';
import { length, maxLength, recheck, required, serverErrors, validate, type Errors, type Rules } from '../../lib/form';
import { viewComposite } from '../../lib/board';
import { advocacyLabel, functionLabel, readinessLabel, scoreLabel, formatPercent } from '../../lib/format';
import { MeetingStateBlock } from './MeetingState';

interface DecisionValues {
  readiness: Readiness | null;
  rationale: string;
}

const RATIONALE_MAX = 5000;

const DECISION_RULES: Rules<DecisionValues> = {
  readiness: [required('Choose a readiness')],
  rationale: [required('Write the rationale for the decision'), maxLength(RATIONALE_MAX, 'the rationale')],
};

const DECISION_SERVER = {
  readiness: { field: 'readiness', what: 'a readiness', choose: 'Choose a readiness' },
  rationale: { field: 'rationale', what: 'the rationale for the decision' },
};

/** The decision form's id: the `d` shortcut goes there. */
export const DECISION_ID = 'meeting-decision';

export function EmPanel({
  cycle,
  board,
  emId,
  notes,
  notesLoading,
  position,
  changedBy,
  focusOnOpen,
  decisionWanted,
  onPrev,
  onNext,
}: {
  cycle: Cycle;
  board: Board;
  emId: string;
  notes: CycleNote[];
  notesLoading: boolean;
  position: string;
  /** a co-owner's latest change of this EM, while the meeting is open */
  changedBy?: string;
  /** the user moved here from another EM */
  focusOnOpen?: boolean;
  /** set when the user asked for the decision (`d`) before it had loaded: it takes the focus once it is there */
  decisionWanted?: RefObject<boolean>;
  onPrev?: () => void;
  onNext?: () => void;
}) {
  const me = useMe();
  const row = board.rows.find((r) => r.em.id === emId);
  const assessment = useAssessment(cycle.id, emId);
  const self = useSelfAssessmentOf(cycle.id, emId);
  const heading = useRef<HTMLHeadingElement>(null);
  // Moved to from another EM: the focus starts at the new EM's name (the
  // control that moved here may be gone with the previous panel).
  useEffect(() => {
    if (focusOnOpen) heading.current?.focus();
  }, [focusOnOpen]);
  const titles = Object.fromEntries(board.criteria.map((c) => [c.key, c.title]));
  if (!row) return <Empty>This EM is not on the board.</Empty>;
  const composite = viewComposite(row, board.criteria, 'director');
  return (
    <section className="em-panel" aria-labelledby="em-panel-h">
      <div className="panel-head">
        <h2 id="em-panel-h" ref={heading} tabIndex={-1}>
          {row.em.name}
        </h2>
        <span className="muted">{position}</span>
        {row.meeting.discussed && <span className="chip discussed-chip">Discussed</span>}
        <span className="spacer" />
        <button type="button" className="secondary" onClick={onPrev} disabled={!onPrev}>
          Previous EM
        </button>
        <button type="button" className="secondary" onClick={onNext} disabled={!onNext}>
          Next EM
        </button>
      </div>
      {changedBy && <p className="muted small-text live-mark">{changedBy}</p>}
      <dl className="facts">
        <div>
          <dt>Composite</dt>
          <dd>
            <Composite {...composite} />
          </dd>
        </div>
        <div>
          <dt>Evidence coverage</dt>
          <dd>{formatPercent(row.evidence_coverage)}</dd>
        </div>
        {row.readiness.decision && (
          <div>
            <dt>Decision</dt>
            <dd>
              <ReadinessBadge value={row.readiness.decision} />
            </dd>
          </div>
        )}
        <div>
          <dt>Suggested</dt>
          <dd>
            {/* No suggestion until every criterion is rated: say so, rather than a bare "none". */}
            <ReadinessBadge
              value={row.readiness.suggested}
              empty={composite.rated < composite.total ? `None yet: ${composite.rated} of ${composite.total} criteria rated` : 'None'}
            />
          </dd>
        </div>
        <div>
          <dt>Previous decision</dt>
          <dd>
            <ReadinessBadge value={row.readiness.previous} empty="None" />
          </dd>
        </div>
      </dl>
      <h3>Flags</h3>
      {row.flags.length === 0 ? (
        <p className="muted">No flags.</p>
      ) : (
        <ul className="flag-list">
          {row.flags.map((f, i) => (
            <li key={i}>
              <FlagChips flags={[f]} titles={titles} /> {f.message}
            </li>
          ))}
        </ul>
      )}
      <h3>Pre-reads</h3>
      {row.preread_comments.length > 0 && (
        <p>
          <PrereadCounts row={row} />
        </p>
      )}
      <PrereadComments row={row} />
      {cycle.state === 'calibrating' && cycle.owners.some((o) => o.id === me.id) && (
        <PrereadForm cycleId={cycle.id} row={row} />
      )}
      <h3>Scores and evidence</h3>
      <QueryState query={assessment} what="Loading the assessment">
        {(a) => (
          <div className="table-wrap">
            <table className="compact">
              <caption className="visually-hidden">Scores and evidence for {row.em.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Criterion</th>
                  <th scope="col">Director</th>
                  <th scope="col">Self</th>
                  <th scope="col">Evidence</th>
                </tr>
              </thead>
              <tbody>
                {board.criteria.map((c) => {
                  const r = a.ratings.find((x) => x.criterion === c.key);
                  const s = self.data?.ratings.find((x) => x.criterion === c.key);
                  return (
                    <tr key={c.key}>
                      <th scope="row">{c.title}</th>
                      <td className={r && r.score < board.scale.bar ? 'below-bar' : undefined}>{scoreLabel(r?.score, board.scale)}</td>
                      <td>{s ? s.score : '–'}</td>
                      <td>{r?.evidence || <span className="muted">No evidence</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {a.private_note && (
              <p className="private-note">
                <strong>Private note:</strong> {a.private_note}
              </p>
            )}
          </div>
        )}
      </QueryState>
      <h3>Peer notes</h3>
      {notesLoading ? (
        <Loading what="Loading notes" />
      ) : notes.length === 0 ? (
        <p className="muted">No peer notes about {row.em.name} in this cycle.</p>
      ) : (
        <ul className="notes">
          {notes.map((n) => (
            <li key={n.request_id} className={`note advocacy-${n.advocacy}`}>
              <p className="note-head">
                <strong>{n.author.name}</strong> ({functionLabel(n.author.function)}) · {advocacyLabel(n.advocacy)}
                {n.criteria.length > 0 && <> · {n.criteria.map((k) => titles[k] ?? k).join(', ')}</>}
              </p>
              <p>{n.body}</p>
            </li>
          ))}
        </ul>
      )}
      <DecisionBlock
        cycle={cycle}
        emId={emId}
        directorId={row.em.director_id}
        suggested={row.readiness.suggested}
        decisionWanted={decisionWanted}
      />
      <MeetingStateBlock cycle={cycle} emId={emId} emName={row.em.name} />
    </section>
  );
}

/**
 * The decision of one EM, read and edited. `prefill` starts the form at
 * another readiness than the saved one (a move on the 9-box); nothing
 * changes until it is saved.
 */
export function DecisionBlock({
  cycle,
  emId,
  directorId,
  suggested,
  decisionWanted,
  prefill,
  onSaved,
}: {
  cycle: Cycle;
  emId: string;
  directorId: string;
  suggested: Readiness | null;
  decisionWanted?: RefObject<boolean>;
  prefill?: Readiness;
  onSaved?: () => void;
}) {
  const decision = useDecision(cycle.id, emId);
  return (
    <QueryState query={decision} what="Loading the decision">
      {(d) => (
        <DecisionForm
          cycle={cycle}
          emId={emId}
          directorId={directorId}
          suggested={suggested}
          decisionWanted={decisionWanted}
          initial={d}
          prefill={prefill}
          onSaved={onSaved}
          reload={async () => (await decision.refetch()).data}
        />
      )}
    </QueryState>
  );
}

function DecisionForm({
  cycle,
  emId,
  directorId,
  suggested,
  decisionWanted,
  initial,
  reload,
  prefill,
  onSaved,
}: {
  cycle: Cycle;
  emId: string;
  directorId: string;
  suggested: Readiness | null;
  decisionWanted?: RefObject<boolean>;
  initial: Decision;
  reload: () => Promise<Decision | undefined>;
  prefill?: Readiness;
  onSaved?: () => void;
}) {
  const id = useId();
  const me = useMe();
  const save = useSaveDecision(cycle.id, emId);
  const [version, setVersion] = useState(initial.version);
  const [readiness, setReadiness] = useState<Readiness | null>(prefill ?? initial.readiness);
  const [rationale, setRationale] = useState(initial.rationale ?? '');
  const [conflict, setConflict] = useState<Decision | null>(null);
  const [saved, setSaved] = useState('');
  // The form's errors (components/Form.tsx): set by a failed submit, each
  // gone as soon as its value is valid.
  const [errors, setErrors] = useState<Errors>({});
  const [focusKey, setFocusKey] = useState(0);
  const change = (patch: Partial<DecisionValues>, field: keyof DecisionValues) => {
    const next = { readiness, rationale, ...patch };
    if ('readiness' in patch) setReadiness(next.readiness);
    if ('rationale' in patch) setRationale(next.rationale);
    setErrors((e) => recheck(e, next, DECISION_RULES, field));
  };
  const writable = directorId === me.id && cycle.state === 'calibrating';
  const director = cycle.owners.find((o) => o.id === directorId);
  useEffect(() => {
    if (!decisionWanted?.current) return;
    decisionWanted.current = false;
    focusDecision();
  }, [decisionWanted]);

  // A newer decision read from the server (a co-owner's, or this user's
  // from another tab) replaces what the form shows while the form still
  // shows the version it had: edits in progress are kept, and meet it as a
  // stale version when they are saved.
  const [shown, setShown] = useState(initial);
  if (initial.version !== shown.version) {
    setShown(initial);
    const untouched = readiness === shown.readiness && rationale === (shown.rationale ?? '') && version === shown.version;
    if (untouched && initial.version > version) {
      setVersion(initial.version);
      setReadiness(initial.readiness);
      setRationale(initial.rationale ?? '');
    }
  }

  function submit(e: FormEvent, v = version) {
    e.preventDefault();
    // The button stays enabled while saving, so that it keeps the focus: a
    // second press meanwhile does nothing.
    if (save.isPending) return;
    setSaved('');
    const found = validate<DecisionValues>({ readiness, rationale }, DECISION_RULES);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFocusKey((n) => n + 1);
      return;
    }
    save.mutate(
      { readiness: (readiness ?? '') as Readiness, rationale: rationale.trim(), version: v },
      {
        onSuccess: (d) => {
          setVersion(d.version);
          setShown(d);
          setConflict(null);
          setSaved(`Decision saved (version ${d.version}).`);
          onSaved?.();
        },
        onError: async (err) => {
          if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
            setErrors(serverErrors(err.fields, DECISION_SERVER).errors);
            setFocusKey((n) => n + 1);
          }
          if (err instanceof ApiError && err.code === 'stale_version') setConflict((await reload()) ?? null);
        },
      },
    );
  }

  function takeTheirs() {
    if (!conflict) return;
    setVersion(conflict.version);
    setReadiness(conflict.readiness);
    setRationale(conflict.rationale ?? '');
    setShown(conflict);
    setConflict(null);
    setErrors({});
    save.reset();
  }

  const summary: SummaryItem[] = [
    ...(errors.readiness ? [{ target: `${id}-r`, message: errors.readiness }] : []),
    ...(errors.rationale ? [{ target: `${id}-why`, message: errors.rationale }] : []),
  ];

  return (
    <form id={DECISION_ID} noValidate className="decision" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} tabIndex={-1}>
        Decision
      </h3>
      {!writable && (
        <p className="notice">
          {directorId !== me.id
            ? `${director?.name ?? 'The EM’s director'} decides for this EM.`
            : 'Decisions are recorded while the cycle is calibrating.'}
        </p>
      )}
      <ErrorSummary items={summary} focusKey={focusKey} />
      {conflict && (
        <div className="conflict" role="alert">
          <p>Someone else saved this decision (version {conflict.version}) after you opened it:</p>
          <ul>
            {conflict.readiness !== readiness && (
              <li>
                Readiness: {readinessLabel(readiness)} → {readinessLabel(conflict.readiness)}
              </li>
            )}
            {(conflict.rationale ?? '') !== rationale.trim() && <li>Rationale: “{conflict.rationale ?? ''}”</li>}
          </ul>
          <div className="button-row">
            <button type="button" className="primary" onClick={takeTheirs}>
              Reload
            </button>
            <button type="button" className="secondary" onClick={(e) => submit(e as unknown as FormEvent, conflict.version)}>
              Save mine over it
            </button>
          </div>
        </div>
      )}
      <fieldset
        id={`${id}-r`}
        disabled={!writable}
        aria-invalid={errors.readiness ? true : undefined}
        aria-describedby={errors.readiness ? `${id}-r-err` : undefined}
      >
        <legend>
          Readiness
          {writable && <RequiredMark />}
        </legend>
        <div className="readiness-options">
          {READINESS.map((r) => (
            <label key={r} className="radio-card">
              <input type="radio" name={`${id}-r`} value={r} required checked={readiness === r} onChange={() => change({ readiness: r }, 'readiness')} />
              {readinessLabel(r)}
              {r === suggested && <span className="muted small-text"> (suggested)</span>}
            </label>
          ))}
        </div>
        <FieldMessage id={`${id}-r-err`} message={errors.readiness} />
      </fieldset>
      <div className="field">
        <div className="label-line">
          <label htmlFor={`${id}-why`}>Rationale</label>
          {writable && <RequiredMark />}
        </div>
        <textarea
          id={`${id}-why`}
          rows={4}
          maxLength={RATIONALE_MAX}
          value={rationale}
          readOnly={!writable}
          onChange={(e) => change({ rationale: e.target.value }, 'rationale')}
          aria-required={writable || undefined}
          aria-invalid={errors.rationale ? true : undefined}
          aria-describedby={[writable ? `${id}-why-count` : '', errors.rationale ? `${id}-why-err` : ''].filter(Boolean).join(' ') || undefined}
        />
        {writable && <Counter id={`${id}-why-count`} n={length(rationale)} max={RATIONALE_MAX} />}
        <FieldMessage id={`${id}-why-err`} message={errors.rationale} />
      </div>
      {!conflict && !(save.error instanceof ApiError && Object.keys(save.error.fields).length > 0) && <ErrorNote error={save.error} />}
      {writable && (
        <div className="form-actions">
          <button type="submit" className="primary" aria-disabled={save.isPending || undefined}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <span role="status">{saved}</span>
        </div>
      )}
    </form>
  );
}

/**
 * Moves the focus to the decision: the chosen readiness, else the first,
 * where the user may decide; else the decision's heading. False while the
 * decision is still loading.
 */
export function focusDecision(): boolean {
  const form = document.getElementById(DECISION_ID);
  if (!form) return false;
  const target =
    form.querySelector<HTMLElement>('input[type=radio]:checked:enabled') ??
    form.querySelector<HTMLElement>('input[type=radio]:enabled') ??
    form.querySelector<HTMLElement>('h3');
  target?.focus();
  return !!target;
}
