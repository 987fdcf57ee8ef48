// A peer's note about an EM: where they stand (advocacy), the criteria it
// speaks to, and the body (20 to 5000 characters). Written from the moment
// input opens (the cycle's attribution is fixed then, and the editor says
// how the EM will read the note) until the cycle is finalized; the peer may
// decline instead. Language hints underline words that judge character,
// vague praise and the like as the peer types, and never block the save.
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useDecline, useFramework, usePeerRequests, useSaveNote } from '../../api/queries';
import { ADVOCACY, type Advocacy, type Framework, type PeerRequest } from '../../api/types';
import { ConfirmDialog } from '../../components/Dialog';
import { HintedTextarea, SavedHints } from '../../components/HintedTextarea';
import { Page } from '../../components/Page';
import { ErrorNote, fieldError, FieldError, listFieldErrors, Loading } from '../../components/Status';
import { dueLabel, formatDate, noteAttribution } from '../../lib/format';

const MIN = 20;
const MAX = 5000;

const ADVOCACY_TEXT: Record<Advocacy, { label: string; hint: string }> = {
  strong: { label: 'Strong advocate', hint: 'I would argue for their promotion.' },
  support: { label: 'Supportive', hint: 'Good experience working with them.' },
  neutral: { label: 'Neutral', hint: 'Mixed, or not enough to say.' },
  concern: { label: 'Concern', hint: 'Something the calibration should weigh.' },
};

export default function NoteEditor() {
  const { requestId = '' } = useParams();
  const requests = usePeerRequests();
  const request = requests.data?.items.find((r) => r.id === requestId);
  // The request's cycle names its framework: its criteria are what a note
  // may tag.
  const direct = useFramework(request?.cycle.framework_id);
  const framework = direct.data;

  if (requests.error) return <ErrorNote error={requests.error} />;
  if (!requests.data) return <Loading what="Loading the request" />;
  if (!request)
    return (
      <Page title="Request not found">
        <p>
          This request is not in your inbox. <Link to="/inbox">Back to the inbox</Link>
        </p>
      </Page>
    );
  if (!framework) return direct.error ? <ErrorNote error={direct.error} /> : <Loading what="Loading the criteria" />;
  return <Editor key={request.id} request={request} framework={framework} />;
}

