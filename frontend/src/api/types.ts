// The types the app uses for API data. Where api/openapi.yaml documents a
// schema, the type comes from the generated schema.d.ts (`npm run gen:api`).
// Routes the contract does not document yet (cycles, board, peer input, EM
// records: being added to the spec) have interim types written from the Go
// DTOs in internal/httpapi/*_dto.go. `Spec<Name, Interim>` uses the
// generated schema as soon as the spec gains a schema of that name, so the
// code that uses it is then type-checked against the contract.
import type { components, operations } from './schema';

type Schemas = components['schemas'];
type Spec<K extends string, Interim> = K extends keyof Schemas ? Schemas[K] : Interim;

// ---------------------------------------------------------------- generated
export type Role = Schemas['Role'];
export type UserFunction = Schemas['Function'];
export type Me = Schemas['Me'];
export type TokenResponse = Schemas['TokenResponse'];
export type Person = Schemas['Person'];
export type User = Schemas['User'];
export type CreateUserRequest = Schemas['CreateUserRequest'];
export type PatchUserRequest = Schemas['PatchUserRequest'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditQuery = { cycle_id?: string; actor_id?: string; action?: string; from?: string; to?: string };
export type AuthProviders = Schemas['AuthProviders'];
export type OrgSettings = Schemas['OrgSettings'];
export type PatchOrgRequest = Schemas['PatchOrgRequest'];
export type ImportResult = Schemas['ImportResult'];
export type ImportChange = Schemas['ImportChange'];
export type Scale = Schemas['Scale'];
export type Criterion = Schemas['Criterion'];
export type CriterionInput = Schemas['CriterionInput'];
export type Framework = Schemas['Framework'];
export type CreateFrameworkRequest = Schemas['CreateFrameworkRequest'];
export type ScimToken = Schemas['ScimToken'];
export type CreatedScimToken = Schemas['CreatedScimToken'];
export type ErrorBody = Schemas['Error'];
export type Hint = Schemas['Hint'];
export type FieldHint = Schemas['FieldHint'];
export type Preread = Schemas['Preread'];
export type BoardNotice = Schemas['BoardNotice'];
export type PrereadWrite = operations['putPreread']['requestBody']['content']['application/json'];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// ------------------------------------------------------------ vocabulary
export const STATES = ['draft', 'input_open', 'calibrating', 'finalized', 'released'] as const;
export type CycleState = (typeof STATES)[number];
export const READINESS = ['ready_now', 'ready_6_12_months', 'ready_12_24_months', 'not_yet'] as const;
export type Readiness = (typeof READINESS)[number];
export const ADVOCACY = ['strong', 'support', 'neutral', 'concern'] as const;
export type Advocacy = (typeof ADVOCACY)[number];
export const ATTRIBUTIONS = ['named', 'by_function', 'anonymous'] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];
export type RequestStatus = 'open' | 'answered' | 'declined';
/** The board's flag codes that the API filters by (the board's flags and the fairness aids). */
export const FLAG_CODES = [
  'incomplete',
  'missing_evidence',
  'self_gap',
  'peer_divergence',
  'no_peer_input',
  'big_move',
  'stalled',
  'short_tenure',
  'language',
  'questioned',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];
export const STANCES = ['agree', 'question', 'abstain'] as const;
export type Stance = (typeof STANCES)[number];
export const PLAN_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export type Trend = Schemas['Trend'];

// Compile-time checks that the lists above are the contract's vocabulary
// (each is `true` while they agree; a mismatch fails `tsc`).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Agrees<T extends true> = T;
export type VocabularyAgrees = [
  Agrees<Same<CycleState, Spec<'CycleState', CycleState>>>,
  Agrees<Same<Readiness, Spec<'Readiness', Readiness>>>,
  Agrees<Same<Advocacy, Spec<'Advocacy', Advocacy>>>,
  Agrees<Same<Attribution, Spec<'Attribution', Attribution>>>,
  Agrees<Same<FlagCode, Spec<'FlagCode', FlagCode>>>,
  Agrees<Same<PlanStatus, Spec<'PlanStatus', PlanStatus>>>,
  Agrees<Same<Stance, Spec<'Stance', Stance>>>,
  Agrees<Same<(typeof ACTIVITY_KINDS)[number], Schemas['ActivityKind']>>,
  Agrees<Same<(typeof CYCLE_EVENT_TYPES)[number], Schemas['CycleEventType']>>,
];

