// Who changed what, as it happens: the latest change a co-owner made to
// the cycle on screen, in a polite live region (screen readers read it
// when it changes, without interrupting), and visible to everyone else.
import { useEffect, useState } from 'react';
import type { LiveCycle } from '../api/live';
import { formatWhen } from '../lib/format';

/** A reconnection shorter than this (the usual one, when an access token expires) is not worth a word. */
const PAUSE_SHOWN_AFTER_MS = 3000;

export function LiveChanges({ live }: { live: LiveCycle }) {
  const [paused, setPaused] = useState(false);
  const waiting = live.status === 'waiting' || live.status === 'connecting';
  useEffect(() => {
    if (!waiting) return setPaused(false);
    const t = setTimeout(() => setPaused(true), PAUSE_SHOWN_AFTER_MS);
    return () => clearTimeout(t);
  }, [waiting]);
  if (live.status === 'off') return null;
  const last = live.last;
  return (
    <div className="live-changes">
      {/* Always rendered, so that a change of its text is announced. */}
      <p role="status" className="live-note">
        {last && (
          <>
            <span className="live-dot" aria-hidden="true" />
            {last.sentence}
            <span className="muted">
              {' '}
              · <time dateTime={last.at}>{formatWhen(last.at)}</time>
            </span>
          </>
        )}
      </p>
      {paused && <p className="muted small-text">Live updates paused: reconnecting…</p>}
    </div>
  );
}
