// The ratings form of a director's assessment and of a self-assessment:
// each criterion with its description, the score as a labelled radio
// choice, the evidence; saving sends the version read, and a 409
// stale_version shows what someone else changed and lets the user reload.
// The evidence and the private note underline language hints as the user
// types; a save lists the hints of what it saved and is never blocked.
// While the cycle is calibrating, a change to an existing director's
// assessment goes on the meeting record and needs a reason (1–500
// characters): the server says when it is missing (422 reason_required),
// and the message shows at the reason's field.
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import type { FieldHint, Framework, Rating } from '../api/types';
import { diffRatings, draftsOf, EVIDENCE_MIN, ratingFieldErrors, ratingsOf, type Drafts } from '../lib/ratings';
import { HintedTextarea, SavedHints } from './HintedTextarea';
import { ScoreChoice } from './ScoreChoice';
import { ErrorSummary, type SummaryItem } from './Form';
import { ErrorNote, FieldError, messageOf } from './Status';
import { plainMessage } from '../lib/form';

export interface Versioned {
  ratings: Rating[];
  private_note?: string | null;
  version: number;
  /** in the answer to a save: the language hints of what was saved */
  hints?: FieldHint[];
}

export interface SaveBody {
  ratings: Rating[];
  private_note?: string | null;
  version: number;
  change_reason?: string;
}

/** The longest reason for a change the API takes. */
export const REASON_MAX = 500;

