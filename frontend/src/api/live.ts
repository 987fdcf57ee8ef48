// Live updates of a cycle on screen: while a screen shows the cycle, its
// event stream is followed (api/events.ts); each event refetches the
// queries it makes stale and, when someone else made the change, says who
// changed what (lib/live.ts). Only the cycle's owners and the
// organisation's admins may follow it; for anyone else nothing is opened.
import { useEffect, useState } from 'react';
import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { api } from './client';
import { followEvents, type StreamStatus } from './events';
import { useCycle } from './queries';
import type { ActivityPage, Agenda, Board, Cycle } from './types';
import { useMe } from '../auth/session';
import { affectedQueries, cycleQueries, describeChange, nameDirectory, type ChangeNotice } from '../lib/live';

export interface LiveCycle {
  /** the latest change someone else made, while the screen has been open */
  last: ChangeNotice | null;
  /** the latest such change of each EM, by EM id */
  byEm: Record<string, ChangeNotice>;
  status: StreamStatus | 'off';
}

/** Every name the screen holds for the cycle: its owners and participants, the board's EMs and raters, the activity's actors. */
function namesOf(qc: QueryClient, cycleId: string, me: { id: string; name: string }) {
  const cycle = qc.getQueryData<Cycle>(['cycle', cycleId]);
  const boards = qc.getQueriesData<Board>({ queryKey: ['board', cycleId] }).map(([, b]) => b);
  const agenda = qc.getQueryData<Agenda>(['agenda', cycleId]);
  const activity = qc.getQueryData<InfiniteData<ActivityPage>>(['activity', cycleId]);
  return nameDirectory(
    [me],
    cycle && [cycle.lead, ...cycle.owners, ...cycle.participants],
    ...boards.map((b) => b && [...b.rows.map((r) => r.em), ...b.raters.map((r) => r.director), ...b.rows.flatMap((r) => r.preread_comments.map((c) => c.owner))]),
    agenda?.items.map((i) => i.em),
    activity?.pages.flatMap((p) => p.items.flatMap((i) => (i.em ? [i.actor, i.em] : [i.actor]))),
  );
}

export function useCycleEvents(cycleId: string | undefined): LiveCycle {
  const qc = useQueryClient();
  const me = useMe();
  // By value: a token refresh brings a new user object, and must not reopen the stream.
  const { id: meId, name: meName } = me;
  const cycle = useCycle(cycleId);
  const allowed = !!cycleId && (me.role === 'admin' || !!cycle.data?.owners.some((o) => o.id === me.id));
  const [state, setState] = useState<Omit<LiveCycle, 'status'>>({ last: null, byEm: {} });
  const [status, setStatus] = useState<StreamStatus>('connecting');

  useEffect(() => {
    if (!allowed || !cycleId) return;
    const self = { id: meId, name: meName };
    const stop = new AbortController();
    const refetch = (keys: readonly (readonly unknown[])[]) => {
      for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
    };
    void followEvents({
      open: (lastEventId, signal) => api.cycleEvents(cycleId, { lastEventId, signal }),
      onEvent: (e) => {
        if (e.cycle_id && e.cycle_id !== cycleId) return;
        refetch(affectedQueries(cycleId, e));
        // One's own change (from this tab or another) is told by the form that saved it.
        if (e.actor_id && e.actor_id === self.id) return;
        const names = namesOf(qc, cycleId, self);
        const notice = describeChange(e, (id) => names.get(id));
        setState((s) => ({ last: notice, byEm: notice.emId ? { ...s.byEm, [notice.emId]: notice } : s.byEm }));
      },
      onResync: () => refetch(cycleQueries(cycleId)),
      onStatus: setStatus,
      signal: stop.signal,
    });
    return () => stop.abort();
  }, [allowed, cycleId, qc, meId, meName]);

  return { ...state, status: allowed ? status : 'off' };
}
