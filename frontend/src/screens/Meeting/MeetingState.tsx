// The owners' meeting state of one EM: whether the room has discussed
// them, and a note shared by the owners (never released to the EM). Owners
// write it while the cycle is calibrating; admins read it. Every write
// sends the version read: a co-owner's write in between answers 409
// stale_version, and the form reloads theirs and lets the user choose.
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useMeetingState, useSaveMeeting } from '../../api/queries';
import type { Cycle, MeetingState } from '../../api/types';
import { useMe } from '../../auth/session';
import { ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatWhen } from '../../lib/format';

/** The discussed checkbox's id: the `m` shortcut presses it. */
export const DISCUSSED_ID = 'meeting-discussed';
export const NOTE_MAX = 5000;

export function MeetingStateBlock({ cycle, emId, emName }: { cycle: Cycle; emId: string; emName: string }) {
  const state = useMeetingState(cycle.id, emId);
  return (
    <section className="meeting-state" aria-labelledby="meeting-state-h">
      <h3 id="meeting-state-h">In the meeting</h3>
      <QueryState query={state} what="Loading the meeting state">
        {(m) => <MeetingStateForm cycle={cycle} emId={emId} emName={emName} current={m} reload={async () => (await state.refetch()).data} />}
      </QueryState>
    </section>
  );
}

function MeetingStateForm({
  cycle,
  emId,
  emName,
  current,
  reload,
}: {
  cycle: Cycle;
  emId: string;
  emName: string;
  current: MeetingState;
  reload: () => Promise<MeetingState | undefined>;
}) {
  const id = useId();
  const me = useMe();
  const save = useSaveMeeting(cycle.id, emId);
  const owner = cycle.owners.some((o) => o.id === me.id);
  const writable = owner && cycle.state === 'calibrating';
  // The note being written and the state it started from (`base`, whose
  // version a note save sends): a co-owner's newer state replaces both
  // only while the note is untouched; an edited note keeps its base, so
  // saving it over their change answers stale_version.
  const [note, setNote] = useState(current.note);
  const [base, setBase] = useState(current);
  const [seen, setSeen] = useState(current);
  const [status, setStatus] = useState('');
  const [conflict, setConflict] = useState<MeetingState | null>(null);
  const editing = note !== base.note;
  // While a write is on its way, the mark shows what it asks for.
  const shownDiscussed = save.isPending && save.variables ? save.variables.discussed : current.discussed;
  if (current.version !== seen.version) {
    setSeen(current);
    if (!editing) {
      setBase(current);
      setNote(current.note);
    }
  }

  function send(body: { discussed: boolean; note: string; version: number }, done: string) {
    if (save.isPending) return;
    setStatus('');
    save.mutate(body, {
      onSuccess: (m) => {
        // The field now shows what was saved, or the write was made on the
        // draft's base (the mark, which leaves the note as it was): the base
        // moves on with it.
        if (body.note === note || body.version === base.version) setBase(m);
        setConflict(null);
        setStatus(done);
      },
      onError: async (err) => {
        if (!(err instanceof ApiError && err.code === 'stale_version')) return;
        const theirs = await reload();
        if (!theirs) return;
        if (body.note !== note || !editing) {
          // The mark was pressed on an old state: theirs is shown, to press again.
          setStatus(`${theirs.updated_by?.name ?? 'A co-owner'} changed this meanwhile: reloaded, ${theirs.discussed ? 'discussed' : 'not discussed'}.`);
          return;
        }
        setConflict(theirs);
        setStatus('');
      },
    });
  }

  // Only the mark changes: the note goes as the server has it (the version
  // read with it), so a note being written is neither sent nor lost.
  function toggleDiscussed() {
    const discussed = !current.discussed;
    send(
      { discussed, note: current.note, version: current.version },
      discussed ? `${emName} marked as discussed.` : `${emName} marked as not discussed.`,
    );
  }

  function saveNote(e: FormEvent, version = base.version) {
    e.preventDefault();
    send({ discussed: current.discussed, note, version }, 'Meeting note saved.');
  }

  function takeTheirs() {
    if (!conflict) return;
    setNote(conflict.note);
    setBase(conflict);
    setConflict(null);
    setStatus('Their note is shown.');
    save.reset();
  }

  const updated = current.updated_by && current.updated_at && (
    <p className="muted small-text">
      Last changed by {current.updated_by.name} at <time dateTime={current.updated_at}>{formatWhen(current.updated_at)}</time>
    </p>
  );

  if (!writable) {
    return (
      <>
        <p>
          {current.discussed ? 'Discussed.' : 'Not discussed yet.'}{' '}
          <span className="muted">
            {owner ? 'The meeting state is written while the cycle is calibrating.' : 'The cycle’s owners write the meeting state.'}
          </span>
        </p>
        {current.note ? <p className="meeting-note">{current.note}</p> : <p className="muted">No meeting note.</p>}
        {updated}
      </>
    );
  }

  return (
    <form onSubmit={saveNote} aria-label={`Meeting note of ${emName}`}>
      <div className="check-row">
        {/* Stays enabled while saving, so that it keeps the focus; a change meanwhile is ignored. */}
        <input
          id={DISCUSSED_ID}
          type="checkbox"
          checked={shownDiscussed}
          onChange={toggleDiscussed}
          aria-describedby={`${id}-discussed-hint`}
          aria-keyshortcuts="M"
        />
        <label htmlFor={DISCUSSED_ID}>Discussed</label>
        <span id={`${id}-discussed-hint`} className="muted small-text">
          {' '}
          Marks {emName} on the agenda and the board for every owner.
        </span>
      </div>
      {conflict && (
        <div className="conflict" role="alert">
          <p>
            {conflict.updated_by?.name ?? 'A co-owner'} saved the meeting note (version {conflict.version}) after you started
            writing:
          </p>
          <blockquote>{conflict.note || 'No note.'}</blockquote>
          <div className="button-row">
            <button type="button" className="primary" onClick={takeTheirs}>
              Reload
            </button>
            <button type="button" className="secondary" onClick={(e) => saveNote(e as unknown as FormEvent, conflict.version)}>
              Save mine over it
            </button>
          </div>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-note`}>Shared meeting note</label>
        <textarea
          id={`${id}-note`}
          rows={3}
          maxLength={NOTE_MAX}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-describedby={`${id}-note-hint${fieldError(save.error, 'note') ? ` ${id}-note-err` : ''}`}
        />
        <p className="hint" id={`${id}-note-hint`}>
          For the owners only: never released to {emName}.{editing ? ' Not saved yet.' : ''}
        </p>
        <FieldError id={`${id}-note-err`} message={fieldError(save.error, 'note')} />
      </div>
      {!conflict && <ErrorNote error={save.error} />}
      <div className="form-actions">
        <button type="submit" className="secondary" aria-disabled={save.isPending || undefined}>
          {save.isPending ? 'Saving…' : 'Save note'}
        </button>
        <span role="status">{status}</span>
      </div>
      {updated}
    </form>
  );
}
