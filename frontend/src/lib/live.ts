// What an event of a cycle's stream means for the screen: which queries to
// refetch (an event says what changed, never the private text, so the
// screen reads again what it may see), and how to tell the user who
// changed what.
import type { CycleEvent } from '../api/types';

type Key = readonly unknown[];

/** The queries of one EM of the cycle, or of all of them when the event names none. */
const ofEm = (kind: string, cycleId: string, emId: string | null): Key => (emId ? [kind, cycleId, emId] : [kind, cycleId]);

/** Every query that shows something of the cycle: refetched when it is unclear what changed. */
export function cycleQueries(cycleId: string): Key[] {
  return [
    ['cycle', cycleId],
    ['cycles'],
    ['board', cycleId],
    ['agenda', cycleId],
    ['activity', cycleId],
    ['notes', cycleId],
    ['assessment', cycleId],
    ['self-assessment', cycleId],
    ['decision', cycleId],
    ['meeting', cycleId],
    ['preread', cycleId],
    ['peer-requests'],
    ['nine-box', { cycleId }],
    ['shifts', { cycleId }],
  ];
}

/**
 * The query key prefixes to invalidate for an event. The board and the
 * agenda summarise every EM-level fact (flags, decisions, the discussed
 * mark), so almost every event touches them; the activity lists ratings,
 * decisions and meeting changes; the 9-box places composites and
 * decisions, and the shifts count decisions. An unknown type refetches the whole cycle.
 */
export function affectedQueries(cycleId: string, e: Pick<CycleEvent, 'type' | 'em_id'>): Key[] {
  const em = e.em_id ?? null;
  const board: Key = ['board', cycleId];
  const agenda: Key = ['agenda', cycleId];
  const activity: Key = ['activity', cycleId];
  switch (e.type) {
    case 'assessment.changed':
      return [ofEm('assessment', cycleId, em), board, agenda, activity, ['nine-box', { cycleId }]];
    case 'decision.changed':
      return [ofEm('decision', cycleId, em), board, agenda, activity, ['nine-box', { cycleId }], ['shifts', { cycleId }]];
    case 'preread.changed':
      return [ofEm('preread', cycleId, em), board, agenda];
    case 'note.changed':
      return [['notes', cycleId], ['peer-requests'], board, agenda];
    case 'request.changed':
      return [['peer-requests'], ['notes', cycleId], board, agenda];
    case 'meeting.changed':
      return [ofEm('meeting', cycleId, em), board, activity];
    default:
      return cycleQueries(cycleId);
  }
}

export interface ChangeNotice {
  /** the event's id */
  id: string;
  type: string;
  emId: string | null;
  /** "Omar Haddad changed Finn Gallagher's decision" */
  sentence: string;
  /** for a marker beside the EM: "Decision changed by Omar Haddad" */
  short: string;
  at: string;
}

/** Who made a change when their id names nobody the screen knows. */
export const UNKNOWN_ACTOR = 'A co-owner';

/**
 * The sentence that tells who changed what. Names come from what the
 * screen already holds (the cycle's owners and participants, the board);
 * an actor it cannot name is "A co-owner", an EM "an EM". The stream names
 * the actor only when they are an owner or an admin: a peer note's author
 * is never told, nor a peer request's when it is a peer or the EM, and an
 * unnamed assessment author is the EM (their self-assessment).
 */
export function describeChange(e: CycleEvent, nameOf: (id: string) => string | undefined): ChangeNotice {
  const known = e.actor_id ? nameOf(e.actor_id) : undefined;
  const who = known ?? UNKNOWN_ACTOR;
  const emName = e.em_id ? nameOf(e.em_id) : undefined;
  const em = emName ?? 'an EM';
  const ems = emName ? `${emName}'s` : "an EM's";
  const by = ` by ${who}`;
  let sentence: string;
  let short: string;
  switch (e.type) {
    case 'assessment.changed':
      // The stream names owners and admins only: an unnamed author of an
      // assessment is the EM, writing their self-assessment.
      if (e.actor_id) {
        sentence = `${who} changed ${ems} ratings`;
        short = `Ratings changed${by}`;
      } else {
        sentence = `${emName ?? 'An EM'} changed their self-assessment`;
        short = 'Self-assessment changed';
      }
      break;
    case 'decision.changed':
      sentence = `${who} changed ${ems} decision`;
      short = `Decision changed${by}`;
      break;
    case 'preread.changed':
      sentence = `${who} changed their pre-read of ${em}`;
      short = `Pre-read changed${by}`;
      break;
    case 'note.changed':
      sentence = e.em_id ? `A peer note about ${em} changed` : 'A peer note changed';
      short = 'Peer note changed';
      break;
    case 'request.changed':
      sentence = known ? `${known} changed the peer requests for ${em}` : `The peer requests for ${em} changed`;
      short = known ? `Peer requests changed by ${known}` : 'Peer requests changed';
      break;
    case 'meeting.changed':
      sentence = `${who} updated the discussed mark or meeting note of ${em}`;
      short = `Meeting note or mark changed${by}`;
      break;
    case 'cycle.changed':
      sentence = e.actor_id ? `${who} changed the cycle` : 'The cycle changed';
      short = e.actor_id ? `Cycle changed${by}` : 'Cycle changed';
      break;
    default:
      sentence = e.em_id ? `${who} changed something about ${em}` : `${who} changed something in the cycle`;
      short = `Changed${by}`;
  }
  return { id: e.id, type: e.type, emId: e.em_id, sentence, short, at: e.at };
}

/** A name directory from whatever refs a screen holds: later sources do not override earlier ones. */
export function nameDirectory(
  ...sources: ReadonlyArray<ReadonlyArray<{ id: string; name: string } | null> | undefined>
): Map<string, string> {
  const names = new Map<string, string>();
  for (const refs of sources) for (const r of refs ?? []) if (r?.id && r.name && !names.has(r.id)) names.set(r.id, r.name);
  return names;
}
