// The EM's year in words: what each state of a cycle means for the EM,
// partner counts, the projection beside the decision, plan rules and the
// plan items suggested by the criteria below the bar.
import type { CycleState, Readiness } from '../api/types';
import { formatDate, readinessLabel } from './format';

/** "3 partners", "1 partner", "no partner". */
export function partners(n: number): string {
  if (n === 0) return 'no partner';
  return n === 1 ? '1 partner' : `${n} partners`;
}

/**
 * How much peer input was gathered, in words, never who: "3 partners were
 * asked for input about you; 2 answered."
 */
export function partnerCounts(asked: number, answered: number): string {
  if (asked === 0) return 'No partner was asked for input about you in this cycle.';
  const were = asked === 1 ? 'was' : 'were';
  const ans = answered === 0 ? 'none has answered yet' : answered === asked ? (asked === 1 ? 'they answered' : 'all answered') : `${answered} answered`;
  return `${partners(asked)} ${were} asked for input about you; ${ans}.`;
}

/**
 * The same for an open cycle, with the EM's own requests apart: "You asked
 * 1 partner; 3 partners were asked in total (your director asked the
 * others); 1 has answered."
 */
export function requestSummaryText(s: { requested: number; asked_in_total: number; answered_in_total: number } | undefined): string {
  if (!s || s.asked_in_total === 0) return 'No partner has been asked for input about you yet.';
  const others = s.asked_in_total - s.requested;
  const who =
    s.requested === 0
      ? `Your director asked ${partners(s.asked_in_total)} for input about you`
      : others === 0
        ? `You asked ${partners(s.requested)} for input`
        : `You asked ${partners(s.requested)} and your director ${partners(others)} for input about you`;
  const ans = s.answered_in_total === 0 ? 'none has answered yet' : `${s.answered_in_total} of ${s.asked_in_total} answered`;
  return `${who}; ${ans}.`;
}

/** "expected on 18 Dec 2026", or "not set yet". */
export function resultsText(date: string | null | undefined): string {
  return date ? `Results expected on ${formatDate(date)}.` : 'Results date: not set yet.';
}

/** What is happening in a cycle in this state and what comes next, for its EM. */
export function nextStepText(state: CycleState, results: string | null | undefined): string {
  const when = date(results);
  switch (state) {
    case 'draft':
      return `Being prepared: your director is setting the cycle up. You can already nominate peers; your self-assessment opens when input opens. ${cap(when)}`;
    case 'input_open':
      return `Input is open: write your self-assessment and nominate peers. Then your director rates you and compares with peers' input; ${when}`;
    case 'calibrating':
      return `Calibrating: your director and peers' input are being compared across the group. Nothing to do now; ${when}`;
    case 'finalized':
      return `Finalized: decisions are made and locked; your director releases them next. ${cap(when)}`;
    case 'released':
      return 'Released: read your scores, notes and decision below.';
  }
}

function date(results: string | null | undefined): string {
  return results ? `results are expected on ${formatDate(results)}.` : 'the results date is not set yet.';
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The projection beside the decision, phrased so they never contradict:
 * scores at the bar everywhere do not make one "ready now" by themselves.
 */
export function projectionText(projected: number | null | undefined, decision: Readiness | null | undefined, explanation: string): string {
  const dec = decision ? `decision: ${readinessLabel(decision).toLowerCase()}` : 'no decision recorded';
  if (projected === 0) {
    const why = decision && decision !== 'ready_now' ? ' (the decision weighs more than scores: see its rationale)' : '';
    return `Meets the bar on every criterion now; ${dec}${why}.`;
  }
  if (projected && projected > 0) {
    const n = projected === 1 ? 'about 1 more cycle' : `about ${projected} more cycles`;
    return `At the recent pace, every criterion could reach the bar in ${n} (a projection, not a promise); ${dec}.`;
  }
  return `${cap(dec)}. ${explanation}`;
}

/** The least an action says, as the API checks it. */
export const MIN_ACTION = 10;
export const MAX_ACTION = 2000;

/** Today as YYYY-MM-DD in the reader's time zone. */
export function todayISO(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Plain-words errors of a plan item, by field, before it is sent. */
export function planErrors(action: string, revisit: string, now: Date = new Date(), unchangedRevisit?: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  const n = [...action.trim()].length;
  if (n === 0) out.action = 'Say what you will do.';
  else if (n < MIN_ACTION) out.action = `Say a little more: at least ${MIN_ACTION} characters (now ${n}).`;
  else if (n > MAX_ACTION) out.action = `Keep it to ${MAX_ACTION} characters (now ${n}).`;
  if (revisit && revisit !== unchangedRevisit && revisit < todayISO(now)) out.revisit_on = 'Choose today or a later date: this one is in the past.';
  return out;
}

export interface Suggestion {
  criterion: string;
  title: string;
  score: number;
  action: string;
}

/**
 * Plan items to suggest: the criteria below the bar in the latest released
 * cycle, lowest first, leaving out criteria the plan already covers with an
 * open item.
 */
export function suggestions(
  ratings: { criterion: string; title: string; score: number }[],
  bar: number,
  covered: Set<string>,
): Suggestion[] {
  return ratings
    .filter((r) => r.score < bar && !covered.has(r.criterion))
    .sort((a, b) => a.score - b.score)
    .map((r) => ({
      ...r,
      action: `Raise ${r.title.toLowerCase()} to the bar: agree one concrete step with my director and show evidence by the next cycle.`,
    }));
}
