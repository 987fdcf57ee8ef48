// Meeting mode: the calibration meeting walks the agenda (most in need of
// discussion first), one EM at a time, with the flags, the evidence, the
// owners' pre-reads, the peer notes, the readiness decision and the
// owners' meeting state, beside the activity of the meeting, under the
// admins' changes to the cycle's people, if any. Co-owners' changes show
// as they happen, with who made them. It is made to be run from the
// keyboard (lib/shortcuts.ts; `?` lists the keys). Loaded lazily.
import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useCycleEvents } from '../../api/live';
import { useAgenda, useBoard, useCycle, useCycleNotes } from '../../api/queries';
import { AdminNotices } from '../../components/AdminNotices';
import { LiveChanges } from '../../components/LiveChanges';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, Loading } from '../../components/Status';
import { flagLabel, readinessLabel } from '../../lib/format';
import { loadSession, meetingProgress, progressText, type MeetingSession } from '../../lib/progress';
import { meetingShortcut, type MeetingAction } from '../../lib/shortcuts';
import { ActivityPanel } from './ActivityPanel';
import { EmPanel, focusDecision } from './EmPanel';
import { DISCUSSED_ID } from './MeetingState';
import { ShortcutsHelp } from './ShortcutsHelp';

/** How often the time left is worked out again while nothing else changes. */
const CLOCK_MS = 30_000;

function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // refused by the browser's settings
  }
}