function Editor({ request, framework }: { request: PeerRequest; framework: Framework }) {
  const id = useId();
  const navigate = useNavigate();
  const save = useSaveNote(request.id);
  const decline = useDecline();
  const [advocacy, setAdvocacy] = useState<Advocacy | null>(request.note?.advocacy ?? null);
  const [criteria, setCriteria] = useState<string[]>(request.note?.criteria ?? []);
  const [body, setBody] = useState(request.note?.body ?? '');
  const [saved, setSaved] = useState('');
  const [declining, setDeclining] = useState(false);
  const notOpenYet = request.cycle.state === 'draft';
  const done = request.cycle.state === 'finalized' || request.cycle.state === 'released';
  const locked = request.status === 'declined' || notOpenYet || done;
  const length = [...body.trim()].length;
  const lengthOk = length >= MIN && length <= MAX;

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved('');
    // Sent as it is: the API's field messages say what is missing.
    save.mutate({ advocacy: (advocacy ?? '') as Advocacy, criteria, body: body.trim() }, { onSuccess: () => setSaved('Your note is saved. You can edit it until the cycle is finalized.') });
  }

  const toggle = (k: string) => setCriteria((c) => (c.includes(k) ? c.filter((x) => x !== k) : [...c, k]));
  const critErrors = listFieldErrors(save.error, 'criteria', (i) => framework.criteria.find((c) => c.key === criteria[i])?.title);
  // The cycle moved on since the inbox was loaded (or input is not open
  // yet): say so in the peer's terms rather than the API's.
  const saveError =
    save.error instanceof ApiError && save.error.code === 'cycle_locked'
      ? new Error('This cycle does not take notes now: notes can be written from the moment input opens until the cycle is finalized. Reload the inbox to see where it stands.')
      : save.error;

  return (
    <Page
      title={`Note about ${request.em.name}`}
      lead={
        <>
          {request.cycle.name} · asked by {request.requested_by.name}
          {request.cycle.input_due && (
            <>
              {' '}
              · {dueLabel(request.cycle.input_due)} ({formatDate(request.cycle.input_due)})
            </>
          )}
          {request.message && <blockquote>{request.message}</blockquote>}
        </>
      }
    >
      {locked && (
        <p className="notice">
          {request.status === 'declined'
            ? 'You declined this request.'
            : notOpenYet
              ? 'Input for this cycle is not open yet: you can write your note once the cycle’s lead opens input. The request stays in your inbox.'
              : 'The cycle is finalized: notes can no longer change.'}
        </p>
      )}
      {request.status !== 'declined' && (
        <p className="hint" id={`${id}-attribution`}>
          {notOpenYet ? (
            <>
              If input opened now, {request.em.name} would read your note {noteAttribution(request.cycle.peer_attribution, request.peer.function)} once the
              cycle is released. The lead can change this until input opens; it is fixed from then on.
            </>
          ) : (
            <>
              {request.em.name} will read your note {noteAttribution(request.cycle.peer_attribution, request.peer.function)} once the cycle is
              released. This was fixed when input opened and will not change.
            </>
          )}
        </p>
      )}
      <form onSubmit={submit} className="form note-form" noValidate>
        <fieldset disabled={locked} aria-describedby={`${id}-adv-err`}>
          <legend>Where do you stand?</legend>
          <div className="advocacy-options">
            {ADVOCACY.map((a) => (
              <label key={a} className={`radio-card advocacy-${a}`}>
                <input type="radio" name={`${id}-adv`} value={a} checked={advocacy === a} onChange={() => setAdvocacy(a)} />
                <span className="radio-card-title">{ADVOCACY_TEXT[a].label}</span>
                <span className="muted small-text">{ADVOCACY_TEXT[a].hint}</span>
              </label>
            ))}
          </div>
          <FieldError id={`${id}-adv-err`} message={fieldError(save.error, 'advocacy')} />
        </fieldset>

        <fieldset disabled={locked}>
          <legend>Which criteria does your note speak to?</legend>
          <ul className="criteria-chips">
            {framework.criteria.map((c) => (
              <li key={c.key}>
                <label className="criterion-chip">
                  <input type="checkbox" checked={criteria.includes(c.key)} onChange={() => toggle(c.key)} aria-describedby={`${id}-${c.key}-d`} />
                  <span className="chip-title">{c.title}</span>
                  <span className="chip-desc" id={`${id}-${c.key}-d`}>
                    {c.description}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          {critErrors.map((m) => (
            <p className="field-error" key={m}>
              {m}
            </p>
          ))}
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-body`}>Your note</label>
          <HintedTextarea
            id={`${id}-body`}
            rows={8}
            value={body}
            readOnly={locked}
            onChange={(e) => setBody(e.target.value)}
            aria-describedby={`${id}-count ${id}-body-err`}
            aria-invalid={fieldError(save.error, 'body') ? true : undefined}
          />
          <p id={`${id}-count`} className={lengthOk || length === 0 ? 'hint' : 'hint warn'} aria-live="polite">
            {length} / {MAX} characters
            {length < MIN ? ` · at least ${MIN}` : length > MAX ? ` · ${length - MAX} too many` : ''}
          </p>
          <FieldError id={`${id}-body-err`} message={fieldError(save.error, 'body')} />
        </div>
        <ErrorNote error={saveError} />
        {!locked && (
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            {request.status === 'open' && !request.note && (
              <button type="button" className="secondary" onClick={() => setDeclining(true)}>
                Decline
              </button>
            )}
            <Link to="/inbox">Back to the inbox</Link>
            <span role="status">{saved}</span>
          </div>
        )}
        {saved && <SavedHints hints={save.data?.hints} fieldLabel={() => 'Your note'} />}
      </form>
      <ConfirmDialog
        open={declining}
        title={`Decline the request about ${request.em.name}?`}
        confirmLabel="Decline"
        danger
        busy={decline.isPending}
        error={decline.error}
        onCancel={() => setDeclining(false)}
        onConfirm={() => decline.mutate(request.id, { onSuccess: () => navigate('/inbox') })}
      >
        <p>{request.requested_by.name} will see that you declined. You cannot write a note for this request afterwards.</p>
      </ConfirmDialog>
    </Page>
  );
}
