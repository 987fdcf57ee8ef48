// The meeting record beside the meeting: every change since calibration
// began (ratings, decisions, the discussed marks and notes, participants),
// newest first, as sentences with their reasons. Co-owners' changes come
// in as they happen (the cycle's events refetch it).
import type { Ref } from 'react';
import { useActivity } from '../../api/queries';
import { ErrorNote, Loading } from '../../components/Status';
import { activitySentence } from '../../lib/activity';
import { formatWhen } from '../../lib/format';

export function ActivityPanel({ cycleId, titles, headingRef }: { cycleId: string; titles: Record<string, string>; headingRef?: Ref<HTMLHeadingElement> }) {
  const activity = useActivity(cycleId);
  const items = activity.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    // Focusable: on a wide screen it scrolls on its own, and keyboard users scroll it too.
    <aside className="activity" aria-labelledby="activity-h" tabIndex={0}>
      <h2 id="activity-h" ref={headingRef} tabIndex={-1}>
        Activity
      </h2>
      <p className="muted small-text">Every change since calibration began, newest first.</p>
      {activity.error ? (
        <ErrorNote error={activity.error} />
      ) : !activity.data ? (
        <Loading what="Loading the activity" />
      ) : items.length === 0 ? (
        <p className="muted">No change yet.</p>
      ) : (
        <ol className="activity-list" aria-label="Changes, newest first">
          {items.map((i) => (
            <li key={i.id}>
              <p>{activitySentence(i, titles)}</p>
              <time className="muted small-text" dateTime={i.at}>
                {formatWhen(i.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
      {activity.hasNextPage && (
        <button type="button" className="secondary small" onClick={() => void activity.fetchNextPage()} aria-disabled={activity.isFetchingNextPage || undefined}>
          {activity.isFetchingNextPage ? 'Loading…' : 'Show older changes'}
        </button>
      )}
    </aside>
  );
}
