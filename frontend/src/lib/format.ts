// Words and numbers as the app shows them.
import type { Advocacy, Attribution, CycleState, PlanStatus, Readiness, Scale, Stance, Trend, UserFunction } from '../api/types';
import { READINESS, STANCES } from '../api/types';

const READINESS_LABELS: Record<Readiness, string> = {
  ready_now: 'Ready now',
  ready_6_12_months: 'Ready in 6–12 months',
  ready_12_24_months: 'Ready in 12–24 months',
  not_yet: 'Not yet',
};

/** "Ready now" … "Not yet"; `empty` for no value (undecided, no suggestion). */
export function readinessLabel(r: Readiness | null | undefined, empty = 'Undecided'): string {
  if (!r) return empty;
  return READINESS_LABELS[r] ?? r;
}

/** 0 for ready_now … 3 for not_yet; 4 for none, so that none sorts last. */
export function readinessRank(r: Readiness | null | undefined): number {
  const i = r ? READINESS.indexOf(r) : -1;
  return i < 0 ? READINESS.length : i;
}

/** The composite as the board shows it: two decimals, or an en dash. */
export function formatComposite(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toFixed(2);
}

/** A composite difference: "+0.25", "−0.13", "0.00", or an en dash. */
export function formatSignedComposite(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const s = Math.abs(n).toFixed(2);
  if (s === '0.00') return s;
  return n > 0 ? `+${s}` : `−${s}`;
}

/** "8 of 9 rated" when a composite is over only part of the criteria; empty when over all (or none). */
export function ratedNote(rated: number, total: number): string {
  return rated > 0 && rated < total ? `${rated} of ${total} rated` : '';
}

/** A share 0..1 as a whole percentage, or an en dash. */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${Math.round(share * 100)}%`;
}

/** A signed difference with a real minus sign: "+1", "−2", "0". */
export function formatSigned(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `−${Math.abs(n)}`;
  return '0';
}

const STATE_LABELS: Record<CycleState, string> = {
  draft: 'Draft',
  input_open: 'Input open',
  calibrating: 'Calibrating',
  finalized: 'Finalized',
  released: 'Released',
};

export const stateLabel = (s: CycleState): string => STATE_LABELS[s] ?? s;

export interface TransitionInfo {
  to: CycleState;
  /** the button's name */
  action: string;
  /** what the move locks or releases, for the confirmation dialog */
  consequence: string;
}

const TRANSITIONS: Partial<Record<CycleState, TransitionInfo>> = {
  draft: {
    to: 'input_open',
    action: 'Open input',
    consequence:
      'EMs can write their self-assessments and nominate peers, peers can write notes, and directors can start rating. Participants, co-owners and settings can no longer be changed: the peer attribution is fixed, and every note is written under it.',
  },
  input_open: {
    to: 'calibrating',
    action: 'Start calibration',
    consequence:
      'Self-assessments are locked and no new peer requests can be sent. Directors keep rating, compare on the board and record a readiness decision for every participant. Peers can still edit their notes.',
  },
  calibrating: {
    to: 'finalized',
    action: 'Finalize',
    consequence:
      'Everything is locked: ratings, decisions and peer notes can no longer change. Every participant needs a decision first.',
  },
  finalized: {
    to: 'released',
    action: 'Release',
    consequence:
      'Each EM can read their own director ratings with evidence, the peer notes about them (attributed as the cycle says), the decision and its rationale. Private calibration notes are never released. This cannot be undone.',
  },
};

export const transitionFrom = (s: CycleState): TransitionInfo | null => TRANSITIONS[s] ?? null;

const FLAG_LABELS: Record<string, string> = {
  incomplete: 'Incomplete',
  missing_evidence: 'Missing evidence',
  self_gap: 'Self gap',
  peer_divergence: 'Peer divergence',
  no_peer_input: 'No peer input',
  big_move: 'Big move',
  stalled: 'Stalled',
  short_tenure: 'Short tenure',
  language: 'Language',
  questioned: 'Questioned',
};

export function flagLabel(code: string): string {
  return FLAG_LABELS[code] ?? code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

const ADVOCACY_LABELS: Record<Advocacy, string> = {
  strong: 'Strong advocate',
  support: 'Supports',
  neutral: 'Neutral',
  concern: 'Has a concern',
};

export const advocacyLabel = (a: Advocacy): string => ADVOCACY_LABELS[a] ?? a;

const STANCE_LABELS: Record<Stance, string> = {
  agree: 'Agree',
  question: 'Question',
  abstain: 'Abstain',
};

/** An owner's pre-read stance as its button names it: "Agree", "Question", "Abstain". */
export const stanceLabel = (s: Stance): string => STANCE_LABELS[s] ?? s;

const STANCE_COUNTED: Record<Stance, [string, string]> = {
  agree: ['agree', 'agree'],
  question: ['question', 'questions'],
  abstain: ['abstention', 'abstentions'],
};

/** A board row's pre-read counts: "1 question", "2 agree · 1 abstention"; `empty` when there are none. */
export function prereadCountsLabel(counts: Record<Stance, number>, empty = 'No pre-reads'): string {
  const parts = STANCES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${STANCE_COUNTED[s][counts[s] === 1 ? 0 : 1]}`);
  return parts.length > 0 ? parts.join(' · ') : empty;
}

