// The meeting record as sentences: each change of the cycle's activity
// (GET /cycles/{id}/activity) says who moved whom, from what to what, and
// why, in labels ("Not yet", "Organisational leverage"), never enum values
// or criterion keys.
import type { ActivityItem, Readiness } from '../api/types';
import { readinessLabel } from './format';

/** The longest stretch of a meeting note quoted in a sentence. */
export const NOTE_QUOTE_MAX = 140;

function quote(note: string): string {
  const t = note.trim().replace(/\s+/g, ' ');
  return `“${t.length > NOTE_QUOTE_MAX ? `${t.slice(0, NOTE_QUOTE_MAX - 1).trimEnd()}…` : t}”`;
}

const score = (v: number | null | undefined) => (v === null || v === undefined ? 'not rated' : String(v));
const asScores = (v: unknown): Record<string, number | null> => (v && typeof v === 'object' ? (v as Record<string, number | null>) : {});
const asText = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * "Omar Haddad moved Finn Gallagher from Not yet to Ready in 6–12 months:
 * shipped the platform migration". `titles` maps criterion keys to their
 * titles; the reason (a rating's change reason, a decision's rationale)
 * follows a colon.
 */
export function activitySentence(item: ActivityItem, titles: Record<string, string>): string {
  // No actor: a change made from the command line, not by a signed-in user.
  const who = item.actor?.name ?? 'The system';
  const em = item.em?.name ?? 'an EM';
  let text: string;
  switch (item.kind) {
    case 'decision': {
      const before = item.before as Readiness | null;
      const after = item.after as Readiness | null;
      if (!after) text = `${who} withdrew the decision for ${em} (was ${readinessLabel(before)})`;
      else if (!before) text = `${who} decided ${readinessLabel(after)} for ${em}`;
      else if (before === after) text = `${who} kept ${em} at ${readinessLabel(after)} with a new rationale`;
      else text = `${who} moved ${em} from ${readinessLabel(before)} to ${readinessLabel(after)}`;
      break;
    }
    case 'rating': {
      const before = asScores(item.before);
      const after = asScores(item.after);
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
      const order = Object.keys(titles);
      keys.sort((a, b) => (order.indexOf(a) >>> 0) - (order.indexOf(b) >>> 0));
      const changes = keys.map((k) => ({ title: titles[k] ?? 'a criterion', from: score(before[k]), to: score(after[k]) }));
      const first = changes[0];
      if (changes.length === 1 && first) text = `${who} changed ${em}'s ${first.title} from ${first.from} to ${first.to}`;
      // No score moved: only the evidence or the private note did.
      else if (changes.length === 0) text = `${who} changed the evidence or private note of ${em}'s assessment`;
      else text = `${who} changed ${em}'s ratings (${changes.map((c) => `${c.title} ${c.from} → ${c.to}`).join(', ')})`;
      break;
    }
    case 'discussed':
      text = item.after === true ? `${who} marked ${em} as discussed` : `${who} marked ${em} as not discussed`;
      break;
    case 'meeting_note': {
      const before = asText(item.before).trim();
      const after = asText(item.after).trim();
      if (!after) text = `${who} cleared the meeting note of ${em}`;
      else text = `${who} ${before ? 'edited' : 'wrote'} the meeting note of ${em}: ${quote(after)}`;
      break;
    }
    case 'participant':
      // included → included: an admin changed the person (role, reporting
      // line, account) and they stay in the cycle.
      if (item.after === 'removed') text = `${who} removed ${em} from the cycle`;
      else if (item.before === 'included') text = `${who} changed ${em}'s role, reporting line or account; ${em} stays in the cycle`;
      else text = `${who} added ${em} to the cycle`;
      break;
    default:
      text = `${who} changed ${em}`;
  }
  const reason = item.reason?.trim();
  return reason ? `${text}: ${reason}` : text;
}
