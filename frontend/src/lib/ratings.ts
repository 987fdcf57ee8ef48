// Editing ratings, and telling a user what someone else changed when their
// save answers 409 stale_version.
import type { Criterion, Rating } from '../api/types';

export interface Draft {
  score: number | null;
  evidence: string;
}

export type Drafts = Record<string, Draft>;

export function draftsOf(criteria: readonly Criterion[], ratings: readonly Rating[] = []): Drafts {
  const out: Drafts = {};
  for (const c of criteria) {
    const r = ratings.find((x) => x.criterion === c.key);
    out[c.key] = { score: r?.score ?? null, evidence: r?.evidence ?? '' };
  }
  return out;
}

/**
 * The ratings to send, in criteria order: only scored criteria (the API
 * takes a partial assessment). `keys[i]` is the criterion of `ratings[i]`,
 * to put field errors like `ratings[2].evidence` next to the right control.
 */
export function ratingsOf(criteria: readonly Criterion[], drafts: Drafts): { ratings: Rating[]; keys: string[] } {
  const ratings: Rating[] = [];
  const keys: string[] = [];
  for (const c of criteria) {
    const d = drafts[c.key];
    if (d && d.score !== null) {
      ratings.push({ criterion: c.key, score: d.score, evidence: d.evidence.trim() });
      keys.push(c.key);
    }
  }
  return { ratings, keys };
}

/** Field errors of a ratings write, by criterion key and part. */
export function ratingFieldErrors(fields: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, msg] of Object.entries(fields)) {
    const m = /^ratings\[(\d+)\]\.(\w+)$/.exec(path);
    const key = m ? keys[Number(m[1])] : undefined;
    if (m && key) out[`${key}.${m[2]}`] = msg;
    else out[path] = msg;
  }
  return out;
}

/** Sentences saying what differs between what the user started from and what is stored now. */
export function diffRatings(
  criteria: readonly Criterion[],
  before: readonly Rating[],
  after: readonly Rating[],
): string[] {
  const out: string[] = [];
  for (const c of criteria) {
    const a = before.find((r) => r.criterion === c.key);
    const b = after.find((r) => r.criterion === c.key);
    const sa = a?.score ?? null;
    const sb = b?.score ?? null;
    if (sa !== sb) out.push(`${c.title}: score ${sa ?? 'none'} → ${sb ?? 'none'}`);
    if ((a?.evidence ?? '') !== (b?.evidence ?? '')) out.push(`${c.title}: evidence changed`);
  }
  return out;
}

/** The evidence length the board counts as evidenced. */
export const EVIDENCE_MIN = 20;

/**
 * The score an arrow key moves to from the focused score `from`: one step
 * along the scale, Home and End to its ends, and never past an end — no
 * wrap, and never to "no score" (a score is cleared only by its Clear
 * button, which offers an undo). null for a key the score leaves to the
 * browser (Tab, Space, …).
 */
export function scoreAfterKey(key: string, from: number, scale: { min: number; max: number }): number | null {
  const clamp = (v: number) => Math.min(scale.max, Math.max(scale.min, v));
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return clamp(from + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return clamp(from - 1);
    case 'Home':
      return scale.min;
    case 'End':
      return scale.max;
  }
  return null;
}