const ATTRIBUTION_LABELS: Record<Attribution, string> = {
  named: 'Named: EMs see who wrote each note',
  by_function: 'By function: EMs see “a product partner”',
  anonymous: 'Anonymous: EMs see “a peer”',
};

export const attributionLabel = (a: Attribution): string => ATTRIBUTION_LABELS[a] ?? a;

/** How the attribution reaches the peers: a promise, fixed when input opens. */
export const ATTRIBUTION_PROMISE =
  'This is a promise to the peers you ask: it says how the EM will read their notes once the cycle is released. You can change it while the cycle is a draft; it is fixed when input opens, before any peer can write.';

/** "a product partner", "an operations partner", as a by-function note is attributed on release. */
export function functionPartner(f: UserFunction): string {
  if (f === 'other') return 'a partner from another function';
  return /^[aeiou]/.test(f) ? `an ${f} partner` : `a ${f} partner`;
}

/**
 * How the EM will read the peer's note once the cycle is released, in the
 * peer's words: "with your name and function", "as from “a product
 * partner”, without your name", "as from “a colleague”, without your name
 * or function".
 */
export function noteAttribution(a: Attribution, peerFunction: UserFunction): string {
  switch (a) {
    case 'named':
      return `with your name and function (${functionLabel(peerFunction).toLowerCase()})`;
    case 'by_function':
      return `as from “${functionPartner(peerFunction)}”, without your name`;
    default:
      return 'as from “a colleague”, without your name or function';
  }
}

const FUNCTION_LABELS: Record<UserFunction, string> = {
  product: 'Product',
  design: 'Design',
  operations: 'Operations',
  engineering: 'Engineering',
  other: 'Other',
};

export const functionLabel = (f: UserFunction): string => FUNCTION_LABELS[f] ?? f;

const PLAN_LABELS: Record<PlanStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  dropped: 'Dropped',
};

const TREND_LABELS: Record<Trend, string> = {
  rising: 'Rising',
  flat: 'Flat',
  falling: 'Falling',
};

/** The composite's direction over the last cycles, as a person reads it. */
export const trendLabel = (t: Trend): string => TREND_LABELS[t] ?? t;

export const planStatusLabel = (s: PlanStatus): string => PLAN_LABELS[s] ?? s;

/** "3 · Consistently at the senior bar", from the framework's scale. */
export function scoreLabel(score: number | null | undefined, scale: Scale): string {
  if (score === null || score === undefined) return 'Not rated';
  const label = scale.labels[score - scale.min];
  return label ? `${score} · ${label}` : String(score);
}

/** Scores of the scale, lowest first. */
export function scaleSteps(scale: Scale): number[] {
  const out: number[] = [];
  for (let s = scale.min; s <= scale.max; s++) out.push(s);
  return out;
}

