// Pre-reads (docs/calibration.md, "Fairness aids"): before the meeting,
// each owner of a calibrating cycle marks each participant's director
// assessment agree, question or abstain, with an optional comment. A
// question raises the `questioned` flag and puts the participant first on
// the agenda. The board and meeting mode show the counts and comments.
import { useId, useState } from 'react';
import { usePreread, useSavePreread } from '../api/queries';
import { useMe } from '../auth/session';
import { STANCES, type BoardRow, type Preread, type Stance } from '../api/types';
import { prereadCountsLabel, stanceLabel } from '../lib/format';
import { ErrorNote, fieldError, FieldError, QueryState } from './Status';

const COMMENT_MAX = 2000;

/** "1 question", "2 agree · 1 abstention", or `empty`. */
export function PrereadCounts({ row, empty }: { row: BoardRow; empty?: string }) {
  return (
    <span className={row.prereads.question > 0 ? 'preread-count has-question' : 'preread-count'}>
      {prereadCountsLabel(row.prereads, empty)}
    </span>
  );
}

/** Each owner's pre-read of the row, with their name and comment. */
export function PrereadComments({ row }: { row: BoardRow }) {
  if (row.preread_comments.length === 0) return <p className="muted">No owner has written a pre-read of {row.em.name} yet.</p>;
  return (
    <ul className="preread-comments" aria-label={`Pre-reads of ${row.em.name}`}>
      {row.preread_comments.map((c) => (
        <li key={c.owner.id}>
          <strong>{c.owner.name}</strong>: {stanceLabel(c.stance)}
          {c.comment && <> · “{c.comment}”</>}
        </li>
      ))}
    </ul>
  );
}

/**
 * The caller's own pre-read of a participant, for an owner while the cycle
 * is calibrating. The board row lists every owner's pre-read, so it is only
 * fetched when the caller has one: asking for an absent one would be an
 * expected 404 that the browser still reports as an error.
 */
export function PrereadForm({ cycleId, row }: { cycleId: string; row: BoardRow }) {
  const me = useMe();
  const emId = row.em.id;
  const written = row.preread_comments.some((c) => c.owner.id === me.id);
  const mine = usePreread(cycleId, emId, written);
  // Written but not loaded yet: wait for it (or show why it failed).
  if (written && !mine.isSuccess) {
    return (
      <QueryState query={mine} what="Loading your pre-read">
        {(p: Preread | null) => <StanceForm cycleId={cycleId} emId={emId} emName={row.em.name} current={p} />}
      </QueryState>
    );
  }
  // Loaded, just saved here (the save fills the query), or not written.
  return <StanceForm cycleId={cycleId} emId={emId} emName={row.em.name} current={mine.data ?? null} />;
}

function StanceForm({ cycleId, emId, emName, current }: { cycleId: string; emId: string; emName: string; current: Preread | null }) {
  const id = useId();
  const save = useSavePreread(cycleId, emId);
  const [comment, setComment] = useState(current?.comment ?? '');
  const [saved, setSaved] = useState('');
  // The stance as the server has it: the GET, then each PUT's answer.
  const stance = current?.stance ?? null;

  function put(s: Stance) {
    if (save.isPending) return;
    setSaved('');
    save.mutate(
      { stance: s, comment: comment.trim() || null },
      { onSuccess: (p) => setSaved(`Saved: ${stanceLabel(p.stance)}${p.comment ? ', with your comment' : ''}.`) },
    );
  }

  return (
    <div className="preread" role="group" aria-labelledby={`${id}-h`}>
      <p id={`${id}-h`}>
        <strong>Your pre-read</strong> of the director’s assessment of {emName}
      </p>
      <div className="preread-stances">
        {STANCES.map((s) => (
          <button key={s} type="button" className="secondary" aria-pressed={stance === s} onClick={() => put(s)}>
            {stanceLabel(s)}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor={`${id}-comment`}>Comment (optional)</label>
        <textarea
          id={`${id}-comment`}
          rows={2}
          maxLength={COMMENT_MAX}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          aria-describedby={`${id}-comment-hint ${id}-comment-err`}
        />
        <p className="hint" id={`${id}-comment-hint`}>
          {stance ? 'Saved with your stance; the other owners read it on the board and in the meeting.' : 'Choose a stance to save it with.'}
        </p>
        <FieldError id={`${id}-comment-err`} message={fieldError(save.error, 'comment')} />
      </div>
      <div className="button-row">
        <button type="button" className="secondary small" onClick={() => stance && put(stance)} disabled={!stance}>
          Save comment
        </button>
        <span role="status" className="saved">
          {saved}
        </span>
      </div>
      <ErrorNote error={save.error} />
    </div>
  );
}