export default function MeetingMode() {
  const { cycleId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const agenda = useAgenda(cycleId);
  const board = useBoard(cycleId);
  const cycle = useCycle(cycleId);
  const notes = useCycleNotes(cycleId);
  const live = useCycleEvents(cycleId);
  const [help, setHelp] = useState(false);
  const [said, setSaid] = useState('');
  const activityHeading = useRef<HTMLHeadingElement>(null);

  // The agenda's order is fixed when the meeting opens: a decision changes
  // the flags, and the list must not reshuffle under the people walking it.
  // It waits for a fresh agenda, not one kept from before a pre-read put
  // someone first.
  const [order, setOrder] = useState<string[] | null>(null);
  useEffect(() => {
    if (agenda.data && !agenda.isFetching && !order) setOrder(agenda.data.items.map((i) => i.em.id));
  }, [agenda.data, agenda.isFetching, order]);
  const latest = agenda.data?.items ?? [];
  const items = order
    ? [
        ...order.flatMap((id) => latest.filter((i) => i.em.id === id)),
        ...latest.filter((i) => !order.includes(i.em.id)),
      ]
    : latest;
  const current = Math.max(0, items.findIndex((i) => i.em.id === params.get('em')));
  const item = items[current];
  const [moved, setMoved] = useState(false);
  // `d` pressed while the decision loads: it takes the focus once loaded,
  // unless the user moved on to another EM meanwhile.
  const decisionWanted = useRef(false);
  const go = (i: number) => {
    const target = items[i];
    if (!target) return;
    decisionWanted.current = false;
    setMoved(true);
    setParams({ em: target.em.id }, { replace: true });
  };

  // Who is decided and discussed, from the board (refetched on every change).
  const rows = board.data?.rows ?? [];
  const decided = new Map(rows.flatMap((r) => (r.readiness.decision ? [[r.em.id, r.readiness.decision] as const] : [])));
  const discussed = new Set(rows.filter((r) => r.meeting.discussed).map((r) => r.em.id));

  // The meeting session this tab keeps, for the pace (lib/progress.ts).
  const [session, setSession] = useState<MeetingSession | null>(null);
  const boardLoaded = !!board.data;
  useEffect(() => {
    if (boardLoaded && !session) setSession(loadSession(storage(), cycleId, [...decided.keys()], Date.now()));
  }, [boardLoaded, session, cycleId, decided]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(t);
  }, []);
  const progress = meetingProgress({
    agenda: items.map((i) => ({ id: i.em.id, minutes: i.minutes })),
    decided: new Set(decided.keys()),
    discussed,
    session: session ?? { startedAt: now, decidedAtStart: [...decided.keys()] },
    now: Math.max(now, session?.startedAt ?? 0),
  });

  // The keys act through the latest render's handlers.
  const actions = useRef<Record<MeetingAction, () => void>>(null!);
  actions.current = {
    next: () => (current < items.length - 1 ? go(current + 1) : setSaid(`${item?.em.name ?? 'This'} is the last EM on the agenda.`)),
    previous: () => (current > 0 ? go(current - 1) : setSaid(`${item?.em.name ?? 'This'} is the first EM on the agenda.`)),
    decision: () => {
      if (focusDecision()) return;
      decisionWanted.current = true;
      setSaid('Loading the decision…');
    },
    discussed: () => {
      const box = document.getElementById(DISCUSSED_ID);
      // Pressing the checkbox saves it, and leaves the focus where it is.
      if (box instanceof HTMLInputElement) box.click();
      else setSaid('Only the cycle’s owners mark EMs discussed, while the cycle is calibrating.');
    },
    activity: () => activityHeading.current?.focus(),
    help: () => setHelp(true),
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector('dialog[open]')) return;
      const t = e.target instanceof HTMLElement ? e.target : null;
      const action = meetingShortcut({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        target: t && { tagName: t.tagName, type: t instanceof HTMLInputElement ? t.type : undefined, isContentEditable: t.isContentEditable, role: t.getAttribute('role') },
      });
      if (!action) return;
      e.preventDefault();
      setSaid('');
      actions.current[action]();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const error = agenda.error ?? board.error ?? cycle.error;
  if (error) return <ErrorNote error={error} />;
  if (!agenda.data || !board.data || !cycle.data) return <Loading what="Preparing the meeting" />;

  const total = items.reduce((n, i) => n + i.minutes, 0);
  const titles = Object.fromEntries(board.data.criteria.map((c) => [c.key, c.title]));
  return (
    <Page
      title={`Meeting: ${cycle.data.name}`}
      wide
      lead={
        <>
          <Link to={`/cycles/${cycleId}`}>{cycle.data.name}</Link> · {items.length} EMs, about {total} minutes
        </>
      }
      actions={
        <>
          <button type="button" className="secondary" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            Keyboard shortcuts
          </button>
          <Link className="button secondary" to={`/cycles/${cycleId}/board`}>
            Back to the board
          </Link>
        </>
      }
    >
      <AdminNotices notices={board.data.notices} />
      <LiveChanges live={live} />
      <p className="visually-hidden" role="status">
        {said}
      </p>
      {items.length === 0 ? (
        <Empty>The agenda is empty: this cycle has no participants.</Empty>
      ) : (
        <div className="meeting">
          <nav aria-label="Agenda" className="agenda">
            <h2>Agenda</h2>
            <p className="meeting-progress small-text" id="meeting-progress">
              {progressText(progress)}
            </p>
            <progress max={progress.total} value={progress.decided} aria-labelledby="meeting-progress" />
            <ol>
              {items.map((it, i) => {
                const decision = decided.get(it.em.id);
                const change = live.byEm[it.em.id];
                return (
                  <li key={it.em.id}>
                    <button
                      type="button"
                      className={i === current ? 'agenda-item current' : 'agenda-item'}
                      aria-current={i === current ? 'true' : undefined}
                      onClick={() => go(i)}
                    >
                      <span className="agenda-name">{it.em.name}</span>
                      {decision && (
                        <span className="agenda-decided small-text">
                          <span aria-hidden="true">✓ </span>Decided: {readinessLabel(decision)}
                        </span>
                      )}
                      {discussed.has(it.em.id) && <span className="agenda-discussed small-text">Discussed</span>}
                      {change && <span className="agenda-change small-text">{change.short}</span>}
                      <span className="muted small-text">
                        {it.minutes} min{it.reasons.length > 0 && ` · ${it.reasons.map(flagLabel).join(', ')}`}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ol>
          </nav>
          {item && (
            <EmPanel
              key={item.em.id}
              cycle={cycle.data}
              board={board.data}
              emId={item.em.id}
              notes={(notes.data?.items ?? []).filter((n) => n.em.id === item.em.id)}
              notesLoading={notes.isPending}
              position={`${current + 1} of ${items.length}`}
              changedBy={live.byEm[item.em.id]?.short}
              focusOnOpen={moved}
              decisionWanted={decisionWanted}
              onPrev={current > 0 ? () => go(current - 1) : undefined}
              onNext={current < items.length - 1 ? () => go(current + 1) : undefined}
            />
          )}
          <ActivityPanel cycleId={cycleId} titles={titles} headingRef={activityHeading} />
        </div>
      )}
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </Page>
  );
}
