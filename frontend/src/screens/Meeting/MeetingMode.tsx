// Meeting mode: the calibration meeting walks the agenda (most in need of
// discussion first), one EM at a time, with the flags, the evidence, the
// owners' pre-reads, the peer notes and the readiness decision, under the
// admins' changes to the cycle's people, if any. Loaded lazily.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import {
  useAgenda,
  useAssessment,
  useBoard,
  useCycle,
  useCycleNotes,
  useDecision,
  useSaveDecision,
  useSelfAssessmentOf,
} from '../../api/queries';
import { READINESS, type Board, type Cycle, type CycleNote, type Decision, type Readiness } from '../../api/types';
import { useMe } from '../../auth/session';
import { AdminNotices } from '../../components/AdminNotices';
import { FlagChips, ReadinessBadge } from '../../components/Chips';
import { Page } from '../../components/Page';
import { PrereadComments, PrereadCounts, PrereadForm } from '../../components/Preread';
import { Empty, ErrorNote, fieldError, FieldError, Loading, QueryState } from '../../components/Status';
import { Composite } from '../../components/Composite';
import { viewComposite } from '../../lib/board';
import { advocacyLabel, flagLabel, formatPercent, functionLabel, readinessLabel, scoreLabel } from '../../lib/format';

export default function MeetingMode() {
  const { cycleId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const agenda = useAgenda(cycleId);
  const board = useBoard(cycleId);
  const cycle = useCycle(cycleId);
  const notes = useCycleNotes(cycleId);

  // The agenda's order is fixed when the meeting opens: a decision changes
  // the flags, and the list must not reshuffle under the people walking it.
  // It waits for a fresh agenda, not one kept from before a pre-read put
  // someone first.
  const [order, setOrder] = useState<string[] | null>(null);
  useEffect(() => {
    if (agenda.data && !agenda.isFetching && !order) setOrder(agenda.data.items.map((i) => i.em.id));
  }, [agenda.data, agenda.isFetching, order]);
  const latest = agenda.data?.items ?? [];
  const items = order
    ? [
        ...order.flatMap((id) => latest.filter((i) => i.em.id === id)),
        ...latest.filter((i) => !order.includes(i.em.id)),
      ]
    : latest;
  const current = Math.max(0, items.findIndex((i) => i.em.id === params.get('em')));
  const item = items[current];
  const go = (i: number) => {
    const target = items[i];
    if (target) setParams({ em: target.em.id }, { replace: true });
  };

  const error = agenda.error ?? board.error ?? cycle.error;
  if (error) return <ErrorNote error={error} />;
  if (!agenda.data || !board.data || !cycle.data) return <Loading what="Preparing the meeting" />;

  const total = items.reduce((n, i) => n + i.minutes, 0);
  // Who is decided already, from the board (refreshed after each decision).
  const decided = new Map(board.data.rows.flatMap((r) => (r.readiness.decision ? [[r.em.id, r.readiness.decision] as const] : [])));
  return (
    <Page
      title={`Meeting: ${cycle.data.name}`}
      wide
      lead={
        <>
          <Link to={`/cycles/${cycleId}`}>{cycle.data.name}</Link> · {items.length} EMs, about {total} minutes
        </>
      }
      actions={
        <Link className="button secondary" to={`/cycles/${cycleId}/board`}>
          Back to the board
        </Link>
      }
    >
      <AdminNotices notices={board.data.notices} />
      {items.length === 0 ? (
        <Empty>The agenda is empty: this cycle has no participants.</Empty>
      ) : (
        <div className="meeting">
          <nav aria-label="Agenda" className="agenda">
            <h2>Agenda</h2>
            <ol>
              {items.map((it, i) => (
                <li key={it.em.id}>
                  <button
                    type="button"
                    className={i === current ? 'agenda-item current' : 'agenda-item'}
                    aria-current={i === current ? 'true' : undefined}
                    onClick={() => go(i)}
                  >
                    <span className="agenda-name">{it.em.name}</span>
                    {decided.get(it.em.id) && (
                      <span className="agenda-decided small-text">
                        <span aria-hidden="true">✓ </span>Decided: {readinessLabel(decided.get(it.em.id))}
                      </span>
                    )}
                    <span className="muted small-text">
                      {it.minutes} min{it.reasons.length > 0 && ` · ${it.reasons.map(flagLabel).join(', ')}`}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </nav>
          {item && (
            <EmPanel
              key={item.em.id}
              cycle={cycle.data}
              board={board.data}
              emId={item.em.id}
              notes={(notes.data?.items ?? []).filter((n) => n.em.id === item.em.id)}
              notesLoading={notes.isPending}
              position={`${current + 1} of ${items.length}`}
              onPrev={current > 0 ? () => go(current - 1) : undefined}
              onNext={current < items.length - 1 ? () => go(current + 1) : undefined}
            />
          )}
        </div>
      )}
    </Page>
  );
}

function EmPanel({
  cycle,
  board,
  emId,
  notes,
  notesLoading,
  position,
  onPrev,
  onNext,
}: {
  cycle: Cycle;
  board: Board;
  emId: string;
  notes: CycleNote[];
  notesLoading: boolean;
  position: string;
  onPrev?: () => void;
  onNext?: () => void;
}) {
  const me = useMe();
  const row = board.rows.find((r) => r.em.id === emId);
  const assessment = useAssessment(cycle.id, emId);
  const self = useSelfAssessmentOf(cycle.id, emId);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (!first.current) heading.current?.focus();
    first.current = false;
  }, []);
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
        <span className="spacer" />
        <button type="button" className="secondary" onClick={onPrev} disabled={!onPrev}>
          Previous EM
        </button>
        <button type="button" className="secondary" onClick={onNext} disabled={!onNext}>
          Next EM
        </button>
      </div>
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
      <DecisionBlock cycle={cycle} emId={emId} directorId={row.em.director_id} suggested={row.readiness.suggested} />
    </section>
  );
}

function DecisionBlock({
  cycle,
  emId,
  directorId,
  suggested,
}: {
  cycle: Cycle;
  emId: string;
  directorId: string;
  suggested: Readiness | null;
}) {
  const decision = useDecision(cycle.id, emId);
  return (
    <QueryState query={decision} what="Loading the decision">
      {(d) => <DecisionForm cycle={cycle} emId={emId} directorId={directorId} suggested={suggested} initial={d} reload={async () => (await decision.refetch()).data} />}
    </QueryState>
  );
}

function DecisionForm({
  cycle,
  emId,
  directorId,
  suggested,
  initial,
  reload,
}: {
  cycle: Cycle;
  emId: string;
  directorId: string;
  suggested: Readiness | null;
  initial: Decision;
  reload: () => Promise<Decision | undefined>;
}) {
  const id = useId();
  const me = useMe();
  const save = useSaveDecision(cycle.id, emId);
  const [version, setVersion] = useState(initial.version);
  const [readiness, setReadiness] = useState<Readiness | null>(initial.readiness);
  const [rationale, setRationale] = useState(initial.rationale ?? '');
  const [conflict, setConflict] = useState<Decision | null>(null);
  const [saved, setSaved] = useState('');
  const writable = directorId === me.id && cycle.state === 'calibrating';
  const director = cycle.owners.find((o) => o.id === directorId);

  function submit(e: FormEvent, v = version) {
    e.preventDefault();
    setSaved('');
    save.mutate(
      { readiness: (readiness ?? '') as Readiness, rationale: rationale.trim(), version: v },
      {
        onSuccess: (d) => {
          setVersion(d.version);
          setConflict(null);
          setSaved(`Decision saved (version ${d.version}).`);
        },
        onError: async (err) => {
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
    setConflict(null);
    save.reset();
  }

  return (
    <form className="decision" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Decision</h3>
      {!writable && (
        <p className="notice">
          {directorId !== me.id
            ? `${director?.name ?? 'The EM’s director'} decides for this EM.`
            : 'Decisions are recorded while the cycle is calibrating.'}
        </p>
      )}
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
      <fieldset disabled={!writable}>
        <legend>Readiness</legend>
        <div className="readiness-options">
          {READINESS.map((r) => (
            <label key={r} className="radio-card">
              <input type="radio" name={`${id}-r`} value={r} checked={readiness === r} onChange={() => setReadiness(r)} />
              {readinessLabel(r)}
              {r === suggested && <span className="muted small-text"> (suggested)</span>}
            </label>
          ))}
        </div>
      </fieldset>
      <FieldError id={`${id}-r-err`} message={fieldError(save.error, 'readiness')} />
      <div className="field">
        <label htmlFor={`${id}-why`}>Rationale</label>
        <textarea
          id={`${id}-why`}
          rows={4}
          maxLength={5000}
          value={rationale}
          readOnly={!writable}
          onChange={(e) => setRationale(e.target.value)}
          aria-describedby={`${id}-why-err`}
        />
        <FieldError id={`${id}-why-err`} message={fieldError(save.error, 'rationale')} />
      </div>
      {!conflict && <ErrorNote error={save.error} />}
      {writable && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <span role="status">{saved}</span>
        </div>
      )}
    </form>
  );
}
