// What admins changed under a cycle: roles, reporting lines and accounts
// of its owners and participants, as the board reports them. Shown to the
// owners on the board and in meeting mode, so that nobody steers a cycle
// through the people directory unseen.
import { useId } from 'react';
import type { BoardNotice } from '../api/types';

export function AdminNotices({ notices }: { notices: readonly BoardNotice[] }) {
  const id = useId();
  if (notices.length === 0) return null;
  return (
    <section className="notice admin-notices" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Changes by admins</h2>
      <p className="small-text">
        An admin changed people of this cycle while it runs. Check that each EM is still rated and decided by the right director.
      </p>
      <ul>
        {notices.map((n, i) => (
          <li key={`${n.at}-${n.kind}-${i}`} className={`admin-notice kind-${n.kind}`}>
            {n.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