export function RatingsEditor({
  framework,
  initial,
  withPrivateNote,
  readOnly,
  save,
  loadLatest,
  beside,
  besideLabel,
  what,
  changeReason,
}: {
  framework: Framework;
  initial: Versioned;
  withPrivateNote?: boolean;
  readOnly?: boolean;
  save: (body: SaveBody) => Promise<Versioned>;
  loadLatest: () => Promise<Versioned | undefined>;
  /** other scores to show beside each criterion (the EM's self scores for a director) */
  beside?: Rating[];
  besideLabel?: string;
  /** "assessment" or "self-assessment", for the messages */
  what: string;
  /** the cycle is calibrating: a change to a written assessment needs a reason */
  changeReason?: boolean;
}) {
  const id = useId();
  const criteria = framework.criteria;
  const [base, setBase] = useState<Versioned>(initial);
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(criteria, initial.ratings));
  const [note, setNote] = useState(initial.private_note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // Changes on each save answered with field errors: the summary takes the focus.
  const [focusKey, setFocusKey] = useState(0);
  const [conflict, setConflict] = useState<{ latest: Versioned; changes: string[] } | null>(null);
  const [saved, setSaved] = useState<string>('');
  const [savedHints, setSavedHints] = useState<FieldHint[]>([]);
  const [reason, setReason] = useState('');
  // The server asked for a reason the form did not expect (the cycle moved
  // to calibrating, or the assessment was first written elsewhere).
  const [reasonAsked, setReasonAsked] = useState(false);
  const needReason = (!!changeReason && base.version > 0) || reasonAsked;

  // A field's error goes once its value changes: only the server knows these rules.
  const clearError = (k: string) =>
    setFieldErrors((e) => {
      if (!(k in e)) return e;
      const { [k]: _, ...rest } = e;
      return rest;
    });

  const set = (key: string, patch: Partial<Drafts[string]>) =>
    setDrafts((d) => ({ ...d, [key]: { score: null, evidence: '', ...d[key], ...patch } }));

  async function submit(version: number) {
    const { ratings, keys } = ratingsOf(criteria, drafts);
    const body: SaveBody = { ratings, version };
    if (withPrivateNote) body.private_note = note.trim() ? note : null;
    if (needReason && reason.trim()) body.change_reason = reason.trim();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSaved('');
    setSavedHints([]);
    try {
      const res = await save(body);
      setBase(res);
      setConflict(null);
      setSaved(`Saved (version ${res.version}).`);
      setSavedHints(res.hints ?? []);
      setReason(''); // each change gives its own reason
      setReasonAsked(false);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale_version') {
        const latest = await loadLatest().catch(() => undefined);
        if (latest) {
          const changes = diffRatings(criteria, base.ratings, latest.ratings);
          if (withPrivateNote && (latest.private_note ?? '') !== (base.private_note ?? '')) changes.push('Private note changed');
          setConflict({ latest, changes });
        }
        setError(err);
      } else if (err instanceof ApiError && (err.code === 'reason_required' || err.fields.change_reason)) {
        setReasonAsked(true);
        // A field message is a predicate ("is required: …"): it reads after the field's name.
        const m = err.fields.change_reason;
        setFieldErrors({ change_reason: m ? (/^[a-z]/.test(m) ? `Reason for the change ${m}` : m) : messageOf(err) });
        // The field may only appear now: focus it once it is there.
        requestAnimationFrame(() => document.getElementById(`${id}-reason`)?.focus());
      } else {
        setError(err);
        if (err instanceof ApiError && Object.keys(err.fields).length > 0) {
          setFieldErrors(plainRatingErrors(ratingFieldErrors(err.fields, keys)));
          setFocusKey((n) => n + 1);
        }
      }
    } finally {
      setBusy(false);
    }
  }

  function reload() {
    if (!conflict) return;
    const l = conflict.latest;
    setBase(l);
    setDrafts(draftsOf(criteria, l.ratings));
    setNote(l.private_note ?? '');
    setConflict(null);
    setError(null);
    setSaved(`Reloaded version ${l.version}.`);
    setSavedHints([]);
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    void submit(base.version);
  };

  const rated = Object.values(drafts).filter((d) => d.score !== null).length;

  /** The API's reasons in the words of the form, each about its field. */
  function plainRatingErrors(errs: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, m] of Object.entries(errs)) {
      const [key, part] = k.split('.');
      const title = criteria.find((c) => c.key === key)?.title;
      const what = title ? (part === 'score' ? `the score for ${title}` : `the evidence for ${title}`) : k === 'private_note' ? 'the private note' : k;
      out[k] = plainMessage(m, { field: k, what, choose: title && part === 'score' ? `Choose a score for ${title}` : undefined });
    }
    return out;
  }

  // The errors in the order of the form, each a link to its field.
  const summary: SummaryItem[] = [];
  for (const c of criteria) {
    const scoreErr = fieldErrors[`${c.key}.score`];
    const evErr = fieldErrors[`${c.key}.evidence`];
    if (scoreErr) summary.push({ target: `${id}-${c.key}-score`, message: scoreErr });
    if (evErr) summary.push({ target: `${id}-${c.key}-evidence`, message: evErr });
  }
  if (fieldErrors['private_note']) summary.push({ target: `${id}-note`, message: fieldErrors['private_note'] });
  if (fieldErrors['change_reason']) summary.push({ target: `${id}-reason`, message: fieldErrors['change_reason'] });

  return (
    <form onSubmit={onSubmit} className="ratings-form" aria-describedby={`${id}-progress`}>
      <p id={`${id}-progress`} className="muted">
        {rated} of {criteria.length} criteria rated · version {base.version}
      </p>
      <ErrorSummary items={summary} focusKey={focusKey} />
      {conflict && (
        <div className="conflict" role="alert">
          <h2>Someone else saved this {what} after you opened it</h2>
          {conflict.changes.length > 0 ? (
            <>
              <p>What changed in version {conflict.latest.version}:</p>
              <ul>
                {conflict.changes.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </>
          ) : (
            <p>Version {conflict.latest.version} has the same ratings as yours.</p>
          )}
          <div className="button-row">
            <button type="button" className="primary" onClick={reload}>
              Reload
            </button>
            <button type="button" className="secondary" onClick={() => void submit(conflict.latest.version)} disabled={busy}>
              Save mine over it
            </button>
          </div>
        </div>
      )}
      {criteria.map((c) => {
        const d = drafts[c.key] ?? { score: null, evidence: '' };
        const other = beside?.find((r) => r.criterion === c.key);
        const evId = `${id}-${c.key}-evidence`;
        const scoreErr = fieldErrors[`${c.key}.score`];
        const evErr = fieldErrors[`${c.key}.evidence`];
        const short = d.score !== null && d.evidence.trim().length < EVIDENCE_MIN;
        return (
          <section key={c.key} className="criterion-block" aria-labelledby={`${id}-${c.key}-title`}>
            <h2 id={`${id}-${c.key}-title`} className="criterion-title">
              {c.title}
              {c.weight !== 1 && <span className="muted"> · weight {c.weight}</span>}
            </h2>
            <p className="criterion-desc" id={`${id}-${c.key}-desc`}>
              {c.description}
            </p>
            {other && (
              <p className="beside">
                {besideLabel}: <strong>{other.score}</strong>
                {other.evidence && <> · “{other.evidence}”</>}
              </p>
            )}
            <ScoreChoice
              id={`${id}-${c.key}-score`}
              name={`${id}-${c.key}`}
              legend={`Score for ${c.title}`}
              scale={framework.scale}
              value={d.score}
              onChange={(v) => {
                set(c.key, { score: v });
                clearError(`${c.key}.score`);
              }}
              disabled={readOnly}
              describedBy={`${id}-${c.key}-desc`}
              error={scoreErr ? `${evId}-score-err` : undefined}
            />
            <FieldError id={`${evId}-score-err`} message={scoreErr} />
            <label htmlFor={evId}>Evidence for {c.title}</label>
            <HintedTextarea
              id={evId}
              rows={3}
              maxLength={5000}
              value={d.evidence}
              readOnly={readOnly}
              onChange={(e) => {
                set(c.key, { evidence: e.target.value });
                clearError(`${c.key}.evidence`);
              }}
              aria-invalid={evErr ? true : undefined}
              aria-describedby={`${evId}-hint${evErr ? ` ${evId}-err` : ''}`}
            />
            <p className="hint" id={`${evId}-hint`}>
              {short
                ? `Under ${EVIDENCE_MIN} characters: the board counts this score as missing evidence.`
                : 'A concrete example: what they did, where, and what came of it.'}
            </p>
            <FieldError id={`${evId}-err`} message={evErr} />
          </section>
        );
      })}
      {withPrivateNote && (
        <div className="field">
          <label htmlFor={`${id}-note`}>Private note</label>
          <HintedTextarea
            id={`${id}-note`}
            rows={3}
            maxLength={5000}
            value={note}
            readOnly={readOnly}
            onChange={(e) => {
              setNote(e.target.value);
              clearError('private_note');
            }}
            aria-describedby={`${id}-note-hint`}
          />
          <p className="hint" id={`${id}-note-hint`}>
            For the calibration only: owners and admins read it; it is never released to the EM.
          </p>
          <FieldError id={`${id}-note-err`} message={fieldErrors['private_note']} />
        </div>
      )}
      {needReason && !readOnly && (
        <div className="field reason-field">
          <label htmlFor={`${id}-reason`}>Reason for the change</label>
          <textarea
            id={`${id}-reason`}
            rows={2}
            maxLength={REASON_MAX}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              if (e.target.value.trim()) clearError('change_reason');
            }}
            aria-required="true"
            aria-invalid={fieldErrors['change_reason'] ? true : undefined}
            aria-describedby={`${id}-reason-hint${fieldErrors['change_reason'] ? ` ${id}-reason-err` : ''}`}
          />
          <p className="hint" id={`${id}-reason-hint`}>
            Required while the cycle is calibrating: the meeting record shows it beside the change. Up to {REASON_MAX} characters.
          </p>
          <FieldError id={`${id}-reason-err`} message={fieldErrors['change_reason']} />
        </div>
      )}
      <ErrorNote error={error} />
      <SavedHints
        hints={savedHints}
        fieldLabel={(h) =>
          h.field === 'private_note' ? 'Private note' : `Evidence for ${criteria.find((c) => c.key === h.criterion)?.title ?? h.criterion ?? h.field}`
        }
      />
      {!readOnly && (
        <div className="form-actions sticky-actions">
          {/* Not disabled while saving, so that it keeps the focus; a second press meanwhile does nothing. */}
          <button type="submit" className="primary" aria-disabled={busy || undefined}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <span role="status" className="saved">
            {saved}
          </span>
        </div>
      )}
    </form>
  );
}