export interface Ref {
  id: string;
  name: string;
}

// ---------------------------------------------------------------- cycles
export type Cycle = Spec<
  'Cycle',
  {
    id: string;
    name: string;
    state: CycleState;
    next_state: CycleState | null;
    framework_id: string;
    lead: Ref;
    owners: Ref[];
    participants: { id: string; name: string; director_id: string }[];
    input_due: string | null;
    peer_attribution: Attribution;
    created_at: string;
    updated_at: string;
    finalized_at: string | null;
    released_at: string | null;
  }
>;

export type Participant = Cycle['participants'][number];

export type CreateCycleRequest = Spec<
  'CreateCycleRequest',
  {
    name: string;
    framework_id?: string | null;
    em_ids: string[];
    co_owner_ids?: string[];
    input_due?: string | null;
    peer_attribution?: Attribution;
  }
>;

export type Rating = Spec<'Rating', { criterion: string; score: number; evidence: string }>;

export type Assessment = Spec<
  'Assessment',
  {
    cycle_id: string;
    em_id: string;
    ratings: Rating[];
    private_note: string | null;
    version: number;
    updated_at: string | null;
  }
>;

/**
 * A director's assessment as written. `change_reason` (1–500 characters)
 * is required once the cycle is calibrating and the assessment exists.
 */
export type AssessmentWrite = Schemas['AssessmentRequest'];

export type SelfAssessment = Spec<
  'SelfAssessment',
  {
    cycle_id: string;
    em_id: string;
    ratings: Rating[];
    version: number;
    updated_at: string | null;
  }
>;

export type Decision = Spec<
  'Decision',
  {
    cycle_id: string;
    em_id: string;
    readiness: Readiness | null;
    rationale: string | null;
    version: number;
    updated_at: string | null;
  }
>;

export type DecisionWrite = Spec<'DecisionRequest', { readiness: Readiness; rationale: string; version: number }>;

// ------------------------------------------------------------ peer input
export interface PersonRef extends Ref {
  function: UserFunction;
}

interface InterimOwnNote {
  request_id: string;
  advocacy: Advocacy;
  criteria: string[];
  body: string;
  created_at: string;
  updated_at: string;
}

export type PeerRequest = Spec<
  'PeerRequest',
  {
    id: string;
    cycle: {
      id: string;
      name: string;
      state: CycleState;
      input_due: string | null;
      /** not sent yet: the peer needs it to show the criteria (see README) */
      framework_id?: string;
    };
    em: Ref;
    peer: PersonRef;
    requested_by: Ref;
    message: string | null;
    /** null when the caller may not know it (an EM in a cycle that is not `named`) */
    status: RequestStatus | null;
    created_at: string;
    /** the caller's own note, for the requested peer */
    note?: InterimOwnNote;
  }
>;

export type OwnNote = NonNullable<PeerRequest['note']>;

export type PeerRequestPage = Spec<'PeerRequestPage', Page<PeerRequest> & { summary?: { cycle_id: string; requested: number; answered: number }[] }>;
export type RequestSummary = NonNullable<PeerRequestPage['summary']>[number];

export type NoteWrite = Spec<'NoteRequest', { advocacy: Advocacy; criteria: string[]; body: string }>;

export type CycleNote = Spec<
  'CycleNote',
  {
    request_id: string;
    cycle_id: string;
    em: Ref;
    author: PersonRef;
    advocacy: Advocacy;
    criteria: string[];
    body: string;
    created_at: string;
    updated_at: string;
  }
>;

// ----------------------------------------------------------------- board
interface InterimFlag {
  code: string;
  criterion?: string | null;
  message: string;
}

interface InterimBoardRow {
  em: { id: string; name: string; director_id: string };
  scores: Record<string, { director: number | null; self: number | null; peer: Partial<Record<Advocacy, number>> }>;
  composite: number | null;
  evidence_coverage: number | null;
  readiness: { suggested: Readiness | null; decision: Readiness | null; previous: Readiness | null };
  flags: InterimFlag[];
}

interface InterimRater {
  director: Ref;
  mean: number | null;
  stdev: number | null;
  count: number;
}