/**
 * Where and how a date is read: the reader's locale and time zone unless a
 * test names others.
 */
export interface DateOptions {
  locale?: string | string[];
  timeZone?: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(o: Intl.DateTimeFormatOptions, { locale, timeZone }: DateOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([locale, timeZone ?? o.timeZone, o.dateStyle, o.timeStyle]);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...o, timeZone: timeZone ?? o.timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** A calendar date (YYYY-MM-DD) as midnight UTC, or null when the value is not one. */
function calendarDate(value: string): Date | null {
  const m = DATE_ONLY.exec(value);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

/**
 * A date in the reader's locale ("6 Dec 2026", "Dec 6, 2026", "06.12.2026"),
 * from a calendar date (YYYY-MM-DD: the same day in every time zone) or an
 * RFC 3339 time (the day it was in the reader's time zone); en dash for none.
 */
export function formatDate(value: string | null | undefined, opts: DateOptions = {}): string {
  if (!value) return '–';
  const day = calendarDate(value);
  if (day) return formatter({ dateStyle: 'medium', timeZone: 'UTC' }, { locale: opts.locale }).format(day);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : formatter({ dateStyle: 'medium' }, opts).format(d);
}

/** A moment with its date as formatDate writes it and the time of day, in the reader's locale and time zone. */
export function formatDateTime(value: string | null | undefined, opts: DateOptions = {}): string {
  if (!value) return '–';
  if (calendarDate(value)) return formatDate(value, opts);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : formatter({ dateStyle: 'medium', timeStyle: 'short' }, opts).format(d);
}

/** Days from the reader's today to a YYYY-MM-DD date; negative when past. */
export function daysUntil(date: string, now: Date = new Date()): number {
  const due = Date.parse(`${date}T00:00:00Z`);
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((due - today) / 86_400_000);
}

/**
 * A cycle's input due date as its owners read it. "Overdue" only while
 * input is open: a draft's past date is just a date, and once calibration
 * starts input is closed, however late that was.
 */
export function inputDueText(state: CycleState, due: string | null | undefined, now: Date = new Date()): string {
  if (!due) return 'No input due date';
  const when = formatDate(due);
  if (state === 'input_open') return `Input ${dueLabel(due, now)} (${when})`;
  if (state === 'draft') return daysUntil(due, now) >= 0 ? `Input ${dueLabel(due, now)} (${when})` : `Input due ${when}`;
  return `Input closed (was due ${when})`;
}

/** "due in 3 days", "due today", "4 days overdue". */
export function dueLabel(date: string | null | undefined, now: Date = new Date()): string {
  if (!date) return 'no due date';
  const d = daysUntil(date, now);
  if (d === 0) return 'due today';
  if (d === 1) return 'due tomorrow';
  if (d > 1) return `due in ${d} days`;
  return d === -1 ? '1 day overdue' : `${-d} days overdue`;
}

/**
 * A peer request's due date in words. Only a request still waiting for its
 * note, while input is open, counts down or is overdue: a written note,
 * a declined request, or a cycle past input shows the date alone.
 */
export function requestDue(
  r: { status?: string | null; cycle: { state: string; input_due?: string | null } },
  now: Date = new Date(),
): { text: string; overdue: boolean } {
  const due = r.cycle.input_due;
  if (!due) return { text: 'no due date', overdue: false };
  if (r.status !== 'open' || r.cycle.state !== 'input_open') return { text: `input due ${formatDate(due)}`, overdue: false };
  const label = dueLabel(due, now);
  return { text: `${label} (${formatDate(due)})`, overdue: label.endsWith('overdue') };
}

/** When something happened, in the reader's locale and time zone: the time of day today, formatDateTime before. */
export function formatWhen(value: string, now: Date = new Date(), opts: DateOptions = {}): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const day = formatter({ dateStyle: 'medium' }, opts);
  return day.format(d) === day.format(now) ? formatter({ timeStyle: 'short' }, opts).format(d) : formatDateTime(value, opts);
}
