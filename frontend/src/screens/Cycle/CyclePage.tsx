// One cycle: where it stands, its next transition (lead only, after a
// confirmation that says what it locks or releases), its participants with
// their assessments, and the peer requests.
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useCycle, useDownload, usePatchCycleGuide, usePatchResultsDate, useTransition } from '../../api/queries';
import { READINESS, STATES } from '../../api/types';
import type { CycleWithGuide, GuideLine } from '../../api/rollupTypes';
import { useMe } from '../../auth/session';
import { ConfirmDialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { GuestsPanel } from '../../components/Guests';
import { GuideFields } from '../../components/GuideFields';
import { OverrideDialog } from '../../components/OverrideDialog';
import { attributionLabel, formatDate, readinessLabel, stateLabel, transitionFrom } from '../../lib/format';
import { draftOfGuide, guideOfDraft, outsideOf, rangeText } from '../../lib/guide';
import { saveBlob } from '../../lib/download';
import { PeerRequests } from './PeerRequests';

export default function CyclePage() {
  const { cycleId = '' } = useParams();
  const cycle = useCycle(cycleId);
  return (
    <QueryState query={cycle} what="Loading the cycle">
      {(c) => <CycleView cycle={c} />}
    </QueryState>
  );
}

function CycleView({ cycle }: { cycle: CycleWithGuide }) {
  const me = useMe();
  const [confirming, setConfirming] = useState(false);
  // The lines outside the guide a finalize met: the dialog asks for a reason.
  const [outside, setOutside] = useState<GuideLine[] | null>(null);
  const transition = useTransition(cycle.id);
  const download = useDownload();
  const next = transitionFrom(cycle.state);
  const isLead = cycle.lead.id === me.id;
  const isOwner = cycle.owners.some((o) => o.id === me.id);
  const stepIndex = STATES.indexOf(cycle.state);
  const canRate = cycle.state === 'input_open' || cycle.state === 'calibrating';

  function exportCsv() {
    download.mutate({ board: cycle.id }, { onSuccess: (d) => saveBlob(d.blob, d.filename) });
  }

  return (
    <Page
      title={cycle.name}
      wide
      lead={
        <>
          Led by {cycle.lead.name}
          {cycle.owners.length > 1 && <> with {cycle.owners.filter((o) => o.id !== cycle.lead.id).map((o) => o.name).join(', ')}</>}
          {' · '}
          {attributionLabel(cycle.peer_attribution)}
          {cycle.state === 'draft' && <> (fixed when input opens: a promise to the peers)</>}
        </>
      }
      actions={
        <>
          <Link className="button secondary" to={`/cycles/${cycle.id}/board`}>
            Board
          </Link>
          {(cycle.state === 'calibrating' || cycle.state === 'finalized') && (
            <Link className="button secondary" to={`/cycles/${cycle.id}/meeting`}>
              Meeting mode
            </Link>
          )}
          <button type="button" className="secondary" onClick={exportCsv} disabled={download.isPending}>
            {download.isPending ? 'Exporting…' : 'Export CSV'}
          </button>
        </>
      }
    >
      <ErrorNote error={download.error} />
      <section className="card" aria-labelledby="state-h">
        <h2 id="state-h">State</h2>
        <ol className="stepper">
          {STATES.map((s, i) => (
            <li key={s} className={i < stepIndex ? 'done' : i === stepIndex ? 'current' : ''} aria-current={i === stepIndex ? 'step' : undefined}>
              {stateLabel(s)}
            </li>
          ))}
        </ol>
        <p>
          {cycle.input_due && <>Input due {formatDate(cycle.input_due)}. </>}
          {cycle.finalized_at && <>Finalized {formatDate(cycle.finalized_at)}. </>}
          {cycle.released_at && <>Released {formatDate(cycle.released_at)}. </>}
        </p>
        {next &&
          (isLead ? (
            <>
              <button type="button" className="primary" onClick={() => setConfirming(true)}>
                {next.action}
              </button>
              <ConfirmDialog
                open={confirming}
                title={`${next.action}: ${cycle.name}?`}
                confirmLabel={next.action}
                busy={transition.isPending}
                error={transition.error}
                danger={next.to === 'released'}
                onCancel={() => {
                  setConfirming(false);
                  transition.reset();
                }}
                onConfirm={() =>
                  transition.mutate(next.to, {
                    onSuccess: () => setConfirming(false),
                    onError: (err) => {
                      const lines = outsideOf(err);
                      if (lines) {
                        setConfirming(false);
                        transition.reset();
                        setOutside(lines);
                      }
                    },
                  })
                }
              >
                <p>
                  The cycle moves from <strong>{stateLabel(cycle.state)}</strong> to <strong>{stateLabel(next.to)}</strong>.
                </p>
                <p>{next.consequence}</p>
              </ConfirmDialog>
              <OverrideDialog
                open={!!outside}
                what="the cycle"
                outside={outside ?? []}
                busy={transition.isPending}
                error={transition.error}
                onCancel={() => {
                  setOutside(null);
                  transition.reset();
                }}
                onConfirm={(reason) => transition.mutate({ to: next.to, overrideReason: reason }, { onSuccess: () => setOutside(null) })}
              />
            </>
          ) : (
            <p className="muted">Only the lead, {cycle.lead.name}, moves the cycle on.</p>
          ))}
      </section>

      <ResultsDateCard cycle={cycle} editable={isLead && cycle.state !== 'released'} />

      <GuideCard cycle={cycle} editable={isLead && cycle.state === 'draft'} />

      <section className="card" aria-labelledby="participants-h">
        <h2 id="participants-h">Participants</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Participants of {cycle.name}</caption>
            <thead>
              <tr>
                <th scope="col">EM</th>
                <th scope="col">Director in the cycle</th>
                <th scope="col">Assessment</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {cycle.participants.map((p) => {
                const director = cycle.owners.find((o) => o.id === p.director_id);
                const mine = p.director_id === me.id;
                return (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td>{director?.name ?? '–'}</td>
                    <td>
                      <Link to={`/cycles/${cycle.id}/ems/${p.id}/assessment`} aria-label={`${mine && canRate ? 'Rate' : 'View assessment of'} ${p.name}`}>
                        {mine && canRate ? 'Rate' : 'View'}
                      </Link>
                    </td>
                    <td>
                      <Link to={`/ems/${p.id}?cycle=${cycle.id}`} aria-label={`Record of ${p.name}`}>
                        History
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <PeerRequests cycle={cycle} canAsk={isOwner && (cycle.state === 'draft' || cycle.state === 'input_open')} />

      {(isOwner || me.role === 'admin') && <GuestsPanel host={{ cycleId: cycle.id }} hostName={cycle.name} canManage={isOwner && me.role === 'director'} />}
    </Page>
  );
}

/**
 * When the cycle's EMs can expect their results: the lead sets or changes
 * the date in any state before release; the EMs read it on their home.
 */
function ResultsDateCard({ cycle, editable }: { cycle: CycleWithGuide; editable: boolean }) {
  const patch = usePatchResultsDate(cycle.id);
  const [date, setDate] = useState(cycle.results_expected_on ?? '');
  const [saved, setSaved] = useState('');
  const id = 'results-date';
  const err = fieldError(patch.error, 'results_expected_on');
  function save(value: string | null) {
    setSaved('');
    patch.mutate(value, { onSuccess: (c) => setSaved(c.results_expected_on ? `Saved: results expected on ${formatDate(c.results_expected_on)}.` : 'Cleared: no results date.') });
  }
  return (
    <section className="card" aria-labelledby="results-h">
      <h2 id="results-h">Results date</h2>
      {!editable ? (
        <p>
          {cycle.results_expected_on ? <>Results expected on {formatDate(cycle.results_expected_on)}.</> : <>No results date was set.</>}
          {cycle.state !== 'released' && <> Only the lead, {cycle.lead.name}, sets it.</>}
        </p>
      ) : (
        <form
          className="form results-date-form"
          onSubmit={(e) => {
            e.preventDefault();
            save(date || null);
          }}
        >
          <p className="hint" id={`${id}-hint`}>
            The EMs of this cycle see this date on their home. You can change it until you release the results.
          </p>
          <div className="field">
            <label htmlFor={id}>Results expected on</label>
            <input
              id={id}
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
              aria-describedby={`${id}-hint${err ? ` ${id}-err` : ''}`}
              aria-invalid={err ? true : undefined}
            />
            <FieldError id={`${id}-err`} message={err} />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={patch.isPending || date === (cycle.results_expected_on ?? '')}>
              Save date
            </button>
            {cycle.results_expected_on && (
              <button type="button" className="secondary" disabled={patch.isPending} onClick={() => { setDate(''); save(null); }}>
                Clear date
              </button>
            )}
          </div>
          {!err && <ErrorNote error={patch.error} />}
          <p role="status" className="muted">{saved}</p>
        </form>
      )}
    </section>
  );
}

/** The cycle's distribution guide; the lead edits it while the cycle is a draft. */
function GuideCard({ cycle, editable }: { cycle: CycleWithGuide; editable: boolean }) {
  const patch = usePatchCycleGuide(cycle.id);
  const [draft, setDraft] = useState(() => draftOfGuide(cycle.distribution_guide));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState('');
  const parsed = guideOfDraft(draft);
  const guide = cycle.distribution_guide;
  const ranges = READINESS.filter((r) => guide?.[r]);
  return (
    <section className="card" aria-labelledby="guide-h">
      <h2 id="guide-h">Distribution guide</h2>
      {ranges.length === 0 ? (
        <p className="muted">No distribution guide.</p>
      ) : (
        <ul className="plain-list">
          {ranges.map((r) => (
            <li key={r}>
              {readinessLabel(r)}: {rangeText(guide![r]!.min, guide![r]!.max)}
            </li>
          ))}
        </ul>
      )}
      {cycle.override_reason && (
        <p className="notice">
          <strong>Finalized outside the guide.</strong> Reason: {cycle.override_reason}
        </p>
      )}
      {editable && (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            setSaved('');
            if (Object.keys(parsed.problems).length > 0) return;
            patch.mutate(parsed.guide, { onSuccess: () => setSaved(parsed.guide ? 'Guide saved.' : 'Guide removed.') });
          }}
        >
          <GuideFields draft={draft} onChange={setDraft} problems={tried ? parsed.problems : {}} legend="Change the guide" />
          <ErrorNote error={patch.error} />
          <div className="form-actions">
            <button type="submit" className="secondary" aria-disabled={patch.isPending || undefined}>
              {patch.isPending ? 'Saving…' : 'Save guide'}
            </button>
            <span role="status">{saved}</span>
          </div>
        </form>
      )}
    </section>
  );
}
