// A peer's note about an EM: where they stand (advocacy), the criteria it
// speaks to, and the body (20 to 5000 characters). Written from the moment
// input opens (the cycle's attribution is fixed then, and the editor says
// how the EM will read the note) until the cycle is finalized; the peer may
// decline instead. Language hints underline words that judge character,
// vague praise and the like as the peer types, and never block the save.
import { useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useDecline, useFramework, usePeerRequests, useSaveNote } from '../../api/queries';
import { ADVOCACY, type Advocacy, type Framework, type PeerRequest } from '../../api/types';
import { ConfirmDialog } from '../../components/Dialog';
import { HintedTextarea, SavedHints } from '../../components/HintedTextarea';
import { Page } from '../../components/Page';
import { ErrorSummary, Field, FieldMessage, RequiredMark, summaryItems, useForm } from '../../components/Form';
import { ErrorNote, Loading } from '../../components/Status';
import { DECLINE_GONE, maxLength, minLength, required, type Rules, type ServerField } from '../../lib/form';
import { noteAttribution, requestDue } from '../../lib/format';

const MIN = 20;
const MAX = 5000;

interface NoteValues {
  advocacy: Advocacy | '';
  criteria: string[];
  body: string;
}

const RULES: Rules<NoteValues> = {
  advocacy: [required('Choose where you stand')],
  body: [required('Write your note'), minLength(MIN, 'your note'), maxLength(MAX, 'your note')],
};

const SERVER: Record<string, ServerField> = {
  advocacy: { field: 'advocacy', what: 'where you stand', choose: 'Choose where you stand' },
  criteria: { field: 'criteria', what: 'a chosen criterion' },
  body: { field: 'body', what: 'your note' },
};

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
  const form = useForm<NoteValues>(
    () => ({ advocacy: request.note?.advocacy ?? '', criteria: request.note?.criteria ?? [], body: request.note?.body ?? '' }),
    RULES,
    SERVER,
  );
  const { advocacy, criteria, body } = form.values;
  const [saved, setSaved] = useState('');
  const [declining, setDeclining] = useState(false);
  const notOpenYet = request.cycle.state === 'draft';
  const done = request.cycle.state === 'finalized' || request.cycle.state === 'released';
  const locked = request.status === 'declined' || notOpenYet || done;
  const written = !!request.note || save.isSuccess;

  const submit = form.submit((v) => {
    setSaved('');
    save.mutate(
      { advocacy: v.advocacy as Advocacy, criteria: v.criteria, body: v.body.trim() },
      {
        onSuccess: () => setSaved('Your note is saved. You can edit it until the cycle is finalized.'),
        onError: (err) => form.fail(err),
      },
    );
  });

  const toggle = (k: string) => form.set('criteria', criteria.includes(k) ? criteria.filter((x) => x !== k) : [...criteria, k]);
  // The cycle moved on since the inbox was loaded (or input is not open
  // yet): say so in the peer's terms rather than the API's. Field errors
  // show at their fields and in the summary.
  const saveError =
    save.error instanceof ApiError && save.error.code === 'cycle_locked'
      ? new Error('This cycle does not take notes now: notes can be written from the moment input opens until the cycle is finalized. Reload the inbox to see where it stands.')
      : save.error instanceof ApiError && Object.keys(save.error.fields).length > 0
        ? null
        : save.error;
  const advId = form.idOf('advocacy');

  return (
    <Page
      title={`Note about ${request.em.name}`}
      lead={
        <>
          {request.cycle.name} · asked by {request.requested_by.name}
          {request.cycle.input_due && <> · {requestDue(request).text}</>}
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
        <ErrorSummary items={summaryItems(form, ['advocacy', 'criteria', 'body'])} other={form.rest} focusKey={form.focusKey} />
        <fieldset
          id={advId}
          disabled={locked}
          aria-invalid={form.errors.advocacy ? true : undefined}
          aria-describedby={form.errors.advocacy ? `${advId}-err` : undefined}
        >
          <legend>
            Where do you stand?
            <RequiredMark />
          </legend>
          <div className="advocacy-options">
            {ADVOCACY.map((a) => (
              <label key={a} className={`radio-card advocacy-${a}`}>
                <input type="radio" name={`${id}-adv`} value={a} required checked={advocacy === a} onChange={() => form.set('advocacy', a)} />
                <span className="radio-card-title">{ADVOCACY_TEXT[a].label}</span>
                <span className="muted small-text">{ADVOCACY_TEXT[a].hint}</span>
              </label>
            ))}
          </div>
          <FieldMessage id={`${advId}-err`} message={form.errors.advocacy} />
        </fieldset>

        <fieldset disabled={locked} id={form.idOf('criteria')}>
          <legend>Which criteria does your note speak to? (optional)</legend>
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
          <FieldMessage id={`${form.idOf('criteria')}-err`} message={form.errors.criteria} />
        </fieldset>

        <Field form={form} name="body" label="Your note" required max={MAX} min={MIN}>
          {(p) => <HintedTextarea {...p} rows={8} value={body} readOnly={locked} onChange={(e) => form.set('body', e.target.value)} />}
        </Field>
        <ErrorNote error={saveError} />
        {!locked && (
          <div className="form-actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            {request.status === 'open' && !written && (
              <button type="button" className="secondary" onClick={() => setDeclining(true)}>
                Decline
              </button>
            )}
            <Link to="/inbox">Back to the inbox</Link>
            <span role="status">{saved}</span>
          </div>
        )}
        {!locked && written && (
          <p className="hint">{DECLINE_GONE}</p>
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