export type Board = Spec<
  'Board',
  {
    cycle: { id: string; name: string; state: CycleState };
    scale: Scale;
    criteria: Criterion[];
    rows: InterimBoardRow[];
    distribution: Partial<Record<Readiness | 'undecided', number>>;
    raters: InterimRater[];
    org_mean: number | null;
  }
>;

export type BoardRow = Board['rows'][number];
export type CellScores = BoardRow['scores'][string];
export type PeerCounts = CellScores['peer'];
export type Flag = BoardRow['flags'][number];
export type Rater = Board['raters'][number];

export interface BoardQuery {
  sort?: 'name' | 'composite' | '-composite' | 'flags' | 'readiness';
  flag?: string;
  readiness?: Readiness | 'undecided';
}

export type Agenda = Spec<'Agenda', { items: { em: Ref; reasons: string[]; minutes: number }[] }>;
export type AgendaItem = Agenda['items'][number];

// ------------------------------------------------------------ EM records
interface InterimHistoryCycle {
  cycle: { id: string; name: string; state: CycleState; finalized_at: string | null };
  composite: number | null;
  scores: Record<string, number>;
  decision: Readiness | null;
}

export type History = Spec<
  'History',
  {
    em: Ref;
    cycles: InterimHistoryCycle[];
    trajectory: { at_bar_streak: number; trend: 'rising' | 'flat' | 'falling' | null; stalled: boolean };
  }
>;

export type HistoryCycle = History['cycles'][number];

export type PlanItem = Spec<
  'PlanItem',
  {
    id: string;
    em_id: string;
    criterion: string;
    action: string;
    revisit_on: string | null;
    status: PlanStatus;
    created_by: string;
    created_at: string;
    updated_at: string;
  }
>;

export type PlanItemWrite = Spec<
  'PatchPlanItemRequest',
  Partial<{ criterion: string; action: string; revisit_on: string | null; status: PlanStatus }>
>;
export type NewPlanItem = Spec<
  'CreatePlanItemRequest',
  { criterion: string; action: string; revisit_on?: string | null; status?: PlanStatus }
>;

interface InterimFeedbackNote {
  /** how the cycle attributes the note: a name, a function or "a peer" */
  attribution: string;
  author?: string;
  function?: UserFunction;
  advocacy: Advocacy;
  criteria: string[];
  body: string;
}

interface InterimFeedbackCycle {
  cycle: { id: string; name: string; released_at: string | null };
  ratings: { criterion: string; title: string; score: number; evidence: string }[];
  composite: number | null;
  decision: { readiness: Readiness; rationale: string } | null;
  notes: InterimFeedbackNote[];
}

export type Feedback = Spec<'Feedback', { cycles: InterimFeedbackCycle[] }>;
export type FeedbackCycle = Feedback['cycles'][number];
export type FeedbackNote = FeedbackCycle['notes'][number];

// ---------------------------------------------------------- live meeting
// The cycle's event stream, its activity (the meeting record) and the
// per-EM meeting state.

/** The types of the cycle's events; a client refetches what each concerns. */
export const CYCLE_EVENT_TYPES = [
  'assessment.changed',
  'decision.changed',
  'preread.changed',
  'note.changed',
  'request.changed',
  'meeting.changed',
  'cycle.changed',
] as const;
export type CycleEventType = Schemas['CycleEventType'];
/**
 * One event of GET /cycles/{id}/events: what changed, never the private
 * text. `actor_id` is null unless the actor is an owner of the cycle or an
 * admin (a peer note, an EM's self-assessment).
 */
export type CycleEvent = Schemas['CycleEvent'];

export const ACTIVITY_KINDS = ['rating', 'decision', 'discussed', 'meeting_note', 'participant'] as const;
export type ActivityKind = Schemas['ActivityKind'];
/**
 * One change of the meeting record. `before` and `after` by kind: rating,
 * the changed criteria's scores ({key: score or null}); decision, a
 * readiness or null; discussed, a boolean; meeting_note, the note or null;
 * participant, "included" or "removed".
 */
export type ActivityItem = Schemas['ActivityItem'];
export type ActivityPage = Schemas['ActivityPage'];
/** The owners' meeting state of one EM; never released to the EM. `version` 0: not written yet. */
export type MeetingState = Schemas['MeetingState'];
export type MeetingStateWrite = Schemas['MeetingStateRequest'];
