// The meeting's progress: how many of the agenda's EMs are decided and
// discussed, and roughly how long the rest will take.

export interface AgendaEntry {
  id: string;
  /** the agenda's own estimate of the discussion, in minutes */
  minutes: number;
}

/**
 * A meeting session: when this browser tab opened meeting mode on the
 * cycle, and who was decided then. Kept in sessionStorage, so a reload in
 * the middle of the meeting keeps its pace.
 */
export interface MeetingSession {
  startedAt: number;
  decidedAtStart: string[];
}

export interface Progress {
  total: number;
  decided: number;
  discussed: number;
  /** whole minutes left; 0 once everyone is decided */
  minutesLeft: number;
  /** what minutesLeft is based on */
  basis: 'pace' | 'agenda' | 'done';
}

/**
 * The rule for the time left:
 * - once at least one EM has been decided in this session, the meeting's
 *   own pace decides: the time since the session started divided by the
 *   decisions made in it, times the EMs still undecided;
 * - before that, the agenda's estimate: the sum of the minutes of the EMs
 *   still undecided;
 * - nothing once every EM is decided.
 * Minutes are rounded up: "about 1 minute" rather than "0" while anyone
 * is left. Decisions made before the session (an earlier meeting, a
 * director deciding ahead) count as decided but not toward the pace.
 */
export function meetingProgress(args: {
  agenda: readonly AgendaEntry[];
  decided: ReadonlySet<string>;
  discussed: ReadonlySet<string>;
  session: MeetingSession;
  now: number;
}): Progress {
  const { agenda, decided, discussed, session, now } = args;
  const undecided = agenda.filter((e) => !decided.has(e.id));
  const total = agenda.length;
  const progress = {
    total,
    decided: total - undecided.length,
    discussed: agenda.filter((e) => discussed.has(e.id)).length,
  };
  if (undecided.length === 0) return { ...progress, minutesLeft: 0, basis: 'done' };
  const before = new Set(session.decidedAtStart);
  const inSession = agenda.filter((e) => decided.has(e.id) && !before.has(e.id)).length;
  if (inSession > 0) {
    const perDecision = Math.max(0, now - session.startedAt) / inSession / 60_000;
    return { ...progress, minutesLeft: Math.max(1, Math.ceil(perDecision * undecided.length)), basis: 'pace' };
  }
  const estimate = undecided.reduce((n, e) => n + e.minutes, 0);
  return { ...progress, minutesLeft: Math.max(1, Math.ceil(estimate)), basis: 'agenda' };
}

/** "45 minutes", "1 minute", "1 h 20 min". */
export function formatMinutes(m: number): string {
  if (m < 60) return m === 1 ? '1 minute' : `${m} minutes`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

/** "12 of 30 decided · 8 discussed · about 45 minutes left at the current pace". */
export function progressText(p: Progress): string {
  const head = `${p.decided} of ${p.total} decided · ${p.discussed} discussed`;
  switch (p.basis) {
    case 'done':
      return `${head} · every EM decided`;
    case 'pace':
      return `${head} · about ${formatMinutes(p.minutesLeft)} left at the current pace`;
    case 'agenda':
      return `${head} · about ${formatMinutes(p.minutesLeft)} left by the agenda's estimate`;
  }
}

/** A session this old belongs to another meeting: a new one starts. */
export const SESSION_MAX_MS = 12 * 60 * 60_000;

/**
 * The tab's session of the cycle's meeting: the stored one while it is
 * under SESSION_MAX_MS old, else a new one starting now with who is
 * decided now.
 */
export function loadSession(
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  cycleId: string,
  decidedNow: readonly string[],
  now: number,
): MeetingSession {
  const key = `calibrate.meeting.${cycleId}`;
  try {
    const raw = storage?.getItem(key);
    if (raw) {
      const s = JSON.parse(raw) as Partial<MeetingSession>;
      if (
        typeof s.startedAt === 'number' &&
        Array.isArray(s.decidedAtStart) &&
        now - s.startedAt >= 0 &&
        now - s.startedAt < SESSION_MAX_MS
      ) {
        return { startedAt: s.startedAt, decidedAtStart: s.decidedAtStart.filter((x): x is string => typeof x === 'string') };
      }
    }
  } catch {
    // unreadable: start over
  }
  const fresh = { startedAt: now, decidedAtStart: [...decidedNow] };
  try {
    storage?.setItem(key, JSON.stringify(fresh));
  } catch {
    // storage full or refused: the session lasts as long as the screen
  }
  return fresh;
}
