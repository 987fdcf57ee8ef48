// The distribution guide: how the guide's form reads and checks it, and
// how a guide line (actual against the guide) is said in words.
import { ApiError } from '../api/client';
import { READINESS, type Readiness } from '../api/types';
import type { DistributionGuide, GuideLine } from '../api/rollupTypes';
import { readinessLabel } from './format';

/** The form's text for each readiness's range: empty strings for "no range". */
export type GuideDraft = Record<Readiness, { min: string; max: string }>;

export function emptyGuideDraft(): GuideDraft {
  return Object.fromEntries(READINESS.map((r) => [r, { min: '', max: '' }])) as GuideDraft;
}

export function draftOfGuide(g: DistributionGuide | null | undefined): GuideDraft {
  const d = emptyGuideDraft();
  for (const r of READINESS) {
    const range = g?.[r];
    if (range) d[r] = { min: String(range.min), max: String(range.max) };
  }
  return d;
}

export interface GuideParse {
  /** null when no readiness has a range */
  guide: DistributionGuide | null;
  /** a message per readiness whose range is wrong */
  problems: Partial<Record<Readiness, string>>;
}

const WHOLE = /^\d{1,3}$/;

/**
 * The guide a form describes. A readiness with both fields empty has no
 * range; one field alone means 0 (min) or 100 (max) for the other. Ranges
 * are whole percents 0..100 with min ≤ max, and the minimums together
 * cannot pass 100.
 */
export function guideOfDraft(d: GuideDraft): GuideParse {
  const guide: DistributionGuide = {};
  const problems: GuideParse['problems'] = {};
  let minSum = 0;
  for (const r of READINESS) {
    const min = d[r].min.trim();
    const max = d[r].max.trim();
    if (!min && !max) continue;
    const label = readinessLabel(r);
    if ((min && !WHOLE.test(min)) || (max && !WHOLE.test(max))) {
      problems[r] = `${label}: enter whole percents from 0 to 100.`;
      continue;
    }
    const lo = min ? Number(min) : 0;
    const hi = max ? Number(max) : 100;
    if (lo > 100 || hi > 100) problems[r] = `${label}: a percent is at most 100.`;
    else if (lo > hi) problems[r] = `${label}: the minimum ${lo}% is above the maximum ${hi}%.`;
    else {
      guide[r] = { min: lo, max: hi };
      minSum += lo;
    }
  }
  if (minSum > 100 && Object.keys(problems).length === 0) {
    const first = READINESS.find((r) => guide[r]) as Readiness;
    problems[first] = `The minimums add up to ${minSum}%: together they can be at most 100%.`;
  }
  return { guide: Object.keys(guide).length > 0 ? guide : null, problems };
}

export type GuideStatus = 'within' | 'below' | 'above';

/** Whether a line is within its range, or below or above it. */
export function guideStatus(l: GuideLine): GuideStatus {
  if (l.within) return 'within';
  return l.percent < l.min ? 'below' : 'above';
}

/** "10–20%", or "at least 10%" / "at most 20%" where one end is open. */
export function rangeText(min: number, max: number): string {
  if (min === 0 && max === 100) return 'any share';
  if (max === 100) return `at least ${min}%`;
  if (min === 0) return `at most ${max}%`;
  return min === max ? `${min}%` : `${min}–${max}%`;
}

const STATUS_WORDS: Record<GuideStatus, string> = {
  within: 'within the guide',
  below: 'below the guide',
  above: 'above the guide',
};

/** "Ready now: 3 EMs (25%), guide 10–20%: above the guide". */
export function guideLineText(l: GuideLine): string {
  const ems = l.count === 1 ? '1 EM' : `${l.count} EMs`;
  return `${readinessLabel(l.readiness)}: ${ems} (${l.percent}%), guide ${rangeText(l.min, l.max)}: ${STATUS_WORDS[guideStatus(l)]}`;
}

/** The status alone, for a table cell. */
export const guideStatusText = (l: GuideLine): string => STATUS_WORDS[guideStatus(l)];

/** The lines outside the guide that a 409 outside_distribution_guide names; null for any other error. */
export function outsideOf(err: unknown): GuideLine[] | null {
  if (!(err instanceof ApiError) || err.code !== 'outside_distribution_guide') return null;
  const lines = err.details?.['outside'];
  return Array.isArray(lines) ? (lines as GuideLine[]) : [];
}

/** The longest override reason the API takes. */
export const OVERRIDE_MAX = 500;

/** A problem with an override reason, or null when it will do (1–500 characters once trimmed). */
export function overrideProblem(reason: string): string | null {
  const n = [...reason.trim()].length;
  if (n === 0) return 'Give a reason for finalizing outside the guide.';
  if (n > OVERRIDE_MAX) return `The reason is too long: at most ${OVERRIDE_MAX} characters (now ${n}).`;
  return null;
}
